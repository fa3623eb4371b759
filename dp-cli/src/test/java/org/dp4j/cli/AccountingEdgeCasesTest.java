package org.dp4j.cli;

import static org.dp4j.cli.CliTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The accounting commands on inputs at the edge of what the numerics can represent, and on batch
 * files that cannot be read: either an answer (with the bound that gave it) or exit status 2 with
 * one line on standard error, never a stack trace.
 */
class AccountingEdgeCasesTest {

  private static final String Q = "0.004266666666666667";

  private static double number(String text, String label) {
    Matcher m = Pattern.compile(Pattern.quote(label) + ":? ([0-9.eE+-]+|Infinity)").matcher(text);
    assertTrue(m.find(), () -> "no '" + label + "' in: " + text);
    return Double.parseDouble(m.group(1));
  }

  private static void assertSucceeded(CliTestSupport.Run r) {
    assertEquals(0, r.status(), r.err());
    assertEquals("", r.err());
  }

  /** Exit 2, exactly one line on standard error, no stack trace, nothing on standard output. */
  private static void assertUserError(CliTestSupport.Run r, String expectedLine) {
    assertEquals(2, r.status(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
    assertEquals(expectedLine, r.err().trim());
    assertEquals("", r.out());
  }

  private static CliTestSupport.Run epsilon(String accountant, String sigma, String steps) {
    return run(
        "epsilon",
        "--accountant",
        accountant,
        "--sampling-rate",
        Q,
        "--noise-multiplier",
        sigma,
        "--steps",
        steps,
        "--delta",
        "1e-5");
  }

  @Test
  void pldWithATinyNoiseMultiplierAnswers() {
    // Was a NegativeArraySizeException stack trace.
    CliTestSupport.Run r = epsilon("pld", "0.01", "10000");
    assertSucceeded(r);
    double eps = number(r.out(), "epsilon");
    assertTrue(eps > 1e5 && eps < Double.POSITIVE_INFINITY, r.out());
    assertTrue(r.out().contains("\nbound: "), r.out());
  }

  @Test
  void pldWithAHugeNoiseMultiplierIsFinite() {
    // Was Infinity (RDP: finite).
    CliTestSupport.Run r = epsilon("pld", "1e308", "10000");
    assertSucceeded(r);
    assertTrue(number(r.out(), "epsilon") < 1e-6, r.out());
  }

  @Test
  void pldBeyondItsGridFallsBackToRdpAndSaysSo() {
    // Was Infinity (RDP: finite).
    CliTestSupport.Run pld = epsilon("pld", "1.1", "2147483647");
    assertSucceeded(pld);
    CliTestSupport.Run rdp = epsilon("rdp", "1.1", "2147483647");
    double epsRdp = number(rdp.out(), "epsilon");
    assertEquals(epsRdp, number(pld.out(), "epsilon"));
    assertTrue(pld.out().contains("\nbound: Renyi DP ("), pld.out());
    CliTestSupport.Run json =
        run(
            "epsilon",
            "--accountant",
            "pld",
            "--json",
            "--sampling-rate",
            Q,
            "--noise-multiplier",
            "1.1",
            "--steps",
            "2147483647",
            "--delta",
            "1e-5");
    assertSucceeded(json);
    assertTrue(json.out().contains("\"bound\": \"rdp\""), json.out());
    assertTrue(json.out().contains("\"rdp_epsilon\": " + epsRdp), json.out());
  }

  @Test
  void pldOnAnOrdinaryCaseNamesThePldAsTheBound() {
    CliTestSupport.Run r = epsilon("pld", "1.1", "10000");
    assertSucceeded(r);
    assertTrue(r.out().contains("\nbound: privacy loss distribution\n"), r.out());
    CliTestSupport.Run json =
        run(
            "epsilon",
            "--accountant",
            "pld",
            "--json",
            "--sampling-rate",
            Q,
            "--noise-multiplier",
            "1.1",
            "--steps",
            "10000",
            "--delta",
            "1e-5");
    assertTrue(json.out().contains("\"bound\": \"pld\", \"pld_grid\": \"as-chosen\""), json.out());
  }

  @Test
  void calibrateWithPldToAHugeTargetAnswers() {
    // Was a NegativeArraySizeException stack trace.
    CliTestSupport.Run r =
        run(
            "calibrate",
            "--accountant",
            "pld",
            "--target-epsilon",
            "1e308",
            "--delta",
            "1e-5",
            "--sampling-rate",
            Q,
            "--steps",
            "1");
    assertSucceeded(r);
    double sigma = number(r.out(), "noise multiplier");
    assertTrue(sigma > 0 && sigma <= 1e-6, r.out());
    assertTrue(number(r.out(), "epsilon") <= 1e308, r.out());
    assertTrue(r.out().contains("\nbound: "), r.out());
  }

  @Test
  void calibrateWithPldRefusesStepsItCannotRepresent() {
    // Ran for minutes without output.
    CliTestSupport.Run r =
        run(
            "calibrate",
            "--accountant",
            "pld",
            "--target-epsilon",
            "3",
            "--delta",
            "1e-5",
            "--sampling-rate",
            Q,
            "--steps",
            "2147483647");
    assertUserError(
        r,
        "dp4j: --steps must be at most 16777216 with --accountant pld (beyond that the PLD grid"
            + " cannot represent the steps and every evaluation falls back to Renyi DP; use"
            + " --accountant rdp), got 2147483647");
  }

  @Test
  void gaussianSigmaNeverGrowsWithEpsilon() {
    // At 1e160 it printed 1.0, far above its value at 1e150.
    double previous = Double.POSITIVE_INFINITY;
    for (String eps : List.of("1", "1e10", "1e100", "1e150", "1e160", "1e200", "1e300", "1e308")) {
      CliTestSupport.Run r = run("gaussian-sigma", "--epsilon", eps, "--delta", "1e-5");
      assertSucceeded(r);
      double sigma = number(r.out(), "sigma");
      assertTrue(sigma > 0 && sigma <= previous, eps + ": " + r.out());
      previous = sigma;
    }
  }

  @Test
  void gaussianSigmaRefusesASensitivityWhoseSigmaOverflows() {
    // Printed "sigma: Infinity" with exit status 0.
    CliTestSupport.Run r =
        run("gaussian-sigma", "--epsilon", "1", "--delta", "1e-5", "--l2-sensitivity", "1e308");
    assertEquals(2, r.status(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    String line = r.err().trim();
    assertTrue(line.startsWith("dp4j: --l2-sensitivity must be at most "), line);
    assertTrue(line.contains(" for epsilon 1.0 and delta 1.0E-5 (sigma = "), line);
    assertTrue(line.endsWith(" x sensitivity must be finite), got 1.0E308"), line);
    // The limit it names is accepted.
    String limit =
        line.substring(
            "dp4j: --l2-sensitivity must be at most ".length(), line.indexOf(" for epsilon"));
    CliTestSupport.Run atLimit =
        run("gaussian-sigma", "--epsilon", "1", "--delta", "1e-5", "--l2-sensitivity", limit);
    assertSucceeded(atLimit);
    assertTrue(number(atLimit.out(), "sigma") < Double.POSITIVE_INFINITY);
  }

  @Test
  void batchFromADirectoryIsAUserError(@TempDir Path dir) {
    // Printed an IOException stack trace.
    assertUserError(
        run("epsilon", "--batch", dir.toString()),
        "dp4j: --batch must name a readable file, got a directory: " + dir);
  }

  @Test
  void batchFromAMissingFileIsAUserError(@TempDir Path dir) {
    Path missing = dir.resolve("missing.csv");
    assertUserError(
        run("epsilon", "--batch", missing.toString()), "dp4j: --batch file not found: " + missing);
  }

  @Test
  void batchFromAnUnreadableFileIsAUserError(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("secret.csv");
    Files.writeString(csv, "sampling_rate,noise_multiplier,steps,delta\n");
    Files.setPosixFilePermissions(csv, PosixFilePermissions.fromString("---------"));
    assumeFalse(Files.isReadable(csv), "the superuser reads every file");
    assertUserError(
        run("epsilon", "--batch", csv.toString()),
        "dp4j: --batch file is not readable (permission denied): " + csv);
  }

  @Test
  void batchThatIsNotUtf8IsAUserError(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("latin1.csv");
    Files.write(csv, new byte[] {'s', 'a', (byte) 0xE9, '\n'});
    assertUserError(
        run("epsilon", "--batch", csv.toString()),
        "dp4j: --batch " + csv + " cannot be read: it is not UTF-8 text");
  }

  @Test
  void batchWithAByteOrderMarkIsAccepted(@TempDir Path dir) throws IOException {
    // The header was rejected because of the invisible U+FEFF before "sampling_rate".
    Path csv = dir.resolve("excel.csv");
    Files.writeString(
        csv,
        "\uFEFFsampling_rate,noise_multiplier,steps,delta\n0.01,1.0,1000,1e-5\n",
        StandardCharsets.UTF_8);
    CliTestSupport.Run r = run("epsilon", "--batch", csv.toString());
    assertSucceeded(r);
    List<String> lines = r.out().lines().toList();
    assertEquals("sampling_rate,noise_multiplier,steps,delta,epsilon", lines.get(0));
    double single =
        number(
            run(
                    "epsilon",
                    "--sampling-rate",
                    "0.01",
                    "--noise-multiplier",
                    "1.0",
                    "--steps",
                    "1000",
                    "--delta",
                    "1e-5")
                .out(),
            "epsilon");
    assertEquals("0.01,1.0,1000,1e-5," + single, lines.get(1));
  }
}
