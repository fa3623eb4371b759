package org.dp4j.core.accounting.pld;

import org.dp4j.core.internal.Checks;

/**
 * The epsilon that {@link PldAccountant} certifies at a delta, and the analysis that certified it.
 *
 * <p>The accountant evaluates two upper bounds on the true epsilon of the same events: its privacy
 * loss distribution (PLD), and the Renyi-DP bound ({@code RdpAccountant} with its default orders,
 * under the same relation). It reports the smaller; their minimum is an upper bound too. The PLD is
 * normally the smaller one. The Renyi-DP bound takes over where the PLD cannot give a useful
 * answer: when the memory guards force a grid coarser than the accuracy target ({@link
 * Grid#COARSENED}), when no grid within them represents the composition ({@link
 * Grid#UNREPRESENTABLE}), or when the PLD's floating-point error allowance exceeds a tiny delta.
 *
 * @param epsilon the reported epsilon: {@code min(pldEpsilon, rdpEpsilon)}, {@code >= 0}, possibly
 *     {@code +inf}
 * @param bound which analysis gave {@code epsilon}
 * @param grid how the PLD grid came out
 * @param pldEpsilon the PLD bound, {@code +inf} when {@code grid} is {@link Grid#UNREPRESENTABLE}
 * @param rdpEpsilon the Renyi-DP bound; NaN when Renyi DP has no bound for these events (for
 *     example an (epsilon, delta) event with delta &gt; 0, or Poisson sampling of a non-Gaussian
 *     mechanism)
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
     * documented accuracy.
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
   * @param epsilon the reported epsilon, {@code >= 0}
   * @param bound the analysis it comes from, not null
   * @param grid how the PLD grid came out, not null
   * @param pldEpsilon the PLD bound, {@code >= 0} ({@code +inf} allowed)
   * @param rdpEpsilon the Renyi-DP bound, or NaN when there is none
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
   * {@return one line for people: which bound was used and why} For example {@code "Renyi DP (the
   * privacy loss distribution on a coarsened grid gave 31.2)"}.
   */
  public String describe() {
    String other =
        Double.isNaN(rdpEpsilon)
            ? "no Renyi DP bound for these events"
            : "Renyi DP gave " + rdpEpsilon;
    if (bound == Bound.RDP) {
      return switch (grid) {
        case AS_CHOSEN -> "Renyi DP (the privacy loss distribution gave " + pldEpsilon + ")";
        case COARSENED ->
            "Renyi DP (the privacy loss distribution on a coarsened grid gave " + pldEpsilon + ")";
        case UNREPRESENTABLE ->
            "Renyi DP (no privacy loss distribution grid within the memory"
                + " guards represents this composition)";
      };
    }
    return switch (grid) {
      case AS_CHOSEN -> "privacy loss distribution";
      case COARSENED -> "privacy loss distribution on a coarsened grid (" + other + ")";
      case UNREPRESENTABLE ->
          "none: no privacy loss distribution grid within the memory guards"
              + " represents this composition, and "
              + other;
    };
  }
}
