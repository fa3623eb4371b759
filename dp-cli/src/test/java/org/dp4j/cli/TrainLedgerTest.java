package org.dp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dp4j.cli.CliTestSupport.Run;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.BasicCompositionAccountant;
import org.dp4j.core.accounting.rdp.RdpAccountant;
import org.dp4j.core.budget.LabelSummary;
import org.dp4j.core.budget.LedgerContents;
import org.dp4j.core.budget.PrivacyLedger;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dp4j train --ledger}: one delta per printed figure, calibration to what a partly spent
 * ledger can still afford, one-line errors for locked, missing and foreign ledgers, and the
 * divergence stop. Every run is one epoch of the digits MLP (20 steps of 1294 examples, sampling
 * rate 64/1294), so each takes about a second.
 */
class TrainLedgerTest {

  /** The sampling rate of the default split: 64 of the 1294 examples trained on. */
  private static final double Q = 64.0 / 1294;

  /** Steps of one epoch: round(1294 / 64). */
  private static final long STEPS = 20;

  @TempDir Path dir;

  private static double number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), "no match for " + regex + " in:\n" + text);
    return Double.parseDouble(m.group(1));
  }

  private static void oneErrorLine(Run run, String expected) {
    assertEquals(Dp4jCommand.USAGE_ERROR, run.status(), run.out());
    assertEquals(1, run.err().strip().lines().count(), run.err());
    assertEquals("dp4j: " + expected, run.err().strip());
  }

  private static double rdpEpsilon(double sigma, long steps, double delta) {
    return new RdpAccountant()
        .compose(new GaussianEvent(sigma).poissonSampled(Q).repeated(steps))
        .epsilon(delta);
  }

  private static String g4(double x) {
    return String.format(Locale.ROOT, "%.4g", x);
  }

  /** The run of the issue: a ledger created at delta 0.01 is continued without --delta. */
  @Test
  void aContinuedLedgerStatesEveryEpsilonAtItsOwnDelta() throws IOException {
    Path ledger = dir.resolve("L");
    Run first =
        CliTestSupport.run(
            "train",
            "--epochs",
            "1",
            "--noise-multiplier",
            "1",
            "--delta",
            "1e-2",
            "--accountant",
            "rdp",
            "--ledger",
            ledger.toString());
    assertEquals(0, first.status(), first.err());
    Run second =
        CliTestSupport.run(
            "train", "--epochs", "1", "--noise-multiplier", "1", "--ledger", ledger.toString());
    assertEquals(0, second.status(), second.err());
    String out = second.out();
    assertTrue(
        out.contains(
            "ledger "
                + ledger
                + ": using its delta 0.01 (--delta not given) and "
                + "its accountant rdp (--accountant not given)"),
        out);
    assertFalse(out.contains("1.00e-05") || out.contains("1.0E-5"), out);
    // This run's epsilon and the ledger's total, both at delta 0.01, as RDP computes them.
    assertTrue(
        out.contains(
            "epsilon spent: "
                + g4(rdpEpsilon(1.0, STEPS, 1e-2))
                + " by this run "
                + "(20 steps) at delta 0.0100; ledger total "
                + g4(rdpEpsilon(1.0, 2 * STEPS, 1e-2))
                + " (odometer, no limit) at delta 0.0100"),
        out);
    assertEquals(rdpEpsilon(1.0, 2 * STEPS, 1e-2), PrivacyLedger.read(ledger).spentEpsilon(), 1e-9);
    assertTrue(
        out.contains(
            "] step 20/20  ledger epsilon "
                + String.format(Locale.ROOT, "%.4f", PrivacyLedger.read(ledger).spentEpsilon())
                + " at delta 0.0100  non-private batch loss"),
        out);
    assertTrue(
        out.contains(
            "privacy: (epsilon = "
                + String.format(Locale.ROOT, "%.6g", rdpEpsilon(1.0, STEPS, 1e-2))
                + ", delta = 0.0100)-DP for 20 steps"),
        out);

    // Flags given explicitly must agree with the ledger; nothing is spent when they do not.
    long spends = PrivacyLedger.read(ledger).spendCount();
    oneErrorLine(
        CliTestSupport.run(
            "train",
            "--epochs",
            "1",
            "--noise-multiplier",
            "1",
            "--delta",
            "1e-5",
            "--ledger",
            ledger.toString()),
        "--delta must be 0.01, the delta --ledger "
            + ledger
            + " states its epsilon at, got 1.0E-5");
    oneErrorLine(
        CliTestSupport.run(
            "train",
            "--epochs",
            "1",
            "--noise-multiplier",
            "1",
            "--accountant",
            "pld",
            "--ledger",
            ledger.toString()),
        "--accountant must be rdp, the accountant of --ledger " + ledger + ", got pld");
    assertEquals(spends, PrivacyLedger.read(ledger).spendCount());
  }

  /**
   * A ledger with budget 3 of which about 1.8 is spent: --epsilon 10 asks for more than the ledger
   * can afford, so the noise is calibrated to the ledger's remainder, and all planned steps run;
   * --epsilon 0.5 asks for less, so the run's own target binds.
   */
  @Test
  void aPartlySpentLedgerCalibratesToWhatItCanStillAfford() throws IOException {
    Path ledger = dir.resolve("budget.ledger");
    PrivacyBudget budget = PrivacyBudget.approximate(3.0, 1e-5);
    PrivacyEvent earlier = new GaussianEvent(1.2).poissonSampled(Q).repeated(40);
    try (PrivacyLedger l = PrivacyLedger.openOrCreate(ledger, new RdpAccountant(), budget)) {
      l.filter().spend(earlier, "an earlier run");
    }
    double before = PrivacyLedger.read(ledger).spentEpsilon();
    assertTrue(before > 1.5 && before < 2.5, "spent before " + before);

    Run greedy =
        CliTestSupport.run(
            "train", "--epochs", "1", "--epsilon", "10", "--ledger", ledger.toString());
    assertEquals(0, greedy.status(), greedy.err());
    assertTrue(
        greedy
            .out()
            .contains(
                "ledger "
                    + ledger
                    + ": spent "
                    + g4(before)
                    + " before this run; this run is planned to spend "),
        greedy.out());
    assertFalse(greedy.out().contains("stopped after"), greedy.out());
    assertTrue(
        greedy
            .out()
            .contains(
                "ledger "
                    + ledger
                    + ": its remaining epsilon "
                    + g4(3.0 - before)
                    + " sets the noise: multiplier "),
        greedy.out());
    LedgerContents contents = PrivacyLedger.read(ledger);
    assertEquals(1 + STEPS, contents.spendCount(), "every planned step ran");
    double total = contents.spentEpsilon();
    // Calibrated to the remainder: at most the budget, and within the calibration's bracket of it.
    assertTrue(total <= 3.0 && total > 2.99, "ledger total " + total);
    double sigma =
        number(
            greedy.out(),
            "noise multiplier ([0-9.]+) \\(calibrated for epsilon "
                + "10.00 for this run and the ledger's remaining");
    double run =
        number(
            greedy.out(),
            "epsilon spent: ([0-9.]+) by this run \\(20 steps\\) at "
                + "delta 1.00e-05; ledger total [0-9.]+ of its budget 3.000 at delta 1.00e-05");
    assertEquals(rdpEpsilon(sigma, STEPS, 1e-5), run, 1e-3 * run + 1e-4 * sigma);
    assertTrue(run <= 10);

    Path second = dir.resolve("second.ledger");
    try (PrivacyLedger l = PrivacyLedger.openOrCreate(second, new RdpAccountant(), budget)) {
      l.filter().spend(earlier, "an earlier run");
    }
    Run modest =
        CliTestSupport.run(
            "train", "--epochs", "1", "--epsilon", "0.5", "--ledger", second.toString());
    assertEquals(0, modest.status(), modest.err());
    double alone = number(modest.out(), "epsilon spent: ([0-9.]+) by this run");
    assertTrue(alone <= 0.5 && alone > 0.49, modest.out());
    assertTrue(
        modest
            .out()
            .contains(
                "(calibrated for epsilon 0.5000 for this run and the " + "ledger's remaining"),
        modest.out());
    assertTrue(PrivacyLedger.read(second).spentEpsilon() <= 3.0);
  }

  @Test
  void aLedgerThatCannotAffordOneStepIsRefusedAndNothingIsSpent() throws IOException {
    Path ledger = dir.resolve("spent.ledger");
    PrivacyEvent earlier = new GaussianEvent(1.0).poissonSampled(Q).repeated(30);
    double exactly = new RdpAccountant().compose(earlier).epsilon(1e-5);
    try (PrivacyLedger l =
        PrivacyLedger.openOrCreate(
            ledger, new RdpAccountant(), PrivacyBudget.approximate(exactly, 1e-5))) {
      l.filter().spend(earlier, "the whole budget");
    }
    String spent =
        String.format(
            Locale.ROOT,
            "it has spent epsilon %.4g of its budget %.4g at " + "delta 1.00e-05",
            exactly,
            exactly);
    oneErrorLine(
        CliTestSupport.run("train", "--epochs", "1", "--ledger", ledger.toString()),
        "--ledger " + ledger + " cannot afford one more step: " + spent);
    oneErrorLine(
        CliTestSupport.run(
            "train", "--epochs", "1", "--noise-multiplier", "1", "--ledger", ledger.toString()),
        "--ledger " + ledger + " cannot afford one more step: " + spent);
    assertEquals(1, PrivacyLedger.read(ledger).spendCount());
  }

  @Test
  void ledgerBudgetSetsANewLedgersLimitAndMustMatchAnExistingOne() throws IOException {
    Path ledger = dir.resolve("five.ledger");
    Run first =
        CliTestSupport.run(
            "train",
            "--epochs",
            "1",
            "--epsilon",
            "1",
            "--ledger-budget",
            "5",
            "--ledger",
            ledger.toString());
    assertEquals(0, first.status(), first.err());
    assertEquals(
        PrivacyBudget.approximate(5, 1e-5),
        PrivacyLedger.read(ledger).header().budget().orElseThrow());
    double run = number(first.out(), "epsilon spent: ([0-9.]+) by this run");
    assertTrue(run <= 1.0 && run > 0.99, first.out());
    assertTrue(first.out().contains("of its budget 5.000 at delta 1.00e-05"), first.out());
    oneErrorLine(
        CliTestSupport.run("train", "--ledger-budget", "8", "--ledger", ledger.toString()),
        "--ledger-budget must be 5.0, the budget --ledger "
            + ledger
            + " was created with, got 8.0");
    Path odometer = dir.resolve("odometer.ledger");
    PrivacyLedger.openOrCreateOdometer(odometer, new RdpAccountant(), 1e-5).close();
    oneErrorLine(
        CliTestSupport.run("train", "--ledger-budget", "8", "--ledger", odometer.toString()),
        "--ledger-budget must not be given for --ledger "
            + odometer
            + ", an odometer (no limit), got 8.0");
    oneErrorLine(
        CliTestSupport.run("train", "--ledger-budget", "8"),
        "--ledger-budget must be used with --ledger, got no --ledger");
    oneErrorLine(
        CliTestSupport.run("train", "--ledger-budget", "0", "--ledger", ledger.toString()),
        "--ledger-budget must be positive and finite, got 0.0");
  }

  @Test
  void aLedgerInUseIsReportedAsLocked() throws IOException {
    Path ledger = dir.resolve("busy.ledger");
    try (PrivacyLedger held =
        PrivacyLedger.openOrCreate(
            ledger, new RdpAccountant(), PrivacyBudget.approximate(3.0, 1e-5))) {
      oneErrorLine(
          CliTestSupport.run("train", "--epochs", "1", "--ledger", ledger.toString()),
          "--ledger "
              + ledger
              + " is locked by another process (another dp4j train, or a "
              + "program holding the ledger open): wait until it finishes, or use another "
              + "ledger");
      assertEquals(0, held.filter().operationCount());
    }
  }

  @Test
  void ledgersThatCannotBeOpenedSayWhy() throws IOException {
    Path noFolder = dir.resolve("no").resolve("such").resolve("x.ledger");
    oneErrorLine(
        CliTestSupport.run("train", "--ledger", noFolder.toString()),
        "--ledger "
            + noFolder
            + ": cannot create the ledger: the folder "
            + noFolder.getParent()
            + " does not exist");
    oneErrorLine(
        CliTestSupport.run("train", "--ledger", dir.toString()),
        "--ledger " + dir + ": it is a folder, not a ledger file");
    Path text = Files.writeString(dir.resolve("notes.txt"), "not a ledger");
    oneErrorLine(
        CliTestSupport.run("train", "--ledger", text.toString()),
        "--ledger "
            + text
            + ": not a dp4j ledger: it does not start with the magic bytes "
            + "\"DP4JLDGR\"");
    assertEquals("not a ledger", Files.readString(text));

    Path basic = dir.resolve("basic.ledger");
    PrivacyLedger.openOrCreate(
            basic, new BasicCompositionAccountant(), PrivacyBudget.approximate(3.0, 1e-5))
        .close();
    oneErrorLine(
        CliTestSupport.run("train", "--ledger", basic.toString()),
        "--ledger "
            + basic
            + " must be kept by the rdp or pld accountant to be charged by dp4j "
            + "train, got a ledger kept by "
            + BasicCompositionAccountant.class.getName());
    Path replace = dir.resolve("replace.ledger");
    PrivacyLedger.openOrCreate(
            replace,
            new RdpAccountant(NeighbouringRelation.REPLACE_ONE),
            PrivacyBudget.approximate(3.0, 1e-5))
        .close();
    oneErrorLine(
        CliTestSupport.run("train", "--ledger", replace.toString()),
        "--ledger "
            + replace
            + " must be kept under the add-or-remove-one relation, which "
            + "DP-SGD with Poisson sampling is analysed under, got a ledger kept under "
            + "REPLACE_ONE");
  }

  /** {@code --clip-norm 1e308}: the noise overflows float at the first step. */
  @Test
  void divergenceStopsAtTheFirstNonFiniteUpdateAndSpendsNothingMore() throws IOException {
    Path ledger = dir.resolve("diverged.ledger");
    Run run =
        CliTestSupport.run(
            "train", "--epochs", "1", "--clip-norm", "1e308", "--ledger", ledger.toString());
    assertEquals(Dp4jCommand.USAGE_ERROR, run.status(), run.out());
    assertEquals(1, run.err().strip().lines().count(), run.err());
    assertTrue(
        run.err().startsWith("dp4j: training diverged at step 1 of 20: the noisy update " + "had "),
        run.err());
    assertTrue(
        run.err()
            .strip()
            .endsWith(
                "NaN or infinite entries (not applied); stopped, nothing more spent; --clip-norm"
                    + " 1.0E308 or --learning-rate 0.01 must be smaller"),
        run.err());
    assertTrue(run.out().contains("epsilon spent: "), run.out());
    assertFalse(run.out().contains("test accuracy"), run.out());
    assertEquals(1, PrivacyLedger.read(ledger).spendCount(), "the diverged step only");
  }

  /** Two runs on one ledger are two rows of {@code ledger show}, in text and in JSON. */
  @Test
  void ledgerShowListsOneRowPerRun() {
    Path ledger = dir.resolve("runs.ledger");
    for (int i = 0; i < 2; i++) {
      Run run =
          CliTestSupport.run(
              "train", "--epochs", "1", "--noise-multiplier", "2", "--ledger", ledger.toString());
      assertEquals(0, run.status(), run.err());
    }
    Run show = CliTestSupport.run("ledger", "show", ledger.toString());
    assertEquals(0, show.status(), show.err());
    List<String> rows =
        show.out()
            .lines()
            .filter(l -> l.matches("  dp4j train \\S+Z steps 1\\.\\.20\\s+20  .*"))
            .toList();
    assertEquals(2, rows.size(), show.out());
    Run json = CliTestSupport.run("ledger", "show", "--json", ledger.toString());
    assertEquals(2, json.out().split("\"label\":\"dp4j train ").length - 1, json.out());
    assertTrue(
        json.out()
            .contains("\"remainingEpsilon\":null,\"remainingEpsilonNonFinite\":" + "\"Infinity\""),
        json.out());
  }

  /** A ledger written before runs were named: one row per run all the same. */
  @Test
  void oldStepLabelsAreSplitIntoRuns() throws IOException {
    Path ledger = dir.resolve("old.ledger");
    try (PrivacyLedger l = PrivacyLedger.openOrCreateOdometer(ledger, new RdpAccountant(), 1e-5)) {
      for (int run = 0; run < 2; run++) {
        for (int step = 1; step <= 3; step++) {
          l.filter().spend(new GaussianEvent(1.0).poissonSampled(Q), "dp-sgd step " + step);
        }
      }
    }
    List<LabelSummary> rows = PrivacyLedger.read(ledger).byRun();
    assertEquals(
        List.of("dp-sgd steps 1..3", "dp-sgd steps 1..3 (run 2)"),
        rows.stream().map(LabelSummary::label).toList());
    Run show = CliTestSupport.run("ledger", "show", ledger.toString());
    assertTrue(show.out().contains("  dp-sgd steps 1..3 (run 2)  "), show.out());
  }
}
