package org.dp4j.bench.core.budget;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.BasicCompositionAccountant;
import org.dp4j.core.accounting.PrivacyAccountant;
import org.dp4j.core.accounting.rdp.RdpAccountant;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.budget.PrivacyLedger;
import org.dp4j.core.budget.SpendReceipt;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.PoissonSampledEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of charging a privacy budget.
 *
 * <ul>
 *   <li>{@code inMemorySpend}: {@link PrivacyFilter#spend} on a filter that already holds {@code
 *       history} events; the time must not grow with {@code history}. {@code baselineCompose} is
 *       the accountant's own compose + epsilon, which a spend does about twice.
 *   <li>{@code ledgerSpend*}: spends through a {@link PrivacyLedger} in the JVM's temp directory,
 *       each forced to disk before it returns; reported in spends per second. With several threads
 *       concurrent spends share one force (group commit). {@code baselineForcedWrite} appends the
 *       same number of bytes as one spend record with a plain {@code FileChannel.write} and {@code
 *       force(true)}: the floor for any durable spend on this disk.
 * </ul>
 *
 * <p>Run: {@code java -jar dp-bench/target/benchmarks.jar BudgetBenchmark}. Spends are tiny events
 * against a huge budget (epsilon 1e300 at delta 1e-5), so nothing is refused. History states are
 * rebuilt every iteration so the event lists (which grow by one per spend) stay bounded in memory.
 */
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BudgetBenchmark {

  /** The budget's delta, at which every spend evaluates epsilon. */
  static final double TARGET_DELTA = 1e-5;

  /** The accountants a filter can wrap, with an event each supports. */
  public enum AccountantKind {
    /** Basic composition of pure-DP events (Dwork &amp; Roth 2014, Thm. 3.16). */
    BASIC_COMPOSITION(BasicCompositionAccountant::new, EpsilonDeltaEvent.pure(1e-9)),
    /** Renyi DP with the default orders; one Gaussian mechanism per spend (Mironov 2017). */
    RDP_GAUSSIAN(RdpAccountant::new, new GaussianEvent(1e3)),
    /** Renyi DP; one DP-SGD step (Poisson rate 256/60000, noise multiplier 1.1) per spend. */
    RDP_DPSGD_STEP(
        RdpAccountant::new, new PoissonSampledEvent(256.0 / 60000, new GaussianEvent(1.1)));

    private final Supplier<PrivacyAccountant> factory;
    private final PrivacyEvent event;

    AccountantKind(Supplier<PrivacyAccountant> factory, PrivacyEvent event) {
      this.factory = factory;
      this.event = event;
    }

    PrivacyAccountant newAccountant() {
      return factory.get();
    }

    PrivacyEvent event() {
      return event;
    }
  }

  /** An in-memory filter that already holds {@code history} events. */
  @State(Scope.Benchmark)
  public static class InMemory {
    @Param({"BASIC_COMPOSITION", "RDP_GAUSSIAN", "RDP_DPSGD_STEP"})
    public AccountantKind accountant;

    @Param({"0", "10000", "100000"})
    public int history;

    PrivacyEvent event;
    PrivacyFilter filter;
    PrivacyAccountant bare;

    @Setup(Level.Trial)
    public void chooseEvent() {
      event = accountant.event();
    }

    /** Per iteration, so the event lists stay bounded; setup time is not measured. */
    @Setup(Level.Iteration)
    public void fill() {
      PrivacyAccountant filled = accountant.newAccountant();
      for (int i = 0; i < history; i++) {
        filled.compose(event);
      }
      filter = PrivacyFilter.limited(filled, PrivacyBudget.approximate(1e300, TARGET_DELTA));
      bare = filled.copy();
    }
  }

  /** A ledger-backed filter in a fresh temporary file. */
  @State(Scope.Benchmark)
  public static class Ledger {
    @Param({"RDP_GAUSSIAN"})
    public AccountantKind accountant;

    Path directory;
    PrivacyLedger ledger;
    PrivacyFilter filter;
    PrivacyEvent event;

    @Setup(Level.Trial)
    public void open() throws IOException {
      directory = Files.createTempDirectory("dp4j-ledger-bench");
      ledger =
          PrivacyLedger.create(
              directory.resolve("bench.ledger"),
              accountant.newAccountant(),
              PrivacyBudget.approximate(1e300, TARGET_DELTA));
      filter = ledger.filter();
      event = accountant.event();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      ledger.close();
      Files.deleteIfExists(directory.resolve("bench.ledger"));
      Files.deleteIfExists(directory);
    }
  }

  /** A plain file for the forced-write baseline. */
  @State(Scope.Benchmark)
  public static class PlainFile {
    /** Bytes of one spend record of a pure-DP event with a 5-character label. */
    static final int RECORD_BYTES = 69;

    Path directory;
    FileChannel channel;
    ByteBuffer record;

    @Setup(Level.Trial)
    public void open() throws IOException {
      directory = Files.createTempDirectory("dp4j-ledger-bench");
      channel =
          FileChannel.open(
              directory.resolve("plain.bin"),
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE,
              StandardOpenOption.APPEND);
      record = ByteBuffer.allocate(RECORD_BYTES);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      channel.close();
      Files.deleteIfExists(directory.resolve("plain.bin"));
      Files.deleteIfExists(directory);
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public long baselineForcedWrite(PlainFile state) throws IOException {
    state.record.clear();
    int written = state.channel.write(state.record);
    state.channel.force(true);
    return written;
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public double baselineCompose(InMemory state) {
    return state.bare.compose(state.event).epsilon(TARGET_DELTA);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public SpendReceipt inMemorySpend(InMemory state) {
    return state.filter.spend(state.event, "bench");
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public SpendReceipt ledgerSpend(Ledger state) {
    return state.filter.spend(state.event, "bench");
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(4)
  public SpendReceipt ledgerSpendFourThreads(Ledger state) {
    return state.filter.spend(state.event, "bench");
  }
}
