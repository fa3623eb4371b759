package org.dp4j.spark.internal;

import java.util.ArrayList;
import java.util.List;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.pld.PldAccountant;
import org.dp4j.core.calibration.GaussianCalibration;
import org.dp4j.core.calibration.NoiseCalibration;
import org.dp4j.core.event.ComposedEvent;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.event.SelfComposedEvent;
import org.dp4j.core.internal.Checks;
import org.dp4j.mechanisms.aggregation.NoiseKind;

/**
 * Calibrates all releases of one query together, under one budget, with dp-core's {@link
 * PldAccountant} and {@link NoiseCalibration}.
 *
 * <p><b>The family.</b> A query makes {@code P} releases: one per part (noisy sum), one per
 * quantile rank, and one for private partition selection. One parameter {@code z} sets them all:
 *
 * <ul>
 *   <li>a Gaussian part adds {@code N(0, (z Δ2)^2)}: {@code GaussianEvent(z)} (the L2 sensitivity
 *       of the whole vector of groups); a Laplace part adds Laplace noise of scale {@code z Δ1},
 *       and since one unit moves at most K coordinates by at most {@code Δ1 / K} each, it is
 *       charged as K pure events {@code 1/(z K)} (their PLD composition is tighter than {@code 1/z}
 *       whenever delta is positive, and equal at delta 0);
 *   <li>a quantile rank runs the exponential mechanism in every group at {@code e(z) / K}, charged
 *       as K such pure events; Gaussian thresholding charges K events {@code (0, p)} for the new
 *       groups a unit can create, with {@code 1 - (1 - p)^K = delta / P}; the truncated geometric
 *       rule runs at {@code (e(z) / K, delta / (P K))} per group, charged as K such events;
 *   <li>{@code e(z)} is the epsilon a single Gaussian part has at {@code delta / P} (Balle &amp;
 *       Wang 2018, Thm. 8) in Gaussian queries, and {@code 1/z} in Laplace queries: at an equal
 *       split of the budget over the P releases every release would get the same epsilon, and the
 *       family keeps that balance.
 * </ul>
 *
 * The composition of all of them is accounted by PLD (Gaussian releases compose exactly there, as
 * one Gaussian), and {@code z} is the smallest multiplier whose composed epsilon at the budget's
 * delta is at most the budget's epsilon ({@link NoiseCalibration#noiseMultiplier}, which returns
 * the upper end of its final bracket). The equal split it is compared with gives every release
 * {@code (epsilon / P, delta / P)} and calibrates each alone (analytic Gaussian, or Laplace at
 * {@code epsilon / P}).
 */
public final class QueryCalibration {

  private QueryCalibration() {}

  /**
   * The calibrated query.
   *
   * @param noiseMultiplier z
   * @param equalSplitMultiplier the multiplier of one part under an equal split
   * @param releases P
   * @param mechanisms one per part
   * @param quantileEpsilonPerGroup {@code e(z) / K} (0 without quantiles)
   * @param equalSplitQuantileEpsilonPerGroup {@code epsilon / (P K)} (0 without quantiles)
   * @param selection the selection rule
   * @param event the composed event of the whole query
   */
  public record Result(
      double noiseMultiplier,
      double equalSplitMultiplier,
      int releases,
      List<MechanismSpec> mechanisms,
      double quantileEpsilonPerGroup,
      double equalSplitQuantileEpsilonPerGroup,
      SelectionSpec selection,
      PrivacyEvent event) {}

  /**
   * Calibrates.
   *
   * @param budget the query's budget; delta must be positive for Gaussian noise or private
   *     selection
   * @param noise the noise of the parts
   * @param parts the parts (their sensitivities follow from K and M)
   * @param quantileRanks the number of quantile releases
   * @param selection PUBLIC, GAUSSIAN_THRESHOLD (needs a DISTINCT_UNITS part) or
   *     TRUNCATED_GEOMETRIC
   * @param maxGroupsPerUnit K
   * @param maxRowsPerGroup M
   * @param equalSplit whether to use the equal split's multiplier instead of the joint one (for
   *     comparisons; the larger of the two, so the budget is always met)
   * @return the calibration
   * @throws IllegalArgumentException when the budget cannot pay for the query
   */
  public static Result calibrate(
      PrivacyBudget budget,
      NoiseKind noise,
      List<Part> parts,
      int quantileRanks,
      SelectionSpec.Kind selection,
      int maxGroupsPerUnit,
      int maxRowsPerGroup,
      boolean equalSplit) {
    Checks.notNull("budget", budget);
    Checks.require(budget.epsilon() > 0, "epsilon", "positive", budget.epsilon());
    boolean gaussian = noise == NoiseKind.GAUSSIAN;
    Checks.require(
        !gaussian || budget.delta() > 0, "delta", "positive for Gaussian noise", budget.delta());
    Checks.require(
        selection == SelectionSpec.Kind.PUBLIC || budget.delta() > 0,
        "delta",
        "positive for private partition selection (only public groups allow pure DP)",
        budget.delta());
    Checks.require(
        selection != SelectionSpec.Kind.GAUSSIAN_THRESHOLD || gaussian,
        "partition selection",
        "TRUNCATED_GEOMETRIC with Laplace noise",
        selection);
    int k = maxGroupsPerUnit;
    int releases = parts.size() + quantileRanks + (selection == SelectionSpec.Kind.PUBLIC ? 0 : 1);
    Checks.require(releases > 0, "metrics", "at least one", 0);
    double deltaShare = budget.delta() / releases;
    // New-group probability of Gaussian thresholding: 1 - (1 - p)^K = delta / P.
    double newGroup = deltaShare > 0 ? -Math.expm1(Math.log1p(-deltaShare) / k) : 0.0;
    Family family =
        new Family(
            gaussian, parts.size(), quantileRanks, selection, k, releases, deltaShare, newGroup);
    NoiseCalibration.Result r =
        NoiseCalibration.noiseMultiplier(
            budget, family::event, PldAccountant::new, NoiseCalibration.DEFAULT_RELATIVE_TOLERANCE);
    double equalSplitMultiplier =
        gaussian
            ? GaussianCalibration.noiseMultiplier(
                PrivacyBudget.approximate(budget.epsilon() / releases, deltaShare))
            : releases / budget.epsilon();
    // The equal split's events are the family's at its multiplier: each release then has
    // (epsilon / P, delta / P); the maximum keeps PLD's tiny pessimism from exceeding the budget.
    double z =
        equalSplit ? Math.max(r.noiseMultiplier(), equalSplitMultiplier) : r.noiseMultiplier();

    List<MechanismSpec> mechanisms = new ArrayList<>();
    for (Part p : parts) {
      double perGroup = p.perGroupUnits(maxRowsPerGroup);
      mechanisms.add(
          gaussian
              ? MechanismSpec.forGaussian(z, Math.sqrt(k) * perGroup, k)
              : MechanismSpec.forLaplace(z, k * perGroup, k));
    }
    double perGroupEpsilon = family.pureEpsilon(z) / k;
    if (quantileRanks > 0 && !(perGroupEpsilon > 0)) {
      throw new IllegalArgumentException(
          "epsilon "
              + budget.epsilon()
              + " is too small to select quantiles (per-group epsilon rounds to 0)");
    }
    SelectionSpec spec =
        switch (selection) {
          case PUBLIC -> SelectionSpec.publicGroups();
          case GAUSSIAN_THRESHOLD -> {
            int d = distinctPart(parts);
            MechanismSpec m = mechanisms.get(d);
            yield new SelectionSpec(
                SelectionSpec.Kind.GAUSSIAN_THRESHOLD,
                GaussianThresholdRule.of(m.scale(), m.granularity(), k, newGroup),
                null,
                d);
          }
          case TRUNCATED_GEOMETRIC ->
              new SelectionSpec(
                  SelectionSpec.Kind.TRUNCATED_GEOMETRIC,
                  null,
                  new TruncatedGeometricRule(perGroupEpsilon, deltaShare / k),
                  -1);
        };
    double equalSplitQuantile = quantileRanks > 0 ? budget.epsilon() / releases / k : 0.0;
    return new Result(
        z,
        equalSplitMultiplier,
        releases,
        mechanisms,
        quantileRanks > 0 ? perGroupEpsilon : 0.0,
        equalSplitQuantile,
        spec,
        family.event(z));
  }

  /** The index of the DISTINCT_UNITS part. */
  public static int distinctPart(List<Part> parts) {
    for (int i = 0; i < parts.size(); i++) {
      if (parts.get(i).kind() == PartKind.DISTINCT_UNITS) {
        return i;
      }
    }
    throw new IllegalArgumentException(
        "parts must include DISTINCT_UNITS for Gaussian thresholding");
  }

  /** The one-parameter family of the query's events. */
  private record Family(
      boolean gaussian,
      int parts,
      int quantileRanks,
      SelectionSpec.Kind selection,
      int k,
      int releases,
      double deltaShare,
      double newGroup) {

    double pureEpsilon(double z) {
      return gaussian ? GaussianCalibration.epsilon(new GaussianEvent(z), deltaShare) : 1.0 / z;
    }

    PrivacyEvent event(double z) {
      List<PrivacyEvent> events = new ArrayList<>();
      double perGroup = pureEpsilon(z) / k;
      PrivacyEvent part =
          gaussian ? new GaussianEvent(z) : repeat(EpsilonDeltaEvent.pure(perGroup));
      for (int i = 0; i < parts; i++) {
        events.add(part);
      }
      for (int q = 0; q < quantileRanks; q++) {
        events.add(repeat(EpsilonDeltaEvent.pure(perGroup)));
      }
      if (selection == SelectionSpec.Kind.TRUNCATED_GEOMETRIC) {
        events.add(repeat(EpsilonDeltaEvent.approximate(perGroup, deltaShare / k)));
      } else if (selection == SelectionSpec.Kind.GAUSSIAN_THRESHOLD) {
        events.add(repeat(EpsilonDeltaEvent.approximate(0.0, newGroup)));
      }
      return new ComposedEvent(events);
    }

    private PrivacyEvent repeat(PrivacyEvent e) {
      return k == 1 ? e : new SelfComposedEvent(e, k);
    }
  }
}
