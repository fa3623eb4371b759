package org.dp4j.core.accounting.pld;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.calibration.NoiseCalibration;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.LaplaceEvent;
import org.dp4j.core.event.PoissonSampledEvent;
import org.dp4j.core.testing.RefData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The accountant against the anchors in {@code sgm_pld.csv} and {@code composition.csv} (see
 * REFDATA-README.md): never below a proven lower bound or exact value, and at most 1% (or 0.005
 * absolute) above Google's {@code dp_accounting} PLD at its default spacing 1e-4.
 */
class PldReferenceDataTest {

  /** Allowed excess over dp_accounting's PLD epsilon: 1% relative ... */
  private static final double RELATIVE_EXCESS = 0.01;

  /** ... or 0.005 absolute, whichever is larger (the brief's accuracy target). */
  private static final double ABSOLUTE_EXCESS = 0.005;

  static Stream<RefData.Row> sgmRows() {
    return RefData.load("sgm_pld.csv").stream();
  }

  static Stream<RefData.Row> compositionRows() {
    return RefData.load("composition.csv").stream();
  }

  @Test
  void referenceFilesHaveTheExpectedRows() {
    assertEquals(222, RefData.load("sgm_pld.csv").size());
    assertEquals(19, RefData.load("composition.csv").size());
  }

  @ParameterizedTest(name = "[{index}]")
  @MethodSource("sgmRows")
  void subsampledGaussianIsWithinTheTargetAndAboveTheLowerBounds(RefData.Row row) {
    double q = row.number("q");
    double sigma = row.number("sigma");
    long steps = (long) row.number("steps");
    double delta = row.number("delta");
    double reference = row.number("dp_accounting_pld_eps_vdi_1e-4");

    PldAccountant accountant = new PldAccountant();
    accountant.compose(new PoissonSampledEvent(q, new GaussianEvent(sigma)), steps);
    double eps = accountant.epsilon(delta);

    double upper = Math.max((1 + RELATIVE_EXCESS) * reference, reference + ABSOLUTE_EXCESS);
    assertTrue(eps <= upper, () -> row + ": eps " + eps + " above " + upper);
    OptionalDouble lower = row.optional("ms_prv_eps_lower");
    if (lower.isPresent()) {
      assertTrue(eps >= lower.getAsDouble(), () -> row + ": eps " + eps + " below PRV lower bound");
    }
    OptionalDouble exact = row.optional("exact_eps_q1_analytic_gaussian");
    if (exact.isPresent()) {
      assertTrue(eps >= exact.getAsDouble(), () -> row + ": eps " + eps + " below the exact value");
    }
    // The reported epsilon certifies the target delta on the accountant's own curve.
    assertTrue(accountant.delta(eps) <= delta, () -> row + ": delta(eps) above target");
  }

  @ParameterizedTest(name = "[{index}]")
  @MethodSource("compositionRows")
  void worstCasePureCompositionMatchesTheOptimalKovBound(RefData.Row row) {
    double eps0 = row.number("eps0");
    long k = (long) row.number("k");
    double delta = row.number("delta_target");
    double kov = row.number("eps_optimal_kov_exact_mpmath");

    PldAccountant accountant = new PldAccountant();
    accountant.compose(EpsilonDeltaEvent.pure(eps0), k);
    double eps = accountant.epsilon(delta);

    // KOV is the exact optimum over all eps0-DP mechanisms: an upper bound cannot beat it.
    assertTrue(eps >= kov, () -> row + ": eps " + eps + " below KOV " + kov);
    assertTrue(eps <= (1 + RELATIVE_EXCESS) * kov, () -> row + ": eps " + eps + " > 1.01 KOV");
  }

  @ParameterizedTest(name = "[{index}]")
  @MethodSource("compositionRows")
  void laplaceCompositionIsWithinTheTargetOfDpAccounting(RefData.Row row) {
    double eps0 = row.number("eps0");
    long k = (long) row.number("k");
    double delta = row.number("delta_target");
    double reference = row.number("eps_dp_accounting_pld_laplace");
    double kov = row.number("eps_optimal_kov_exact_mpmath");

    PldAccountant accountant = new PldAccountant();
    accountant.compose(new LaplaceEvent(1.0 / eps0), k);
    double eps = accountant.epsilon(delta);

    double upper = Math.max((1 + RELATIVE_EXCESS) * reference, reference + ABSOLUTE_EXCESS);
    assertTrue(eps <= upper, () -> row + ": eps " + eps + " above " + upper);
    // Laplace is an eps0-DP mechanism, so the optimal composition bound also caps it.
    assertTrue(eps <= (1 + RELATIVE_EXCESS) * kov, () -> row + ": eps " + eps + " > 1.01 KOV");
    if (k == 1) {
      // One Laplace mechanism: delta(eps) = 1 - e^{(eps - eps0)/2}, so eps = eps0 + 2 log(1 -
      // delta).
      double exact = eps0 + 2 * Math.log1p(-delta);
      assertTrue(eps >= exact, () -> row + ": eps " + eps + " below the exact " + exact);
    }
  }

  static Stream<RefData.Row> calibrationRows() {
    return RefData.load("noise_calibration.csv").stream();
  }

  @ParameterizedTest(name = "[{index}]")
  @MethodSource("calibrationRows")
  void dpSgdCalibrationMatchesDpAccountingPld(RefData.Row row) {
    PrivacyBudget target =
        PrivacyBudget.approximate(row.number("target_eps"), row.number("target_delta"));
    double q = row.number("q");
    long steps = (long) row.number("steps");
    double reference = row.number("dp_accounting_sigma_pld_vdi_1e-4");

    NoiseCalibration.Result result =
        NoiseCalibration.dpSgdNoiseMultiplier(target, q, steps, PldAccountant::new);

    // Our epsilon is within +0.2% of dp_accounting's on this grid and epsilon falls steeply in
    // sigma, so the calibrated sigma must agree within 1% (both are upper-bound calibrations).
    double sigma = result.noiseMultiplier();
    assertEquals(reference, sigma, 0.01 * reference, row::toString);
    assertTrue(result.epsilon() <= target.epsilon(), row::toString);
    double check =
        new PldAccountant()
            .compose(new GaussianEvent(sigma).poissonSampled(q).repeated(steps))
            .epsilon(target.delta());
    assertTrue(check <= target.epsilon(), row::toString);
  }

  @Test
  void exactGaussianOracleReproducesTheMpmathColumn() {
    // Validates the test oracle used by the property tests: q = 1 rows have an exact value.
    List<RefData.Row> rows =
        RefData.load("sgm_pld.csv").stream()
            .filter(r -> r.optional("exact_eps_q1_analytic_gaussian").isPresent())
            .toList();
    assertTrue(rows.size() >= 20);
    for (RefData.Row row : rows) {
      double sigma = row.number("sigma") / Math.sqrt(row.number("steps"));
      double expected = row.number("exact_eps_q1_analytic_gaussian");
      double actual = ExactGaussian.epsilon(sigma, row.number("delta"));
      // mpmath at 60 digits vs double bisection: agreement to 1e-9 relative.
      assertEquals(expected, actual, 1e-9 * expected, row::toString);
    }
  }

  @Test
  void exactGaussianOracleRejectsAWrongNoiseLevel() {
    // The oracle must distinguish a 1% change of sigma (else the checks above would be toothless).
    double eps = ExactGaussian.epsilon(1.0, 1e-5);
    double epsWrong = ExactGaussian.epsilon(1.01, 1e-5);
    assertTrue(Math.abs(eps - epsWrong) > 0.01 * eps * 0.5);
  }
}
