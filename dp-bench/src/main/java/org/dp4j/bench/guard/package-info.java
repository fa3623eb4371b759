/**
 * The benchmark guard used by CI: a few short JMH runs of the hot paths (bulk noise, tensor noise,
 * clip + sum), each compared with a plain-Java baseline measured in the same run, and a verdict
 * against the minimum speed ratios in {@code thresholds.properties} beside these classes.
 *
 * <p>Entry point: {@link org.dp4j.bench.guard.BenchmarkGuard}. The benchmarks the guard runs live
 * here too ({@link org.dp4j.bench.guard.GuardNoiseBenchmark}, {@link
 * org.dp4j.bench.guard.GuardTrainingBenchmark}); they carry the bench-only slowdown knob {@code
 * hotPathRepeats} that the documented "3x slower" experiment uses. Nothing here is library API.
 */
package org.dp4j.bench.guard;
