package org.dp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.BasicCompositionAccountant;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.budget.PrivacyLedger;
import org.dp4j.core.budget.Reservation;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LedgerCommandTest {

  @TempDir Path dir;

  private record Run(int exitCode, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new LedgerCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** Spends 0.25 ("train") twice, 0.125 ("count") once, and leaves a 0.0625 reservation open. */
  private Path ledger() throws IOException {
    Path file = dir.resolve("budget.ledger");
    try (PrivacyLedger ledger =
        PrivacyLedger.create(
            file, new BasicCompositionAccountant(), PrivacyBudget.approximate(2.0, 1e-6))) {
      PrivacyFilter f = ledger.filter();
      f.spend(EpsilonDeltaEvent.pure(0.25), "train");
      f.spend(EpsilonDeltaEvent.pure(0.125), "count \"distinct\"");
      f.spend(EpsilonDeltaEvent.pure(0.25), "train");
      Reservation released = f.reserve(EpsilonDeltaEvent.pure(0.5), "retry");
      released.release();
      f.reserve(EpsilonDeltaEvent.pure(0.0625), "pending");
    }
    return file;
  }

  @Test
  void showPrintsBudgetSpentPerLabelAndRemaining() throws IOException {
    Path file = ledger();
    double spent = PrivacyLedger.read(file).spentEpsilon();
    Run r = run("show", file.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("", r.err());
    String out = r.out();
    assertTrue(out.contains("budget      epsilon 2.0 at delta 1.0E-6"), out);
    assertTrue(
        out.contains(
            "spent       epsilon "
                + spent
                + " (5 spends; 1 open reservation(s), counted as spent)"),
        out);
    assertTrue(
        out.contains("remaining   epsilon " + PrivacyLedger.read(file).remainingEpsilon()), out);
    assertTrue(out.contains("accountant  " + BasicCompositionAccountant.class.getName()), out);
    assertTrue(out.lines().anyMatch(l -> l.matches("  train\\s+2  .*")), out);
    assertTrue(out.lines().anyMatch(l -> l.matches("  retry\\s+1  0\\.0")), out);
    assertTrue(out.lines().anyMatch(l -> l.startsWith("  count \"distinct\"")), out);
  }

  @Test
  void showJsonPrintsOneObjectWithTheSameNumbers() throws IOException {
    Path file = ledger();
    var contents = PrivacyLedger.read(file);
    Run r = run("show", file.toString(), "--json");
    assertEquals(0, r.exitCode(), r.err());
    String json = r.out().strip();
    assertEquals(1, r.out().lines().count());
    assertTrue(json.startsWith("{\"file\":") && json.endsWith("]}"), json);
    assertTrue(json.contains("\"mode\":\"LIMITED\""), json);
    assertTrue(json.contains("\"budgetEpsilon\":2.0,"), json);
    assertTrue(json.contains("\"targetDelta\":1.0E-6,"), json);
    assertTrue(json.contains("\"spentEpsilon\":" + contents.spentEpsilon() + ","), json);
    assertTrue(json.contains("\"remainingEpsilon\":" + contents.remainingEpsilon() + ","), json);
    assertTrue(json.contains("\"spends\":5,"), json);
    assertTrue(json.contains("\"openReservations\":[2]"), json);
    assertTrue(json.contains("{\"label\":\"count \\\"distinct\\\"\",\"spends\":1,"), json);
    assertEquals(
        json.chars().filter(c -> c == '{').count(), json.chars().filter(c -> c == '}').count());
  }

  @Test
  void odometerLedgersShowNoLimit() throws IOException {
    Path file = dir.resolve("odometer.ledger");
    try (PrivacyLedger ledger =
        PrivacyLedger.createOdometer(file, new BasicCompositionAccountant(), 1e-6)) {
      ledger.filter().spend(EpsilonDeltaEvent.pure(3.0), "explore");
    }
    Run text = run("show", file.toString());
    assertEquals(0, text.exitCode());
    assertTrue(text.out().contains("ODOMETER"), text.out());
    assertTrue(text.out().contains("remaining   epsilon Infinity"), text.out());
    Run json = run("show", "--json", file.toString());
    assertTrue(json.out().contains("\"budgetEpsilon\":null"), json.out());
    assertTrue(
        json.out()
            .contains("\"remainingEpsilon\":null,\"remainingEpsilonNonFinite\":" + "\"Infinity\","),
        json.out());
    assertFalse(json.out().contains(":Infinity") || json.out().contains(":NaN"), json.out());
  }

  /**
   * Infinite values follow the documented convention (null plus a field naming the value), so a
   * strict JSON parser (Jackson, which rejects Infinity and NaN tokens by default) reads them.
   */
  @Test
  void infiniteValuesAreNullWithAReasonAndParseStrictly() throws Exception {
    Path file = dir.resolve("infinite.ledger");
    try (PrivacyLedger ledger =
        PrivacyLedger.createOdometer(
            file, new org.dp4j.core.accounting.rdp.RdpAccountant(), 1e-5)) {
      ledger.filter().spend(new org.dp4j.core.event.GaussianEvent(0.0), "no noise");
    }
    Run r = run("show", "--json", file.toString());
    assertEquals(0, r.exitCode(), r.err());
    var tree = new org.nd4j.shade.jackson.databind.ObjectMapper().readTree(r.out());
    assertTrue(tree.get("spentEpsilon").isNull());
    assertEquals("Infinity", tree.get("spentEpsilonNonFinite").asText());
    assertTrue(tree.get("remainingEpsilon").isNull());
    assertEquals("Infinity", tree.get("remainingEpsilonNonFinite").asText());
    var label = tree.get("labels").get(0);
    assertEquals("no noise", label.get("label").asText());
    assertTrue(label.get("attributedEpsilon").isNull());
    assertEquals("Infinity", label.get("attributedEpsilonNonFinite").asText());
    assertEquals(1e-5, tree.get("targetDelta").asDouble());
  }

  @Test
  void showWorksOnALedgerInUse() throws IOException {
    Path file = dir.resolve("live.ledger");
    try (PrivacyLedger ledger =
        PrivacyLedger.create(file, new BasicCompositionAccountant(), PrivacyBudget.pure(1.0))) {
      ledger.filter().spend(EpsilonDeltaEvent.pure(0.5), "live");
      Run r = run("show", file.toString());
      assertEquals(0, r.exitCode(), r.err());
      assertTrue(r.out().contains("live"), r.out());
    }
  }

  @Test
  void missingFileIsOneLineAndExitTwo() {
    Path missing = dir.resolve("nope.ledger");
    Run r = run("show", missing.toString());
    assertEquals(2, r.exitCode());
    assertEquals(
        List.of(
            "dp4j ledger show: " + missing + ": cannot read the ledger: no such " + "ledger file"),
        r.errLines());
    assertEquals("", r.out());
  }

  @Test
  void aFileThatIsNotALedgerIsOneLineAndExitTwo() throws IOException {
    Path text = Files.writeString(dir.resolve("notes.txt"), "not a ledger");
    Run r = run("show", text.toString());
    assertEquals(2, r.exitCode());
    assertEquals(
        List.of(
            "dp4j ledger show: "
                + text
                + ": not a dp4j ledger: it does not start with the magic bytes \"DP4JLDGR\""),
        r.errLines());
  }

  @Test
  void aCorruptLedgerIsOneLineAndExitTwo() throws IOException {
    Path file = ledger();
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x10;
    Files.write(file, bytes);
    Run r = run("show", file.toString());
    assertEquals(2, r.exitCode());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.err().contains("corrupt"), r.err());
  }

  @Test
  void aDirectoryIsOneLineAndExitTwo() {
    Run r = run("show", dir.toString());
    assertEquals(2, r.exitCode());
    assertEquals(1, r.errLines().size(), r.err());
    assertEquals(
        "dp4j ledger show: " + dir + ": it is a folder, not a ledger file", r.err().strip());
  }

  @Test
  void usageErrorsExitTwo() {
    assertEquals(2, run().exitCode());
    assertEquals(
        List.of("dp4j ledger: missing subcommand (try: dp4j ledger show FILE)"), run().errLines());
    Run noFile = run("show");
    assertEquals(2, noFile.exitCode());
    assertTrue(
        noFile.errLines().get(0).contains("Missing required parameter: 'FILE'"), noFile.err());
    assertEquals(2, run("show", "a", "b").exitCode());
    assertEquals(2, run("show", "--bogus", "a").exitCode());
  }

  @Test
  void helpExitsZero() {
    Run r = run("show", "--help");
    assertEquals(0, r.exitCode());
    assertTrue(r.out().contains("FILE"), r.out());
  }
}
