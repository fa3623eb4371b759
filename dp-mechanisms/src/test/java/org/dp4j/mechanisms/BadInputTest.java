package org.dp4j.mechanisms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleConsumer;
import java.util.stream.Stream;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.calibration.GaussianCalibration;
import org.dp4j.mechanisms.aggregation.Bounds;
import org.dp4j.mechanisms.bulk.BulkNoise;
import org.dp4j.mechanisms.sampling.DiscreteGaussianSampler;
import org.dp4j.mechanisms.sampling.ExactBernoulli;
import org.dp4j.mechanisms.selection.ExponentialMechanism;
import org.dp4j.mechanisms.selection.PermuteAndFlip;
import org.dp4j.mechanisms.testing.SeededNoise;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every positive-and-finite parameter of the module against the shared edge-case candidates (±0,
 * subnormal, MIN_NORMAL, 1e-300, MAX_VALUE, ±∞, NaN, negatives): a value inside the parameter's
 * documented range must be accepted (any exception fails the test), and one outside it must be
 * rejected with an {@link IllegalArgumentException} whose message starts with the parameter's name.
 */
class BadInputTest {

  /** The shared edge-case doubles. */
  static final double[] CANDIDATES = {
    0.0,
    -0.0,
    Double.MIN_VALUE,
    Double.MIN_NORMAL,
    1e-300,
    1e-10,
    1.0,
    1e10,
    1e300,
    Double.MAX_VALUE,
    Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY,
    Double.NaN,
    -1.0,
    -Double.MIN_VALUE,
    -Double.MAX_VALUE
  };

  private static boolean positiveFinite(double x) {
    return x > 0 && x < Double.POSITIVE_INFINITY;
  }

  static Stream<Arguments> candidates() {
    return java.util.Arrays.stream(CANDIDATES).mapToObj(Arguments::of);
  }

  /**
   * {@code valid} states the documented range: a valid value must be accepted, an invalid one
   * rejected by name.
   */
  static void acceptedOrNamed(String name, double x, DoubleConsumer factory, boolean valid) {
    if (valid) {
      assertDoesNotThrow(() -> factory.accept(x), () -> name + " = " + x + " is valid");
    } else {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> factory.accept(x));
      assertTrue(e.getMessage().startsWith(name + " must be"), name + ": " + e.getMessage());
    }
  }

  @ParameterizedTest
  @MethodSource("candidates")
  void sensitivitiesScalesAndStandardDeviations(double x) {
    var random = SeededNoise.uniform(1);
    boolean ok = positiveFinite(x);
    acceptedOrNamed(
        "l1Sensitivity", x, v -> LaplaceMechanism.of(PrivacyBudget.pure(1), v, random), ok);
    // GaussianMechanism: the analytic sigma, l2Sensitivity times the noise multiplier, is finite.
    PrivacyBudget gaussian = PrivacyBudget.approximate(1, 1e-6);
    double multiplier = GaussianCalibration.noiseMultiplier(PrivacyBudget.approximate(1, 1e-6));
    acceptedOrNamed(
        "l2Sensitivity",
        x,
        v -> GaussianMechanism.of(gaussian, v, random),
        ok && Double.isFinite(x * multiplier));
    acceptedOrNamed(
        "utilitySensitivity",
        x,
        v -> ExponentialMechanism.of(PrivacyBudget.pure(1), v, random),
        ok);
    acceptedOrNamed(
        "utilitySensitivity", x, v -> PermuteAndFlip.of(PrivacyBudget.pure(1), v, random), ok);
    // DiscreteGaussianSampler: sigma in [Double.MIN_NORMAL, 2^52].
    acceptedOrNamed(
        "sigma",
        x,
        v -> DiscreteGaussianSampler.of(v, random),
        x >= Double.MIN_NORMAL && x <= 0x1p52);
    // DiscreteGaussianMechanism: rho positive and finite with sigma = 1 / sqrt(2 rho) <= 2^52.
    acceptedOrNamed(
        "rho", x, v -> DiscreteGaussianMechanism.ofZcdp(v, 1, random), ok && x >= 0x1p-105);
    boolean nonNegativeFinite = x >= 0 && x < Double.POSITIVE_INFINITY;
    float[] values = {1f, 2f};
    acceptedOrNamed(
        "standardDeviation",
        x,
        v -> SeededNoise.bulk(1).addGaussian(values, 0, 2, v),
        nonNegativeFinite);
    acceptedOrNamed(
        "scale", x, v -> SeededNoise.bulk(1).addLaplace(new double[2], 0, 2, v), nonNegativeFinite);
    acceptedOrNamed("gamma", x, v -> ExactBernoulli.of(random).expMinus(v), nonNegativeFinite);
  }

  @ParameterizedTest
  @MethodSource("candidates")
  void epsilonsAndValues(double x) {
    var random = SeededNoise.uniform(2);
    boolean ok = positiveFinite(x);
    if (x >= 0 && x < Double.POSITIVE_INFINITY) {
      // LaplaceMechanism: epsilon in [2^-50, MAX_VALUE]; DiscreteLaplaceMechanism: 1 / epsilon
      // below 2^53 (sensitivity 1).
      acceptedOrNamed(
          "budget.epsilon",
          x,
          v -> LaplaceMechanism.of(PrivacyBudget.pure(v), 1.0, random),
          x >= 0x1p-50);
      acceptedOrNamed(
          "budget.epsilon",
          x,
          v -> DiscreteLaplaceMechanism.of(PrivacyBudget.pure(v), 1, random),
          x >= 0x1p-50);
    } else {
      acceptedOrNamed("epsilon", x, v -> PrivacyBudget.pure(v), false);
    }
    LaplaceMechanism laplace = LaplaceMechanism.of(PrivacyBudget.pure(1), 1.0, random);
    GaussianMechanism gaussian =
        GaussianMechanism.of(PrivacyBudget.approximate(1, 1e-6), 1.0, random);
    boolean finite = Double.isFinite(x);
    acceptedOrNamed("value", x, laplace::addNoise, finite);
    acceptedOrNamed("value", x, gaussian::addNoise, finite);
    if (finite) {
      assertDoesNotThrow(() -> laplace.addNoise(x));
    }
  }

  @ParameterizedTest
  @MethodSource("candidates")
  void boundsAndFailedBulkCallsLeaveDataUnchanged(double x) {
    if (Double.isFinite(x)) {
      assertDoesNotThrow(() -> new Bounds(x, x));
      if (x > 0) {
        assertThrows(IllegalArgumentException.class, () -> new Bounds(x, -x));
      }
    } else {
      assertThrows(IllegalArgumentException.class, () -> new Bounds(x, 1));
      assertThrows(IllegalArgumentException.class, () -> new Bounds(-1, x));
    }
    BulkNoise noise = SeededNoise.bulk(3);
    double[] data = {1, 2, 3};
    if (!(x >= 0 && x < Double.POSITIVE_INFINITY)) {
      assertThrows(IllegalArgumentException.class, () -> noise.addGaussian(data, 0, 3, x));
      assertArrayEquals(new double[] {1, 2, 3}, data);
    }
  }
}
