package org.dp4j.mechanisms;

import static org.dp4j.core.NeighbouringRelation.ADD_OR_REMOVE_ONE;
import static org.dp4j.core.NeighbouringRelation.REPLACE_ONE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Consumer;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.BasicCompositionAccountant;
import org.dp4j.core.accounting.pld.PldAccountant;
import org.dp4j.core.accounting.rdp.ZcdpAccountant;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.calibration.GaussianCalibration;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.PerRelationEvent;
import org.dp4j.mechanisms.aggregation.BoundedCount;
import org.dp4j.mechanisms.aggregation.BoundedMean;
import org.dp4j.mechanisms.aggregation.BoundedQuantile;
import org.dp4j.mechanisms.aggregation.BoundedSum;
import org.dp4j.mechanisms.aggregation.BoundedVariance;
import org.dp4j.mechanisms.aggregation.Bounds;
import org.dp4j.mechanisms.aggregation.NoiseKind;
import org.dp4j.mechanisms.selection.ExponentialMechanism;
import org.dp4j.mechanisms.selection.PermuteAndFlip;
import org.dp4j.mechanisms.selection.RandomizedResponse;
import org.dp4j.mechanisms.testing.SeededNoise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every mechanism is charged its exact, hand-computed cost through a real {@link PrivacyFilter}, on
 * an add/remove-one filter and on a replace-one filter.
 *
 * <p>Pure mechanisms are charged on basic-composition odometers at delta 0: the spent epsilon is
 * the sum of the events' epsilons rounded up by one ulp (the accountant's documented rounding).
 * Where a cost is stated on the mechanisms' power-of-two grid, the exact value differs from the
 * hand value by at most one grid step in 2^40 steps of sensitivity, a relative 2^-39: that is the
 * tolerance.
 *
 * <p>Gaussian mechanisms are charged on PLD odometers at delta {@value #DELTA} and on zCDP
 * accountants. The hand value is the exact epsilon of one Gaussian of the hand-computed {@code mu}
 * (Balle &amp; Wang 2018, {@link GaussianCalibration#epsilon(double, double)}). The PLD accountant
 * is an upper bound with a discretisation bias documented below 0.2% of epsilon, so the spent
 * epsilon must lie in {@code [hand (1 - 1e-4), hand (1 + 0.002)]}; the lower allowance 1e-4 covers
 * the mechanisms' calibration, whose sigma exceeds the analytic one by at most a relative 1e-5 (one
 * grid step and the 2^-20 margin on delta, {@code GaussianMechanismTest}). The zCDP accountant's
 * {@code rho} must equal {@code mu^2 / 2} within the same calibration allowance below (relative
 * 2e-5) and within 1e-9 above, which covers the rounding of the events and the one extra grid step
 * per part (2^-40 of its sigma) in the variance's closed-form maximum.
 */
class RelationCostTest {

  private static final double DELTA = 1e-5;
  private static final double GRID = 0x1p-39;

  private static PrivacyFilter pureOdometer(NeighbouringRelation relation) {
    return PrivacyFilter.odometer(new BasicCompositionAccountant(relation), 0.0);
  }

  /** Charges {@code release} on a pure odometer under {@code relation}; the spent epsilon. */
  private static double pureCost(NeighbouringRelation relation, Consumer<PrivacyFilter> release) {
    PrivacyFilter filter = pureOdometer(relation);
    release.accept(filter);
    return filter.spent();
  }

  private static void assertPure(double hand, double spent, double relativeTolerance) {
    assertEquals(hand, spent, Math.ulp(hand) + relativeTolerance * hand, "spent " + spent);
  }

  /**
   * Charges {@code release} on a PLD odometer and a zCDP odometer under {@code relation} and checks
   * both against one Gaussian of {@code mu} (see the class documentation).
   */
  private static void assertGaussian(
      double mu, NeighbouringRelation relation, Consumer<PrivacyFilter> release) {
    PrivacyFilter pld = PrivacyFilter.odometer(new PldAccountant(relation), DELTA);
    release.accept(pld);
    double hand = GaussianCalibration.epsilon(new GaussianEvent(1 / mu), DELTA);
    double spent = pld.spent();
    assertTrue(
        spent >= hand * (1 - 1e-4) && spent <= hand * (1 + 0.002),
        relation + ": spent " + spent + ", hand " + hand + " (mu " + mu + ")");
    PrivacyFilter zcdp = PrivacyFilter.odometer(new ZcdpAccountant(relation), DELTA);
    release.accept(zcdp);
    double rho = ((ZcdpAccountant) zcdp.accountantSnapshot()).rho();
    double handRho = mu * mu / 2;
    assertTrue(
        rho >= handRho * (1 - 2e-5) && rho <= handRho * (1 + 1e-9),
        relation + ": rho " + rho + ", hand " + handRho);
  }

  /** {@code 1 / analyticSigma}: the {@code mu} of a part calibrated to {@code budget} at 1. */
  private static double mu(double epsilon, double delta) {
    return 1 / GaussianCalibration.analyticSigma(PrivacyBudget.approximate(epsilon, delta), 1.0);
  }

  // ---------------------------------------------------------------------------------------------
  // Mechanisms whose sensitivity the caller states for the filter's relation.

  /**
   * A sum of values in {@code [-1, 1]}: sensitivity 1 under add/remove, 2 under replace-one. The
   * caller states the one for its filter, and is charged exactly the budget.
   */
  @ParameterizedTest
  @EnumSource(NeighbouringRelation.class)
  void laplaceMechanismIsChargedItsEpsilonAtTheStatedSensitivity(NeighbouringRelation relation) {
    double sensitivity = relation == REPLACE_ONE ? 2 : 1;
    LaplaceMechanism m =
        LaplaceMechanism.of(PrivacyBudget.pure(1), sensitivity, SeededNoise.uniform(1));
    assertPure(1.0, pureCost(relation, f -> m.addNoise(0.3, f, "sum")), 0);
  }

  /** A caller who knows both sensitivities states them per relation with {@code epsilonFor}. */
  @Test
  void laplaceMechanismStatedPerRelation() {
    LaplaceMechanism m = LaplaceMechanism.of(PrivacyBudget.pure(1), 1.0, SeededNoise.uniform(2));
    PerRelationEvent event =
        PerRelationEvent.of(
            EpsilonDeltaEvent.pure(m.epsilonFor(1.0)), EpsilonDeltaEvent.pure(m.epsilonFor(2.0)));
    assertPure(1.0, pureCost(ADD_OR_REMOVE_ONE, f -> f.spend(event, "sum")), 0);
    assertPure(2.0, pureCost(REPLACE_ONE, f -> f.spend(event, "sum")), GRID);
  }

  @ParameterizedTest
  @EnumSource(NeighbouringRelation.class)
  void gaussianMechanismIsChargedItsBudgetAtTheStatedSensitivity(NeighbouringRelation relation) {
    double sensitivity = relation == REPLACE_ONE ? 2 : 1;
    GaussianMechanism m =
        GaussianMechanism.of(
            PrivacyBudget.approximate(1, DELTA), sensitivity, SeededNoise.uniform(3));
    // Calibrated to (1, DELTA) at the stated sensitivity: one Gaussian of mu = mu(1, DELTA), whose
    // epsilon at DELTA is 1 (not rescaled a second time under replace-one).
    assertGaussian(mu(1, DELTA), relation, f -> m.addNoise(0.3, f, "sum"));
    assertEquals(
        1.0, GaussianCalibration.epsilon(new GaussianEvent(1 / mu(1, DELTA)), DELTA), 1e-9);
  }

  @ParameterizedTest
  @EnumSource(NeighbouringRelation.class)
  void selectionOnCountsIsChargedItsEpsilon(NeighbouringRelation relation) {
    // Utilities that count supporting records: sensitivity 1 under both relations.
    double[] utilities = {3, 7, 5};
    ExponentialMechanism em =
        ExponentialMechanism.of(PrivacyBudget.pure(0.8), 1.0, SeededNoise.uniform(4));
    assertPure(0.8, pureCost(relation, f -> em.select(utilities, f, "mode")), 0);
    PermuteAndFlip pf = PermuteAndFlip.of(PrivacyBudget.pure(0.8), 1.0, SeededNoise.uniform(5));
    assertPure(0.8, pureCost(relation, f -> pf.select(utilities, f, "mode")), 0);
    // Utilities that sum values in [0, 1] per candidate and one record per candidate can change:
    // 1 under add/remove, 2 under replace-one (a value leaves one candidate, enters another).
    PerRelationEvent stated =
        PerRelationEvent.of(
            EpsilonDeltaEvent.pure(em.epsilonFor(1)), EpsilonDeltaEvent.pure(em.epsilonFor(2)));
    double hand = relation == REPLACE_ONE ? 1.6 : 0.8;
    assertPure(hand, pureCost(relation, f -> f.spend(stated, "mode")), 1e-15);
  }

  @ParameterizedTest
  @EnumSource(NeighbouringRelation.class)
  void discreteLaplaceIsChargedSensitivityOverScale(NeighbouringRelation relation) {
    // A sum of integers in [-5, 5]: 5 under add/remove, 10 under replace-one; scale = Δ / ε
    // exactly (Δ / ε is a dyadic rational here), so the cost is exactly ε.
    long sensitivity = relation == REPLACE_ONE ? 10 : 5;
    DiscreteLaplaceMechanism m =
        DiscreteLaplaceMechanism.of(PrivacyBudget.pure(0.5), sensitivity, SeededNoise.uniform(6));
    assertEquals(2.0 * sensitivity, m.scale());
    assertPure(0.5, pureCost(relation, f -> m.addNoise(3, f, "sum")), 0);
  }

  @ParameterizedTest
  @EnumSource(NeighbouringRelation.class)
  void discreteGaussianIsChargedItsRho(NeighbouringRelation relation) {
    long sensitivity = relation == REPLACE_ONE ? 2 : 1;
    DiscreteGaussianMechanism m =
        DiscreteGaussianMechanism.ofZcdp(0.5, sensitivity, SeededNoise.uniform(7));
    PrivacyFilter zcdp = PrivacyFilter.odometer(new ZcdpAccountant(relation), DELTA);
    m.addNoise(3, zcdp, "sum");
    // rho = Δ^2 / (2 σ^2) with σ = Δ / sqrt(2 * 0.5) = Δ: 0.5, less twice the three ulps σ is
    // rounded up by (relative), hence at most 8 ulps of 0.5 below.
    double rho = ((ZcdpAccountant) zcdp.accountantSnapshot()).rho();
    assertTrue(rho <= 0.5 && rho >= 0.5 - 8 * Math.ulp(0.5), "rho " + rho);
    // Epsilon: at least the exact Gaussian of the same rho (mu = 1), at most Bun & Steinke's
    // rho + 2 sqrt(rho log(1/δ)) (Prop. 1.3), which the accountant's conversion improves on.
    double spent = zcdp.spent();
    assertTrue(
        spent >= GaussianCalibration.epsilon(new GaussianEvent(1.0), DELTA), "spent " + spent);
    assertTrue(spent <= 0.5 + 2 * Math.sqrt(0.5 * Math.log(1 / DELTA)), "spent " + spent);
  }

  // ---------------------------------------------------------------------------------------------
  // Mechanisms that know their query: one PerRelationEvent, exact under each relation.

  @Test
  void randomizedResponseHasNoAddOrRemoveGuaranteeAndCostsEpsilonUnderReplaceOne() {
    RandomizedResponse rr =
        RandomizedResponse.of(PrivacyBudget.pure(0.7), 3, SeededNoise.uniform(8));
    assertEquals(
        Double.POSITIVE_INFINITY, pureCost(ADD_OR_REMOVE_ONE, f -> rr.respond(1, f, "rr")));
    assertPure(0.7, pureCost(REPLACE_ONE, f -> rr.respond(1, f, "rr")), 0);
  }

  @ParameterizedTest
  @EnumSource(NeighbouringRelation.class)
  void boundedQuantileCostsEpsilonUnderBoth(NeighbouringRelation relation) {
    BoundedQuantile q =
        BoundedQuantile.of(PrivacyBudget.pure(0.6), new Bounds(0, 1), 17, SeededNoise.uniform(9));
    double[] values = {0.2, 0.7};
    assertPure(0.6, pureCost(relation, f -> q.release(values, 0.5, f, "median")), 0);
  }

  @ParameterizedTest
  @EnumSource(NeighbouringRelation.class)
  void boundedCountCostsItsBudgetUnderBoth(NeighbouringRelation relation) {
    BoundedCount laplace =
        BoundedCount.of(PrivacyBudget.pure(1), NoiseKind.LAPLACE, SeededNoise.uniform(10));
    assertPure(1.0, pureCost(relation, f -> laplace.release(40, 0.9, f, "count")), 0);
    BoundedCount gaussian =
        BoundedCount.of(
            PrivacyBudget.approximate(1, DELTA), NoiseKind.GAUSSIAN, SeededNoise.uniform(11));
    assertGaussian(mu(1, DELTA), relation, f -> gaussian.release(40, 0.9, f, "count"));
  }

  /**
   * The reproduction of the defect: a Laplace sum on [-1, 1] at epsilon 1 costs 1 under add/remove
   * (sensitivity max(|l|, |u|) = 1) and 2 under replace-one (sensitivity u - l = 2), where it was
   * charged 1. Other bounds: {@code max(u, 0) - min(l, 0)} under replace-one (a value may be
   * replaced by NaN, which adds 0).
   */
  @ParameterizedTest(name = "[{0}, {1}]")
  @CsvSource({"-1, 1, 2", "-3, 1, 1.3333333333333333", "1, 3, 1", "-2, -1, 1", "0, 4, 1"})
  void laplaceBoundedSumCostsItsSensitivityRatio(double lower, double upper, double replaceOne) {
    BoundedSum sum =
        BoundedSum.of(
            PrivacyBudget.pure(1),
            new Bounds(lower, upper),
            NoiseKind.LAPLACE,
            SeededNoise.uniform(12));
    double[] values = {0.5, -0.25};
    assertPure(1.0, pureCost(ADD_OR_REMOVE_ONE, f -> sum.release(values, 0.9, f, "sum")), 0);
    assertPure(replaceOne, pureCost(REPLACE_ONE, f -> sum.release(values, 0.9, f, "sum")), GRID);
  }

  @Test
  void gaussianBoundedSumCostsTwiceTheShiftUnderReplaceOne() {
    BoundedSum sum =
        BoundedSum.of(
            PrivacyBudget.approximate(1, DELTA),
            new Bounds(-1, 1),
            NoiseKind.GAUSSIAN,
            SeededNoise.uniform(13));
    double[] values = {0.5, -0.25};
    double mu0 = mu(1, DELTA);
    assertGaussian(mu0, ADD_OR_REMOVE_ONE, f -> sum.release(values, 0.9, f, "sum"));
    assertGaussian(2 * mu0, REPLACE_ONE, f -> sum.release(values, 0.9, f, "sum"));
  }

  /**
   * Laplace mean and variance: under add/remove all parts move at once (ε/2 + ε/2, 3 x ε/3); under
   * replace-one the worst move is a value replaced by NaN, the same, so exactly ε under both.
   */
  @ParameterizedTest
  @EnumSource(NeighbouringRelation.class)
  void laplaceMeanAndVarianceCostTheirEpsilonUnderBoth(NeighbouringRelation relation) {
    Bounds bounds = new Bounds(0, 10);
    double[] values = {1, 4, 9};
    BoundedMean mean =
        BoundedMean.of(PrivacyBudget.pure(1), bounds, NoiseKind.LAPLACE, SeededNoise.uniform(14));
    assertPure(1.0, pureCost(relation, f -> mean.release(values, 0.9, f, "mean")), GRID);
    BoundedVariance variance =
        BoundedVariance.of(
            PrivacyBudget.pure(1.5), bounds, NoiseKind.LAPLACE, SeededNoise.uniform(15));
    assertPure(1.5, pureCost(relation, f -> variance.release(values, f, "variance")), GRID);
  }

  /**
   * Gaussian mean, parts at {@code mu0} each ((ε/2, δ/2) at sensitivity 1 and r): add/remove moves
   * both, {@code sqrt(2) mu0}; replace-one moves the sum by {@code 2r}, {@code 2 mu0}.
   */
  @Test
  void gaussianMeanCostsSqrtTwoAndTwoMu0() {
    BoundedMean mean =
        BoundedMean.of(
            PrivacyBudget.approximate(1, DELTA),
            new Bounds(0, 10),
            NoiseKind.GAUSSIAN,
            SeededNoise.uniform(16));
    double[] values = {1, 4, 9};
    double mu0 = mu(0.5, DELTA / 2);
    assertGaussian(
        Math.sqrt(2) * mu0, ADD_OR_REMOVE_ONE, f -> mean.release(values, 0.9, f, "mean"));
    assertGaussian(2 * mu0, REPLACE_ONE, f -> mean.release(values, 0.9, f, "mean"));
  }

  /**
   * Gaussian variance, parts at {@code mu0} each ((ε/3, δ/3)): add/remove {@code sqrt(3) mu0};
   * replace-one {@code mu0 max over x in [0, 2] of sqrt(x^2 + x^2 (2 - x)^2)} (value swaps, the sum
   * moves by {@code x r}, the squares by {@code x (2 - x) r^2}) or {@code sqrt(3) mu0} (a swap with
   * NaN): the maximum is at {@code x = 2}, {@code 2 mu0}.
   */
  @Test
  void gaussianVarianceCostsSqrtThreeAndTwoMu0() {
    BoundedVariance variance =
        BoundedVariance.of(
            PrivacyBudget.approximate(1, DELTA),
            new Bounds(0, 10),
            NoiseKind.GAUSSIAN,
            SeededNoise.uniform(17));
    double[] values = {1, 4, 9};
    double mu0 = mu(1.0 / 3, DELTA / 3);
    assertGaussian(Math.sqrt(3) * mu0, ADD_OR_REMOVE_ONE, f -> variance.release(values, f, "var"));
    assertGaussian(2 * mu0, REPLACE_ONE, f -> variance.release(values, f, "var"));
  }
}
