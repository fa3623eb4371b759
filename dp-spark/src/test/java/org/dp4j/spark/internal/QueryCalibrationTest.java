package org.dp4j.spark.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.BasicCompositionAccountant;
import org.dp4j.core.accounting.pld.PldAccountant;
import org.dp4j.mechanisms.aggregation.NoiseKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueryCalibrationTest {

  private static List<Part> counts(int k) {
    List<Part> parts = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      parts.add(Part.count());
    }
    return parts;
  }

  private static final List<Part> MIXED =
      List.of(
          Part.count(),
          Part.distinctUnits(),
          Part.ofValues(PartKind.SUM, 0, new ValueBounds(0, 60)),
          Part.ofValues(PartKind.CENTERED_SUM, 0, new ValueBounds(0, 60)));

  @ParameterizedTest(name = "k = {0}: {1}x")
  @CsvSource({"3, 1.70", "10, 3.09"})
  void equalSplitNeedsTheKnownFactorMoreNoiseForKGaussians(int k, double factor) {
    QueryCalibration.Result r =
        QueryCalibration.calibrate(
            PrivacyBudget.approximate(1, 1e-6),
            NoiseKind.GAUSSIAN,
            counts(k),
            0,
            SelectionSpec.Kind.PUBLIC,
            1,
            1,
            false);
    assertEquals(factor, r.equalSplitMultiplier() / r.noiseMultiplier(), 0.005);
    // k Gaussians of multiplier z compose to one of z / sqrt(k): the analytic Gaussian at (1,
    // 1e-6), 4.2247; PLD's discretisation is pessimistic (never below) by less than 0.2%.
    double single = r.noiseMultiplier() / Math.sqrt(k);
    assertTrue(single >= 4.2247 * (1 - 1e-4) && single <= 4.2247 * 1.002, "z / sqrt(k) " + single);
  }

  @ParameterizedTest(name = "{0} groups per unit, selection {1}, {2} quantiles")
  @CsvSource({
    "1, PUBLIC, 0",
    "3, GAUSSIAN_THRESHOLD, 0",
    "3, GAUSSIAN_THRESHOLD, 2",
    "5, TRUNCATED_GEOMETRIC, 1",
    "1, TRUNCATED_GEOMETRIC, 0",
    "10, PUBLIC, 3"
  })
  void theWholeQueryReaccountsToItsBudget(int k, SelectionSpec.Kind selection, int quantiles) {
    PrivacyBudget budget = PrivacyBudget.approximate(0.8, 1e-6);
    QueryCalibration.Result r =
        QueryCalibration.calibrate(
            budget, NoiseKind.GAUSSIAN, MIXED, quantiles, selection, k, 2, false);
    double epsilon = new PldAccountant().compose(r.event()).epsilon(budget.delta());
    // At most the budget, and within the calibration's relative tolerance (1e-4 on z) of it.
    assertTrue(epsilon <= budget.epsilon(), epsilon + " > " + budget.epsilon());
    assertTrue(epsilon >= budget.epsilon() * (1 - 1e-3), epsilon + " wastes budget");
    assertTrue(r.equalSplitMultiplier() > r.noiseMultiplier());
    assertEquals(
        r.releases(), MIXED.size() + quantiles + (selection == SelectionSpec.Kind.PUBLIC ? 0 : 1));
  }

  @Test
  void pureLaplaceQueriesSpendExactlyTheirEpsilon() {
    PrivacyBudget budget = PrivacyBudget.pure(1.0);
    QueryCalibration.Result r =
        QueryCalibration.calibrate(
            budget, NoiseKind.LAPLACE, MIXED, 1, SelectionSpec.Kind.PUBLIC, 3, 1, false);
    // Pure events compose by addition: five releases at epsilon 1/z each.
    assertEquals(5 / budget.epsilon(), r.noiseMultiplier(), 5e-3);
    assertTrue(new BasicCompositionAccountant().compose(r.event()).epsilon(0) <= 1.0);
    assertTrue(new PldAccountant().compose(r.event()).epsilon(0) <= 1.0);
  }

  @Test
  void laplaceWithDeltaComposesPerGroupEventsTighterThanAnEqualSplit() {
    PrivacyBudget budget = PrivacyBudget.approximate(1.0, 1e-6);
    QueryCalibration.Result r =
        QueryCalibration.calibrate(
            budget,
            NoiseKind.LAPLACE,
            MIXED,
            0,
            SelectionSpec.Kind.TRUNCATED_GEOMETRIC,
            10,
            1,
            false);
    assertTrue(r.noiseMultiplier() < r.equalSplitMultiplier(), r.toString());
    assertTrue(new PldAccountant().compose(r.event()).epsilon(1e-6) <= 1.0);
  }

  @Test
  void refusesBudgetsThatCannotPayForTheQuery() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            QueryCalibration.calibrate(
                PrivacyBudget.pure(1),
                NoiseKind.GAUSSIAN,
                MIXED,
                0,
                SelectionSpec.Kind.PUBLIC,
                1,
                1,
                false));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            QueryCalibration.calibrate(
                PrivacyBudget.pure(1),
                NoiseKind.LAPLACE,
                MIXED,
                0,
                SelectionSpec.Kind.TRUNCATED_GEOMETRIC,
                1,
                1,
                false));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            QueryCalibration.calibrate(
                PrivacyBudget.approximate(1, 1e-6),
                NoiseKind.LAPLACE,
                MIXED,
                0,
                SelectionSpec.Kind.GAUSSIAN_THRESHOLD,
                1,
                1,
                false));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            QueryCalibration.calibrate(
                PrivacyBudget.approximate(0, 1e-6),
                NoiseKind.GAUSSIAN,
                MIXED,
                0,
                SelectionSpec.Kind.PUBLIC,
                1,
                1,
                false));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"GAUSSIAN_THRESHOLD", "TRUNCATED_GEOMETRIC", "PUBLIC"})
  void anEqualSplitUsesMoreNoiseAndStillFitsTheBudget(SelectionSpec.Kind selection) {
    PrivacyBudget budget = PrivacyBudget.approximate(1, 1e-6);
    QueryCalibration.Result joint =
        QueryCalibration.calibrate(budget, NoiseKind.GAUSSIAN, MIXED, 1, selection, 3, 1, false);
    QueryCalibration.Result equal =
        QueryCalibration.calibrate(budget, NoiseKind.GAUSSIAN, MIXED, 1, selection, 3, 1, true);
    assertEquals(joint.equalSplitMultiplier(), equal.noiseMultiplier(), 1e-12);
    assertTrue(equal.noiseMultiplier() > joint.noiseMultiplier());
    assertTrue(equal.quantileEpsilonPerGroup() < joint.quantileEpsilonPerGroup());
    // Each release at (1/P, 1e-6/P): the per-group quantile epsilon is 1 / (P K).
    assertEquals(1.0 / equal.releases() / 3, equal.quantileEpsilonPerGroup(), 1e-6);
    assertTrue(new PldAccountant().compose(equal.event()).epsilon(1e-6) <= 1.0);
  }
}
