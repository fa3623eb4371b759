package org.dp4j.bench.core.calibration;

import java.util.concurrent.TimeUnit;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.calibration.GaussianCalibration;
import org.dp4j.core.event.GaussianEvent;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One analytic Gaussian calibration and one exact epsilon (dp_accounting: {@code
 * get_sigma_gaussian(1, 1e-5)} 3.5 ms, {@code get_epsilon_gaussian(1, 1e-5)} 3.5 ms).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GaussianCalibrationBenchmark {

  public PrivacyBudget budget;
  public GaussianEvent mechanism;
  public double delta;

  @Setup
  public void setUp() {
    budget = PrivacyBudget.approximate(1.0, 1e-5);
    mechanism = new GaussianEvent(1.0);
    delta = 1e-5;
  }

  @Benchmark
  public double analyticSigma() {
    return GaussianCalibration.analyticSigma(budget, 1.0);
  }

  @Benchmark
  public double exactEpsilon() {
    return GaussianCalibration.epsilon(mechanism, delta);
  }
}
