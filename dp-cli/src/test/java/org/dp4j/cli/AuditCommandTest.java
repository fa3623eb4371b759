package org.dp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dp4j.cli.CliTestSupport.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code dp4j audit}: a short audited run, the deliberate fault, and user errors. */
class AuditCommandTest {

  @TempDir Path dir;

  private static double number(String json, String field) {
    Matcher m = Pattern.compile("\"" + field + "\": ([0-9.eE+-]+)").matcher(json);
    assertTrue(m.find(), "no " + field + " in:\n" + json);
    return Double.parseDouble(m.group(1));
  }

  /**
   * A correct run audited at confidence 1 - 1e-6: by the theorem the audit rests on, its lower
   * bound exceeds the claim with probability at most 1e-6, so this test fails falsely with
   * probability at most 1e-6 (the canaries are seeded; batches and noise are SecureRandom).
   */
  @Test
  void aCorrectRunPrintsTheClaimTheBoundAndNoViolation() {
    Run run =
        CliTestSupport.run(
            "audit",
            "--epsilon",
            "2",
            "--epochs",
            "2",
            "--canaries",
            "200",
            "--confidence",
            "0.999999",
            "--canary-seed",
            "7",
            "--no-fdp");
    assertEquals(0, run.status(), run.err());
    String out = run.out();
    assertTrue(
        out.contains(
            "dp4j audit: digits (1294 training examples), model mlp; 200 gradient canaries, each"
                + " included with probability 1/2; 100.0% confidence"),
        out);
    assertTrue(out.contains(" steps, sampling rate 0.049459, clip norm "), out);
    assertTrue(out.contains("claimed epsilon: 2.000 at delta 1.00e-05 ("), out);
    assertTrue(out.contains("audited lower bound: "), out);
    assertTrue(out.contains("verdict: no violation found"), out);
    assertFalse(out.contains("f-DP analysis"), out);
    assertEquals("", run.err());
  }

  /**
   * Noise understated 100 times at a claim of epsilon 1 (3 epochs: 61 steps, sampling rate 0.049,
   * noise multiplier 1.79 accounted, 0.0179 added): a step an included canary joins moves its
   * coordinate by 56 standard deviations of the added noise, and an included canary misses every
   * step with probability 0.951^61 = 0.05. Of the 400 canaries about 200 are included and 190
   * joined, so the top guesses are right, and a bottom guess is wrong only when it falls on one of
   * the ~10 never-joined included canaries, which score like the ~200 excluded ones: about 2 of the
   * 40 bottom guesses. 68 of the 80 guesses of the rule (40, 40) already bound epsilon at 1.06 at
   * 95%, above the claim; fewer needs 13 never-joined canaries among the 40 lowest scores, where
   * 1.7 are expected (Poisson tail below 1e-7): the test fails falsely with probability below 1e-6.
   * The JSON says which fault the run carried.
   */
  @Test
  void understatedNoiseIsCaughtWarnedAboutAndReported() {
    Run run =
        CliTestSupport.run(
            "audit",
            "--epsilon",
            "1",
            "--epochs",
            "3",
            "--canaries",
            "400",
            "--canary-seed",
            "8",
            "--understate-noise",
            "100",
            "--no-fdp",
            "--json");
    assertEquals(AuditCommand.VIOLATION, run.status(), run.out() + run.err());
    assertTrue(
        run.err().startsWith("dp4j audit: WARNING: --understate-noise 100.0 is a DELIBERATE FAULT"),
        run.err());
    String json = run.out().strip();
    assertTrue(json.startsWith("{\"canary_kind\": \"gradient\""), json);
    assertTrue(json.contains("\"exceeds_claim\": true"), json);
    assertTrue(json.contains("\"understated_noise_factor\": 100.0"), json);
    assertTrue(number(json, "lower_bound") > number(json, "claimed_epsilon"), json);
    assertEquals(400, number(json, "canaries"));
  }

  /** Input canaries are slots of the training set: the claim's sampling rate counts them. */
  @Test
  void inputCanariesAreScoredByLossAndCountedInTheClaim() {
    Run run =
        CliTestSupport.run(
            "audit",
            "--canary-kind",
            "input",
            "--epochs",
            "1",
            "--canaries",
            "50",
            "--canary-seed",
            "9",
            "--noise-multiplier",
            "1",
            "--no-fdp",
            "--json");
    assertEquals(0, run.status(), run.err());
    String json = run.out().strip();
    assertTrue(json.startsWith("{\"canary_kind\": \"input\", \"canary_score\": \"loss\""), json);
    assertEquals(64.0 / (1294 + 50), number(json, "sampling_rate"), 1e-15);
    assertEquals(50, number(json, "canaries"));
  }

  @Test
  void theFaultIsRefusedWithALedger() {
    Run run =
        CliTestSupport.run(
            "audit", "--understate-noise", "4", "--ledger", dir.resolve("l.ledger").toString());
    assertEquals(Dp4jCommand.USAGE_ERROR, run.status(), run.out());
    assertEquals(
        "dp4j: --understate-noise must not be combined with --ledger, got both (a deliberately"
            + " broken run must never be recorded as a private spend)",
        run.err().strip());
    assertFalse(Files.exists(dir.resolve("l.ledger")));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--canaries|1|--canaries must be an integer >= 2, got 1",
        "--canaries|-5|--canaries must be an integer >= 2, got -5",
        "--canaries|100000|--canaries must be at most the model's 9610 parameters for gradient"
            + " canaries, got 100000",
        "--confidence|1|--confidence must be in (0, 1), got 1.0",
        "--confidence|0|--confidence must be in (0, 1), got 0.0",
        "--confidence|NaN|--confidence must be in (0, 1), got NaN",
        "--confidence|Infinity|--confidence must be in (0, 1), got Infinity",
        "--understate-noise|1|--understate-noise must be above 1 and finite, got 1.0",
        "--understate-noise|0.5|--understate-noise must be above 1 and finite, got 0.5",
        "--understate-noise|NaN|--understate-noise must be above 1 and finite, got NaN",
        "--understate-noise|Infinity|--understate-noise must be above 1 and finite, got Infinity",
        "--epsilon|0|--epsilon must be positive and finite, got 0.0",
        "--epsilon|NaN|--epsilon must be positive and finite, got NaN",
        "--epochs|0|--epochs must be a positive integer, got 0",
      })
  void badFlagsAreOneLineUserErrors(String flag, String value, String message) {
    Run run = CliTestSupport.run("audit", flag, value);
    assertEquals(Dp4jCommand.USAGE_ERROR, run.status(), run.out());
    assertEquals("dp4j: " + message, run.err().strip());
  }

  @Test
  void aGradientScoreWithInputCanariesIsAOneLineUserError() {
    Run run =
        CliTestSupport.run("audit", "--canary-kind", "input", "--canary-score", "sum", "--json");
    assertEquals(Dp4jCommand.USAGE_ERROR, run.status(), run.out());
    assertEquals(
        "dp4j: --canary-score must not be given with --canary-kind input (input canaries are"
            + " scored by their loss), got sum",
        run.err().strip());
    assertEquals("", run.out());
  }

  @Test
  void anUnknownCanaryKindIsAOneLineUserError() {
    Run run = CliTestSupport.run("audit", "--canary-kind", "membership");
    assertEquals(Dp4jCommand.USAGE_ERROR, run.status(), run.out());
    assertEquals(1, run.err().strip().lines().count(), run.err());
    assertTrue(run.err().contains("--canary-kind"), run.err());
    assertTrue(run.err().contains("membership"), run.err());
  }
}
