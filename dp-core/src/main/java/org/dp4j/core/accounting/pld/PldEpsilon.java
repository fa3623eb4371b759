package org.dp4j.core.accounting.pld;

import org.dp4j.core.internal.Checks;

/**
 * The epsilon that {@link PldAccountant} certifies at a delta, and the analysis that certified it.
 *
 * <p>The accountant's privacy loss distribution (PLD) is normally computed on a grid chosen for
 * accuracy ({@link Grid#AS_CHOSEN}), and then it alone gives the answer. When the memory guards
 * force a coarser grid ({@link Grid#COARSENED}) or no grid within them represents the composition
 * ({@link Grid#UNREPRESENTABLE}), the accountant also evaluates the Renyi-DP bound of the same
 * events ({@code RdpAccountant} with its default orders, under the same relation) and reports the
 * smaller of the two. Both are upper bounds on the true epsilon, so their minimum is one too.
 *
 * @param epsilon the reported epsilon: {@code min(pldEpsilon, rdpEpsilon)}, {@code >= 0}, possibly
 *     {@code +inf}
 * @param bound which analysis gave {@code epsilon}
 * @param grid how the PLD grid came out
 * @param pldEpsilon the PLD bound, {@code +inf} when {@code grid} is {@link Grid#UNREPRESENTABLE}
 * @param rdpEpsilon the Renyi-DP bound; NaN when it was not evaluated ({@code grid} is {@link
 *     Grid#AS_CHOSEN}) or when Renyi DP has no bound for these events (for example an (epsilon,
 *     delta) event with delta &gt; 0, or Poisson sampling of a non-Gaussian mechanism)
 */
public record PldEpsilon(
    double epsilon, Bound bound, Grid grid, double pldEpsilon, double rdpEpsilon) {

  /** The analysis behind a reported epsilon. */
  public enum Bound {
    /** The privacy loss distribution. */
    PLD,
    /** Renyi differential privacy (Mironov 2017), smaller than the PLD bound on its grid. */
    RDP
  }

  /** How the PLD grid came out. */
  public enum Grid {
    /**
     * Every event on its accuracy-driven spacing (or the fixed spacing asked for): the PLD has its
     * documented accuracy and Renyi DP is not evaluated.
     */
    AS_CHOSEN,
    /**
     * Some event needed a coarser spacing than its accuracy target (memory guards, or the smallest
     * spacing {@link PldAccountant#MIN_INTERVAL}): still an upper bound, possibly a looser one.
     */
    COARSENED,
    /** No grid within the memory guards represents the composition: the PLD gives no bound. */
    UNREPRESENTABLE
  }

  /**
   * Checks the components.
   *
   * @throws IllegalArgumentException when {@code epsilon} or {@code pldEpsilon} is NaN or negative
   * @throws NullPointerException when {@code bound} or {@code grid} is null
   */
  public PldEpsilon {
    Checks.nonNegative("epsilon", epsilon);
    Checks.nonNegative("pldEpsilon", pldEpsilon);
    Checks.notNull("bound", bound);
    Checks.notNull("grid", grid);
  }

  /**
   * One line for people: which bound was used and why, e.g. {@code "Renyi DP (the privacy loss
   * distribution on a coarsened grid gave 31.2)"}.
   */
  public String describe() {
    String rdp = Double.isNaN(rdpEpsilon) ? "no Renyi DP bound for these events" : null;
    return switch (grid) {
      case AS_CHOSEN -> "privacy loss distribution";
      case COARSENED -> bound == Bound.PLD
          ? "privacy loss distribution on a coarsened grid ("
              + (rdp != null ? rdp : "Renyi DP gave " + rdpEpsilon) + ")"
          : "Renyi DP (the privacy loss distribution on a coarsened grid gave " + pldEpsilon + ")";
      case UNREPRESENTABLE -> bound == Bound.RDP
          ? "Renyi DP (no privacy loss distribution grid within the memory guards represents"
              + " this composition)"
          : "none: no privacy loss distribution grid within the memory guards represents this"
              + " composition, and " + (rdp != null ? rdp : "Renyi DP gave " + rdpEpsilon);
    };
  }
}
