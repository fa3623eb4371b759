package org.dp4j.bench.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jmh.annotations.Benchmark;

/** Parsing and validation of the guard's thresholds, and consistency of the versioned file. */
class GuardThresholdsTest {

  private static final String VALID =
      """
      # a comment
      check.noise.hot = GuardNoiseBenchmark.gaussianSecure
      check.noise.baseline = GuardNoiseBenchmark.baselinePlainAdd
      check.noise.reference-speed-ratio = 0.02
      check.noise.min-speed-ratio = 0.01
      check.clip.hot = GuardTrainingBenchmark.clipAndSum
      check.clip.baseline = GuardTrainingBenchmark.baselineMatrixReadPass
      check.clip.reference-speed-ratio = 1.5
      check.clip.min-speed-ratio = 0.75
      """;

  private static List<GuardCheck> parse(String text) throws IOException {
    return GuardThresholds.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void parsesEveryCheckSortedByName() throws IOException {
    List<GuardCheck> checks = parse(VALID);
    assertEquals(
        List.of(
            new GuardCheck(
                "clip",
                "GuardTrainingBenchmark.clipAndSum",
                "GuardTrainingBenchmark.baselineMatrixReadPass",
                1.5,
                0.75),
            new GuardCheck(
                "noise",
                "GuardNoiseBenchmark.gaussianSecure",
                "GuardNoiseBenchmark.baselinePlainAdd",
                0.02,
                0.01)),
        checks);
    assertEquals(2.0, checks.get(0).margin(), 1e-15);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "NaN; noise.min-speed-ratio must be positive and finite, got NaN",
        "Infinity; noise.min-speed-ratio must be positive and finite, got Infinity",
        "-Infinity; noise.min-speed-ratio must be positive and finite, got -Infinity",
        "0; noise.min-speed-ratio must be positive and finite, got 0.0",
        "-0.01; noise.min-speed-ratio must be positive and finite, got -0.01",
        "1e308; noise.min-speed-ratio must be at most the reference-speed-ratio 0.02, got 1.0E308",
        "0.03; noise.min-speed-ratio must be at most the reference-speed-ratio 0.02, got 0.03",
        "fast; noise.min-speed-ratio must be a number, got 'fast'",
        "'  '; check.noise.min-speed-ratio must be present and non-blank, got ''"
      })
  void rejectsBadMinimumNamingParameterRuleAndValue(String value, String message) {
    String text =
        VALID.replace(
            "check.noise.min-speed-ratio = 0.01", "check.noise.min-speed-ratio = " + value);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(text));
    assertEquals(message, e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "Infinity", "0", "-1"})
  void rejectsBadReference(String value) {
    String text =
        VALID.replace(
            "check.noise.reference-speed-ratio = 0.02",
            "check.noise.reference-speed-ratio = " + value);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(text));
    assertTrue(
        e.getMessage().startsWith("noise.reference-speed-ratio must be positive and finite, got "),
        e.getMessage());
  }

  @Test
  void rejectsMissingKey() {
    String text =
        VALID.replace("check.clip.baseline = GuardTrainingBenchmark.baselineMatrixReadPass\n", "");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(text));
    assertEquals("check.clip.baseline must be present and non-blank, got nothing", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "check.noise.max-speed-ratio = 3",
        "chek.noise.hot = A.b",
        "check..hot = A.b",
        "check.hot = A.b",
        "min-speed-ratio = 1"
      })
  void rejectsUnknownOrMalformedKeys(String line) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> parse(VALID + line + "\n"));
    assertTrue(
        e.getMessage().startsWith("threshold key must be check.NAME. followed by one of"),
        e.getMessage());
  }

  @Test
  void rejectsMalformedBenchmarkNamesAndEmptyFiles() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> parse(VALID.replace("GuardNoiseBenchmark.gaussianSecure", "gaussianSecure")));
    assertEquals(
        "hotBenchmark must be of the form SimpleClassName.method, got 'gaussianSecure'",
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                parse(
                    VALID.replace(
                        "GuardNoiseBenchmark.gaussianSecure",
                        "GuardNoiseBenchmark.baselinePlainAdd")));
    assertEquals(
        "baselineBenchmark must be different from hotBenchmark, got "
            + "GuardNoiseBenchmark.baselinePlainAdd",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> GuardThresholds.parse(new Properties()));
    assertEquals("thresholds must be at least one check, got none", e.getMessage());
  }

  /** The versioned file parses, and every benchmark it names is a JMH benchmark of this package. */
  @Test
  void versionedThresholdsNameExistingBenchmarks() throws ReflectiveOperationException {
    List<GuardCheck> checks = GuardThresholds.loadDefault();
    assertFalse(checks.isEmpty());
    for (GuardCheck check : checks) {
      for (String benchmark : List.of(check.hotBenchmark(), check.baselineBenchmark())) {
        String[] parts = benchmark.split("\\.");
        Class<?> type = Class.forName("org.dp4j.bench.guard." + parts[0]);
        Method method = type.getMethod(parts[1]);
        assertTrue(method.isAnnotationPresent(Benchmark.class), benchmark);
      }
    }
  }

  /**
   * Every versioned threshold catches a 3x slowdown: a hot path 3x slower than at the reference
   * ratio would measure reference / 3, which must be below the minimum (margin below 3).
   */
  @Test
  void everyVersionedThresholdCatchesAThreefoldSlowdown() {
    for (GuardCheck check : GuardThresholds.loadDefault()) {
      assertTrue(check.margin() < 3.0, check.name() + " margin " + check.margin());
      assertFalse(check.accepts(check.referenceSpeedRatio() / 3), check.name());
      assertTrue(check.accepts(check.referenceSpeedRatio()), check.name());
    }
  }
}
