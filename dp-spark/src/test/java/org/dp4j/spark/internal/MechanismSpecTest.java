package org.dp4j.spark.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.distribution.LaplaceDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.dp4j.mechanisms.GaussianMechanism;
import org.dp4j.mechanisms.LaplaceMechanism;
import org.dp4j.mechanisms.NoiseMechanism;
import org.dp4j.mechanisms.testing.SeededNoise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MechanismSpecTest {

  @ParameterizedTest(name = "z {0}, sensitivity {1}, K {2}")
  @CsvSource({
    "1, 1, 1",
    "13.9, 1.7320508, 3",
    "0.3, 983040, 1",
    "250, 3e7, 1000",
    "4.2, 1e-6, 1",
    "0.01, 5, 2",
    "1e4, 1, 1000000"
  })
  void gaussianIsAtLeastAsNoisyAsClaimedIncludingTheRoundingOfEachChangedGroup(
      double z, double sensitivity, int k) {
    MechanismSpec spec = MechanismSpec.forGaussian(z, sensitivity, k);
    GaussianMechanism m = (GaussianMechanism) spec.build(SeededNoise.uniform(1));
    assertEquals(spec.granularity(), m.granularity());
    assertTrue(m.sigma() >= z * (sensitivity + Math.sqrt(k) * m.granularity()), spec.toString());
    // ... and not wastefully more: within a relative 1e-5 of the claim plus a few grid steps.
    assertTrue(
        m.sigma() <= z * (sensitivity + 4 * Math.sqrt(k) * m.granularity()) * (1 + 1e-5),
        spec.toString());
  }

  @ParameterizedTest(name = "z {0}, sensitivity {1}, K {2}")
  @CsvSource({"1, 1, 1", "4, 3, 3", "0.25, 2949120, 3", "1000, 7, 7", "2.5, 1e-6, 1"})
  void laplaceIsAtLeastAsNoisyAsClaimed(double z, double sensitivity, int k) {
    MechanismSpec spec = MechanismSpec.forLaplace(z, sensitivity, k);
    LaplaceMechanism m = (LaplaceMechanism) spec.build(SeededNoise.uniform(1));
    assertTrue(m.scale() >= z * (sensitivity + k * m.granularity()), spec.toString());
    assertTrue(
        m.scale() <= z * (sensitivity + 4 * k * m.granularity()) * (1 + 1e-5), spec.toString());
  }

  @Test
  void noiseHasTheCalibratedScaleAndTheTestRejectsATenPercentError() {
    int n = 50_000;
    KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest();
    MechanismSpec gaussian = MechanismSpec.forGaussian(7.3, 1.7320508, 3);
    NoiseMechanism g = gaussian.build(SeededNoise.uniform(3));
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = g.addNoise(100.0) - 100.0;
    }
    double sigma = gaussian.scale();
    // Kolmogorov-Smirnov p-value above 1e-6: false failure 1e-6; and below it for sigma * 1.1.
    assertTrue(ks.kolmogorovSmirnovTest(new NormalDistribution(null, 0, sigma), x, false) > 1e-6);
    assertTrue(
        ks.kolmogorovSmirnovTest(new NormalDistribution(null, 0, 1.1 * sigma), x, false) < 1e-6);
    MechanismSpec laplace = MechanismSpec.forLaplace(4.0, 3.0, 3);
    NoiseMechanism l = laplace.build(SeededNoise.uniform(4));
    for (int i = 0; i < n; i++) {
      x[i] = l.addNoise(-5.0) + 5.0;
    }
    double b = laplace.scale();
    assertTrue(ks.kolmogorovSmirnovTest(new LaplaceDistribution(null, 0, b), x, false) > 1e-6);
    assertTrue(
        ks.kolmogorovSmirnovTest(new LaplaceDistribution(null, 0, 1.1 * b), x, false) < 1e-6);
  }
}
