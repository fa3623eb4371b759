package org.dp4j.core.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.BasicCompositionAccountant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety: a child JVM ({@link LedgerCrashChild}) spends against a ledger in a loop and is
 * killed with {@link Process#destroyForcibly()} (SIGKILL on Linux) at seeded random moments. After
 * every kill the ledger must reopen, and its spent epsilon must be at least everything the child
 * had acknowledged. Tagged {@code crash}; it runs in the normal {@code mvn test}.
 */
@Tag("crash")
class PrivacyLedgerCrashTest {

  private static final int KILLS = 50;

  @TempDir Path dir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void killedChildrenNeverLoseAnAcknowledgedSpend() throws Exception {
    Path file = dir.resolve("crash.ledger");
    PrivacyLedger.create(file, new BasicCompositionAccountant(), PrivacyBudget.pure(1e6)).close();
    SplittableRandom random = new SplittableRandom(20261123L);
    long acknowledgedSpends = 0; // spends + reservations acknowledged, minus releases begun
    long totalAcks = 0;
    for (int kill = 0; kill < KILLS; kill++) {
      int waitForAcks = random.nextInt(0, 40);
      long extraDelayMicros = random.nextLong(0, 3000);
      Process child = start(file, random.nextLong());
      BlockingQueue<String> lines = new LinkedBlockingQueue<>();
      Thread reader = readLines(child, lines);
      List<String> seen = new ArrayList<>();
      String line = lines.poll(30, TimeUnit.SECONDS);
      assertEquals("READY", line, () -> "child did not start: " + stderr(child));
      int acks = 0;
      while (acks < waitForAcks) {
        String next = lines.poll(30, TimeUnit.SECONDS);
        assertTrue(next != null, "child stopped acknowledging");
        seen.add(next);
        if (!next.startsWith("RELEASING")) {
          acks++;
        }
      }
      TimeUnit.MICROSECONDS.sleep(extraDelayMicros);
      child.destroyForcibly();
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));
      reader.join(30_000);
      lines.drainTo(seen); // lines printed before the kill are acknowledgements too
      for (String s : seen) {
        if (s.startsWith("SPENT ") || s.startsWith("RESERVED ")) {
          acknowledgedSpends++;
          totalAcks++;
        } else if (s.startsWith("RELEASING ")) {
          acknowledgedSpends--;
        }
      }
      double acknowledged = acknowledgedSpends * LedgerCrashChild.COST; // exact: dyadic
      try (PrivacyLedger reopened = PrivacyLedger.open(file, new BasicCompositionAccountant())) {
        double spent = reopened.filter().spent();
        assertTrue(
            spent >= acknowledged,
            "after kill " + kill + ": ledger spent " + spent + " < acknowledged " + acknowledged);
      }
    }
    LedgerContents contents = PrivacyLedger.read(file);
    assertEquals(0, contents.tornTailBytes());
    assertTrue(totalAcks >= KILLS, "the children made progress: " + totalAcks);
    assertTrue(contents.spendCount() >= totalAcks);
  }

  private static Process start(Path file, long seed) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        List.of(
            java,
            "-Xshare:auto",
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xmx64m",
            "-cp",
            System.getProperty("java.class.path"),
            LedgerCrashChild.class.getName(),
            file.toString(),
            Long.toString(seed));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
  }

  private static Thread readLines(Process child, BlockingQueue<String> lines) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
                String s;
                while ((s = r.readLine()) != null) {
                  lines.add(s);
                }
              } catch (IOException e) {
                // The pipe closes when the child is killed.
              }
            },
            "crash-child-stdout");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static String stderr(Process child) {
    try {
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      return new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | InterruptedException e) {
      return "(stderr unavailable: " + e + ")";
    }
  }

  @Test
  void theCheckWouldCatchALostSpend() throws Exception {
    // Power of the check: a ledger missing its last acknowledged record reports less than
    // acknowledged, so the comparison above would fail.
    Path file = dir.resolve("lost.ledger");
    try (PrivacyLedger ledger =
        PrivacyLedger.create(file, new BasicCompositionAccountant(), PrivacyBudget.pure(1.0))) {
      ledger.filter().spend(org.dp4j.core.event.EpsilonDeltaEvent.pure(LedgerCrashChild.COST), "a");
      ledger.filter().spend(org.dp4j.core.event.EpsilonDeltaEvent.pure(LedgerCrashChild.COST), "b");
    }
    byte[] bytes = Files.readAllBytes(file);
    List<Integer> starts = PrivacyLedgerTest.recordStarts(bytes);
    Files.write(file, java.util.Arrays.copyOf(bytes, starts.get(1)));
    try (PrivacyLedger reopened = PrivacyLedger.open(file, new BasicCompositionAccountant())) {
      assertTrue(reopened.filter().spent() < 2 * LedgerCrashChild.COST);
    }
  }
}
