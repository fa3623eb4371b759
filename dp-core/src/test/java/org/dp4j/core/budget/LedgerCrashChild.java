package org.dp4j.core.budget;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.dp4j.core.accounting.BasicCompositionAccountant;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.PrivacyEvent;

/**
 * The child process of {@link PrivacyLedgerCrashTest}: opens an existing ledger and spends from two
 * threads in a loop until killed, printing one line to stdout after each operation returns:
 *
 * <pre>
 * READY
 * SPENT seq            after spend(...) returned (acknowledged)
 * RESERVED id          after reserve(...) returned (acknowledged, counts as spent)
 * RELEASING id         before release() is called (from here the budget may be free)
 * COMMITTED id         after commit() returned
 * </pre>
 *
 * Arguments: ledger path, seed.
 */
public final class LedgerCrashChild {

  /** Cost of every event: 2^-10, so sums of costs are exact doubles. */
  static final double COST = 0x1p-10;

  private LedgerCrashChild() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.US_ASCII);
    try (PrivacyLedger ledger = PrivacyLedger.open(file, new BasicCompositionAccountant())) {
      PrivacyFilter filter = ledger.filter();
      out.println("READY");
      // Two spending threads, so kills also land inside shared (group-committed) forces.
      Thread other = new Thread(() -> spendForever(filter, new SplittableRandom(seed + 1), out));
      other.setDaemon(true);
      other.start();
      spendForever(filter, new SplittableRandom(seed), out);
    }
  }

  private static void spendForever(PrivacyFilter filter, SplittableRandom random, PrintStream out) {
    PrivacyEvent event = EpsilonDeltaEvent.pure(COST);
    while (true) {
      if (random.nextInt(8) == 0) {
        Reservation r = filter.reserve(event, "reserved");
        out.println("RESERVED " + r.id());
        if (random.nextBoolean()) {
          out.println("RELEASING " + r.id());
          r.release();
        } else {
          r.commit();
          out.println("COMMITTED " + r.id());
        }
      } else {
        SpendReceipt receipt = filter.spend(event, "spent");
        out.println("SPENT " + receipt.sequenceNumber());
      }
    }
  }
}
