package org.dp4j.cli;

import static org.dp4j.cli.CliTestSupport.run;
import static org.dp4j.cli.CliTestSupport.runWithStdin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.dp4j.core.testing.RefData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class Dp4jCommandTest {

  private static final String[] DP_SGD = {
    "--sampling-rate",
    "0.004266666666666667",
    "--noise-multiplier",
    "1.1",
    "--steps",
    "10000",
    "--delta",
    "1e-5"
  };

  private static double number(String text, String label) {
    Matcher m = Pattern.compile(Pattern.quote(label) + ":? ([0-9.eE+-]+|Infinity)").matcher(text);
    assertTrue(m.find(), () -> "no '" + label + "' in: " + text);
    return Double.parseDouble(m.group(1));
  }

  private static RefData.Row rdpRow(double q, double sigma, long steps, double delta) {
    return RefData.load("sgm_rdp.csv").stream()
        .filter(
            r ->
                Math.abs(r.number("q") - q) < 1e-15
                    && r.number("sigma") == sigma
                    && r.number("steps") == steps
                    && r.number("delta") == delta)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void epsilonWithRdpAgreesWithTheAnchors() {
    CliTestSupport.Run r = run(concat(new String[] {"epsilon"}, DP_SGD));
    assertEquals(0, r.status(), r.err());
    RefData.Row row = rdpRow(256.0 / 60000, 1.1, 10000, 1e-5);
    double anchor = Math.min(row.number("dp_accounting_rdp_eps"), row.number("opacus_rdp_eps"));
    double eps = number(r.out(), "epsilon");
    assertTrue(eps <= anchor * 1.01 && eps >= anchor * 0.95, r.out());
    assertTrue(r.out().contains("optimal RDP order: "), r.out());
  }

  @Test
  void epsilonWithPldIsBelowRdpAndPrintsJson() {
    CliTestSupport.Run pld =
        run(concat(new String[] {"epsilon", "--accountant", "pld", "--json"}, DP_SGD));
    assertEquals(0, pld.status(), pld.err());
    assertTrue(pld.out().startsWith("{\"epsilon\": "), pld.out());
    assertTrue(pld.out().contains("\"accountant\": \"pld\""), pld.out());
    double epsPld = number(pld.out(), "\"epsilon\"");
    double epsRdp = number(run(concat(new String[] {"epsilon"}, DP_SGD)).out(), "epsilon");
    assertTrue(epsPld < epsRdp, pld.out());
  }

  @Test
  void batchEchoesInputColumnsAndAddsEpsilon(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("grid.csv");
    Files.writeString(
        csv,
        String.join(
            "\n",
            "sampling_rate,noise_multiplier,steps,delta",
            "0.01,1.0,1000,1e-5",
            "0.004266666666666667,1.1,10000,1e-5",
            ""),
        StandardCharsets.UTF_8);
    CliTestSupport.Run r = run("epsilon", "--batch", csv.toString());
    assertEquals(0, r.status(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(3, lines.size(), r.out());
    assertEquals("sampling_rate,noise_multiplier,steps,delta,epsilon", lines.get(0));
    assertTrue(lines.get(1).startsWith("0.01,1.0,1000,1e-5,"), lines.get(1));
    double single = number(run(concat(new String[] {"epsilon"}, DP_SGD)).out(), "epsilon");
    assertEquals(
        single, Double.parseDouble(lines.get(2).substring(lines.get(2).lastIndexOf(',') + 1)));
  }

  @Test
  void batchReadsStandardInput() {
    CliTestSupport.Run r =
        runWithStdin(
            "sampling_rate,noise_multiplier,steps,delta\n1.0,2.0,1,1e-5\n",
            "epsilon",
            "--batch",
            "-");
    assertEquals(0, r.status(), r.err());
    assertTrue(
        r.out().lines().skip(1).findFirst().orElseThrow().startsWith("1.0,2.0,1,1e-5,"), r.out());
  }

  @Test
  void batchRejectsABadRowNamingLineAndColumn(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("bad.csv");
    Files.writeString(
        csv, "sampling_rate,noise_multiplier,steps,delta\n0.01,1.0,1000,1e-5\n0.01,1.0,0,1e-5\n");
    CliTestSupport.Run r = run("epsilon", "--batch", csv.toString());
    assertEquals(2, r.status());
    assertEquals(
        "dp4j: --batch line 3 column steps must be a positive integer, got 0", r.err().trim());
  }

  @Test
  void calibrateReachesTheTargetFromBelow() {
    CliTestSupport.Run r =
        run(
            "calibrate",
            "--target-epsilon",
            "3",
            "--delta",
            "1e-5",
            "--sampling-rate",
            "0.004266666666666667",
            "--steps",
            "10000");
    assertEquals(0, r.status(), r.err());
    double sigma = number(r.out(), "noise multiplier");
    double eps = number(r.out(), "epsilon");
    assertTrue(eps <= 3.0, r.out());
    // dp_accounting's RDP calibration for this configuration gives 0.92481 (anchor_timings.md).
    assertEquals(0.92481, sigma, 0.01 * 0.92481, r.out());
  }

  static Stream<RefData.Row> gaussianRows() {
    return RefData.load("gaussian_calibration.csv").stream().limit(6);
  }

  @ParameterizedTest
  @MethodSource("gaussianRows")
  void gaussianSigmaPrintsTheAnalyticSigma(RefData.Row row) {
    CliTestSupport.Run r =
        run(
            "gaussian-sigma",
            "--epsilon",
            row.text("eps"),
            "--delta",
            row.text("delta"),
            "--l2-sensitivity",
            "2.0");
    assertEquals(0, r.status(), r.err());
    double expected = 2.0 * row.number("sigma_analytic_mpmath");
    assertEquals(expected, number(r.out(), "sigma"), 1e-6 * expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"epsilon", "calibrate", "gaussian-sigma"})
  void everyCommandHasHelp(String command) {
    CliTestSupport.Run r = run(command, "--help");
    assertEquals(0, r.status());
    assertTrue(r.out().contains("Usage: dp4j " + command), r.out());
  }

  static Stream<List<String>> userErrors() {
    String q = "--sampling-rate";
    return Stream.of(
        List.of(
            "epsilon",
            q,
            "NaN",
            "--noise-multiplier",
            "1",
            "--steps",
            "10",
            "--delta",
            "1e-5",
            "=--sampling-rate must be in (0, 1], got NaN"),
        List.of(
            "epsilon",
            q,
            "0",
            "--noise-multiplier",
            "1",
            "--steps",
            "10",
            "--delta",
            "1e-5",
            "=--sampling-rate must be in (0, 1], got 0.0"),
        List.of(
            "epsilon",
            q,
            "1.5",
            "--noise-multiplier",
            "1",
            "--steps",
            "10",
            "--delta",
            "1e-5",
            "=--sampling-rate must be in (0, 1], got 1.5"),
        List.of(
            "epsilon",
            q,
            "0.1",
            "--noise-multiplier",
            "-1",
            "--steps",
            "10",
            "--delta",
            "1e-5",
            "=--noise-multiplier must be non-negative and finite, got -1.0"),
        List.of(
            "epsilon",
            q,
            "0.1",
            "--noise-multiplier",
            "1",
            "--steps",
            "0",
            "--delta",
            "1e-5",
            "=--steps must be a positive integer, got 0"),
        List.of(
            "epsilon",
            q,
            "0.1",
            "--noise-multiplier",
            "1",
            "--steps",
            "10",
            "--delta",
            "1",
            "=--delta must be in (0, 1), got 1.0"),
        List.of(
            "epsilon",
            q,
            "0.1",
            "--noise-multiplier",
            "1",
            "--steps",
            "10",
            "--delta",
            "-1e-5",
            "=--delta must be in (0, 1), got -1.0E-5"),
        List.of("epsilon", q, "0.1", "--noise-multiplier", "1", "--steps", "10", "~--delta"),
        List.of(
            "epsilon",
            q,
            "0.1",
            "--noise-multiplier",
            "1",
            "--steps",
            "10",
            "--delta",
            "1e-5",
            "--relation",
            "replace-one",
            "~--relation replace-one"),
        List.of("epsilon", "--bogus", "~--bogus"),
        List.of("epsilon", q, "abc", "~--sampling-rate"),
        List.of(
            "calibrate",
            "--target-epsilon",
            "0",
            "--delta",
            "1e-5",
            q,
            "0.1",
            "--steps",
            "10",
            "=--target-epsilon must be positive and finite, got 0.0"),
        List.of(
            "calibrate",
            "--target-epsilon",
            "Infinity",
            "--delta",
            "1e-5",
            q,
            "0.1",
            "--steps",
            "10",
            "~--target-epsilon"),
        List.of("calibrate", "--target-epsilon", "1", "--delta", "1e-5", q, "0.1", "~--steps"),
        List.of(
            "gaussian-sigma",
            "--epsilon",
            "1",
            "--delta",
            "0",
            "=--delta must be in (0, 1), got 0.0"),
        List.of(
            "gaussian-sigma",
            "--epsilon",
            "-1",
            "--delta",
            "1e-5",
            "=--epsilon must be non-negative and finite, got -1.0"),
        List.of(
            "gaussian-sigma",
            "--epsilon",
            "1",
            "--delta",
            "1e-5",
            "--l2-sensitivity",
            "0",
            "=--l2-sensitivity must be positive and finite, got 0.0"),
        List.of("nonsense", "~nonsense"));
  }

  /** Last element: "=exact message" or "~substring"; the rest are the arguments. */
  @ParameterizedTest
  @MethodSource("userErrors")
  void userErrorsPrintOneLineNamingTheFlagAndExitTwo(List<String> spec) {
    String expectation = spec.get(spec.size() - 1);
    CliTestSupport.Run r = run(spec.subList(0, spec.size() - 1).toArray(String[]::new));
    assertEquals(2, r.status(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
    if (expectation.startsWith("=")) {
      assertEquals("dp4j: " + expectation.substring(1), r.err().trim());
    } else {
      assertTrue(r.err().contains(expectation.substring(1)), r.err());
    }
    assertEquals("", r.out());
  }

  private static String[] concat(String[] a, String[] b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }
}
