package org.dp4j.core.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many threads against one filter. Every event costs 2^-10, a dyadic rational, so every partial sum
 * is exact in double arithmetic, and the exact basic-composition fixture {@link SumAccountant}
 * makes "acknowledged never exceeds the budget" an exact check.
 */
class PrivacyFilterConcurrencyTest {

  private static final int THREADS = 8;
  private static final double COST = 0x1p-10;
  private static final PrivacyEvent EVENT = EpsilonDeltaEvent.pure(COST);

  @TempDir Path dir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void eightThreadsNeverOverspendALedgerBackedFilterAndReplayMatchesMemory() throws Exception {
    int affordable = 100_000;
    int attemptsPerThread = 13_000; // 104,000 attempts in total: 4,000 must be refused
    PrivacyBudget budget = PrivacyBudget.pure(affordable * COST);
    Path file = dir.resolve("concurrent.ledger");
    List<SpendReceipt> receipts = new ArrayList<>();
    int refused;
    double spentInMemory;
    long operations;
    try (PrivacyLedger ledger = PrivacyLedger.create(file, new SumAccountant(), budget)) {
      PrivacyFilter filter = ledger.filter();
      CyclicBarrier start = new CyclicBarrier(THREADS);
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      List<Future<ThreadResult>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        String label = "thread-" + t;
        Callable<ThreadResult> worker =
            () -> {
              start.await();
              ThreadResult result = new ThreadResult();
              for (int i = 0; i < attemptsPerThread; i++) {
                try {
                  result.receipts.add(filter.spend(EVENT, label));
                } catch (PrivacyBudgetExceededException e) {
                  result.refused++;
                }
              }
              return result;
            };
        futures.add(pool.submit(worker));
      }
      refused = 0;
      for (Future<ThreadResult> f : futures) {
        ThreadResult r = f.get();
        receipts.addAll(r.receipts);
        refused += r.refused;
      }
      pool.shutdown();
      spentInMemory = filter.spent();
      operations = filter.operationCount();
    }
    double acknowledged = receipts.size() * COST; // exact: dyadic
    assertTrue(acknowledged <= budget.epsilon(), "acknowledged " + acknowledged);
    assertEquals(affordable, receipts.size(), "every affordable spend was accepted");
    assertEquals(THREADS * attemptsPerThread - affordable, refused);
    assertEquals(acknowledged, spentInMemory);
    assertEquals(affordable, operations);

    // Linearizability: receipts form one total order 1..N, each seeing the spends before it.
    BitSet sequences = new BitSet();
    for (SpendReceipt r : receipts) {
      assertEquals(r.sequenceNumber() * COST, r.epsilonAfter());
      assertEquals((r.sequenceNumber() - 1) * COST, r.epsilonBefore());
      sequences.set((int) r.sequenceNumber());
    }
    assertEquals(affordable, sequences.cardinality());
    assertEquals(affordable + 1, sequences.length());

    try (PrivacyLedger reopened = PrivacyLedger.open(file, new SumAccountant())) {
      PrivacyFilter replayed = reopened.filter();
      assertEquals(spentInMemory, replayed.spent());
      assertEquals(operations, replayed.operationCount());
      assertEquals(affordable, replayed.accountantSnapshot().events().size());
      assertEquals(0.0, replayed.remaining());
    }
    LedgerContents contents = PrivacyLedger.read(file);
    long perThreadTotal = 0;
    for (LabelSummary s : contents.byLabel()) {
      perThreadTotal += s.spends();
      assertEquals(s.spends() * COST, s.attributedEpsilon());
    }
    assertEquals(affordable, perThreadTotal);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void mixedSpendsReservationsAndReleasesStayConsistentInMemory() throws Exception {
    int affordable = 6_000;
    PrivacyBudget budget = PrivacyBudget.pure(affordable * COST);
    PrivacyFilter filter = PrivacyFilter.limited(new SumAccountant(), budget);
    CyclicBarrier start = new CyclicBarrier(THREADS);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<long[]>> futures = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      long seed = 1000L + t;
      futures.add(
          pool.submit(
              () -> {
                start.await();
                SplittableRandom random = new SplittableRandom(seed);
                long kept = 0;
                for (int i = 0; i < 1_500; i++) {
                  try {
                    switch (random.nextInt(5)) {
                      case 0:
                        filter.reserve(EVENT, "r").release();
                        break;
                      case 1:
                        filter.reserve(EVENT, "c").commit();
                        kept++;
                        break;
                      case 2:
                        // A probe of another event that is not spent: forces rebuilds.
                        filter.canAfford(EpsilonDeltaEvent.pure(2 * COST));
                        break;
                      default:
                        filter.spend(EVENT, "s");
                        kept++;
                    }
                  } catch (PrivacyBudgetExceededException e) {
                    assertTrue(e.epsilonIfSpent() > budget.epsilon());
                  }
                  assertTrue(filter.spent() <= budget.epsilon());
                }
                return new long[] {kept};
              }));
    }
    long kept = 0;
    for (Future<long[]> f : futures) {
      kept += f.get()[0];
    }
    pool.shutdown();
    assertEquals(kept * COST, filter.spent());
    assertTrue(filter.spent() <= budget.epsilon());
    assertEquals(kept, filter.accountantSnapshot().events().size());
    assertEquals(List.of(), filter.openReservations());
  }

  private static final class ThreadResult {
    final List<SpendReceipt> receipts = new ArrayList<>();
    int refused;
  }
}
