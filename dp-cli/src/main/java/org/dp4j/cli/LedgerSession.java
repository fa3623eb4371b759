package org.dp4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.DoubleFunction;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.PrivacyAccountant;
import org.dp4j.core.budget.BudgetMode;
import org.dp4j.core.budget.InvalidLedgerException;
import org.dp4j.core.budget.LedgerHeader;
import org.dp4j.core.budget.LedgerLockedException;
import org.dp4j.core.budget.LedgerMismatchException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.budget.PrivacyLedger;
import org.dp4j.core.calibration.NoiseCalibration;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.PrivacyEvent;

/**
 * The budget {@code dp4j train} charges: an in-memory filter, or a {@link PrivacyLedger} opened
 * or created with {@link PrivacyLedger#openOrCreate}.
 *
 * <p><b>One delta, one accountant.</b> An existing ledger states its epsilon at the delta in its
 * header and replays with the accountant named there. When {@code --delta} or {@code
 * --accountant} is not given, the ledger's value is adopted (and the output says so); when it is
 * given and differs, the run is refused with both values. So every printed (epsilon, delta) pair
 * comes from one computation.
 *
 * <p><b>Calibration on a partly spent ledger.</b> The noise multiplier is the larger of two
 * calibrations (each the smallest multiplier meeting its target, so the larger meets both, since
 * epsilon falls as the multiplier grows): the run's target ({@code --epsilon}) for this run alone,
 * and the ledger's budget for everything the ledger already holds composed with the planned
 * steps.
 */
final class LedgerSession implements AutoCloseable {

  private final Path file;
  private final PrivacyLedger ledger;
  private final PrivacyFilter filter;
  private final double delta;
  private final AccountantKind kind;
  private final List<String> notes;
  private final double spentBefore;
  private double runSigma;
  private double ledgerSigma;

  private LedgerSession(Path file, PrivacyLedger ledger, PrivacyFilter filter, double delta,
      AccountantKind kind, List<String> notes) {
    this.file = file;
    this.ledger = ledger;
    this.filter = filter;
    this.delta = delta;
    this.kind = kind;
    this.notes = List.copyOf(notes);
    this.spentBefore = filter.spent();
  }

  /**
   * Opens the budget for a run.
   *
   * @param file the {@code --ledger} file, or null for an in-memory filter
   * @param deltaFlag {@code --delta}, or null when not given
   * @param accountantFlag {@code --accountant}, or null when not given
   * @param budgetFlag {@code --ledger-budget}, or null when not given
   * @param runEpsilon the run's target epsilon; empty with {@code --noise-multiplier}
   * @throws UserError when the flags contradict the ledger or it cannot be opened
   */
  static LedgerSession open(Path file, Double deltaFlag, AccountantKind accountantFlag,
      Double budgetFlag, Optional<Double> runEpsilon) {
    if (file == null) {
      double d = deltaFlag != null ? deltaFlag : TrainCommand.DEFAULT_DELTA;
      AccountantKind kind = accountantFlag != null ? accountantFlag
          : TrainCommand.DEFAULT_ACCOUNTANT;
      PrivacyAccountant accountant = kind.create(TrainCommand.RELATION);
      PrivacyFilter filter = runEpsilon.isPresent()
          ? PrivacyFilter.limited(accountant, PrivacyBudget.approximate(runEpsilon.get(), d))
          : PrivacyFilter.odometer(accountant, d);
      return new LedgerSession(null, null, filter, d, kind, List.of());
    }
    try {
      return Files.exists(file)
          ? continueLedger(file, header(file), deltaFlag, accountantFlag, budgetFlag)
          : createLedger(file, deltaFlag, accountantFlag,
              budgetFlag != null ? Optional.of(budgetFlag) : runEpsilon);
    } catch (IOException | LedgerLockedException | LedgerMismatchException e) {
      throw error(file, e);
    }
  }

  private static LedgerHeader header(Path file) throws IOException {
    return PrivacyLedger.read(file).header();
  }

  private static LedgerSession continueLedger(Path file, LedgerHeader h, Double deltaFlag,
      AccountantKind accountantFlag, Double budgetFlag) throws IOException {
    if (h.relation() != TrainCommand.RELATION) {
      throw new UserError("--ledger " + file + " must be kept under the add-or-remove-one "
          + "relation, which DP-SGD with Poisson sampling is analysed under, got a ledger kept "
          + "under " + h.relation());
    }
    AccountantKind recorded = AccountantKind.ofClassName(h.accountant()).orElseThrow(
        () -> new UserError("--ledger " + file + " must be kept by the rdp or pld accountant to "
            + "be charged by dp4j train, got a ledger kept by " + h.accountant()));
    if (!(h.targetDelta() > 0)) {
      throw new UserError("--ledger " + file + " must state epsilon at a delta in (0, 1) for "
          + "DP-SGD, got delta " + h.targetDelta());
    }
    if (accountantFlag != null && accountantFlag != recorded) {
      throw new UserError("--accountant must be " + recorded.label() + ", the accountant of "
          + "--ledger " + file + ", got " + accountantFlag.label());
    }
    if (budgetFlag != null && h.mode() == BudgetMode.ODOMETER) {
      throw new UserError("--ledger-budget must not be given for --ledger " + file + ", an "
          + "odometer (no limit), got " + budgetFlag);
    }
    if (budgetFlag != null && budgetFlag != h.budgetEpsilon()) {
      throw new UserError("--ledger-budget must be " + h.budgetEpsilon() + ", the budget --ledger "
          + file + " was created with, got " + budgetFlag);
    }
    if (deltaFlag != null && deltaFlag != h.targetDelta()) {
      throw new UserError("--delta must be " + h.targetDelta() + ", the delta --ledger " + file
          + " states its epsilon at, got " + deltaFlag);
    }
    List<String> notes = new ArrayList<>();
    if (deltaFlag == null) {
      notes.add("its delta " + h.targetDelta() + " (--delta not given)");
    }
    if (accountantFlag == null) {
      notes.add("its accountant " + recorded.label() + " (--accountant not given)");
    }
    PrivacyAccountant accountant = recorded.create(TrainCommand.RELATION);
    PrivacyLedger ledger = h.mode() == BudgetMode.LIMITED
        ? PrivacyLedger.openOrCreate(file, accountant, h.budget().orElseThrow())
        : PrivacyLedger.openOrCreateOdometer(file, accountant, h.targetDelta());
    return new LedgerSession(file, ledger, ledger.filter(), h.targetDelta(), recorded, notes);
  }

  /** A new ledger: limited to {@code budget}, or an odometer when it is empty. */
  private static LedgerSession createLedger(Path file, Double deltaFlag,
      AccountantKind accountantFlag, Optional<Double> budget) throws IOException {
    double d = deltaFlag != null ? deltaFlag : TrainCommand.DEFAULT_DELTA;
    AccountantKind kind = accountantFlag != null ? accountantFlag
        : TrainCommand.DEFAULT_ACCOUNTANT;
    PrivacyAccountant accountant = kind.create(TrainCommand.RELATION);
    PrivacyLedger ledger = budget.isPresent()
        ? PrivacyLedger.openOrCreate(file, accountant, PrivacyBudget.approximate(budget.get(), d))
        : PrivacyLedger.openOrCreateOdometer(file, accountant, d);
    return new LedgerSession(file, ledger, ledger.filter(), d, kind, List.of());
  }

  /** The one-line user error for a ledger that cannot be opened or created. */
  static UserError error(Path file, Exception e) {
    if (e instanceof LedgerLockedException) {
      return new UserError("--ledger " + file + " is locked by another process (another dp4j "
          + "train, or a program holding the ledger open): wait until it finishes, or use "
          + "another ledger");
    }
    if (e instanceof LedgerMismatchException m) {
      return new UserError("--ledger " + file + " was created with " + m.setting() + " "
          + m.recorded() + ", which differs from " + m.given());
    }
    if (e instanceof InvalidLedgerException) {
      return new UserError("--ledger " + e.getMessage()); // "FILE: problem"
    }
    if (e instanceof FileSystemException f) {
      String reason = f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
      return new UserError("--ledger " + file + ": " + reason);
    }
    return new UserError("--ledger " + file + ": " + e.getMessage());
  }

  boolean isLedger() {
    return ledger != null;
  }

  PrivacyFilter filter() {
    return filter;
  }

  double delta() {
    return delta;
  }

  AccountantKind accountantKind() {
    return kind;
  }

  /**
   * The noise multiplier for {@code steps} steps at sampling rate {@code q}: the run's target
   * for this run alone and, for a limited ledger that already holds spends or has a smaller
   * budget, the ledger's budget for its history plus the steps.
   *
   * @throws UserError when the ledger cannot afford the planned steps at any noise multiplier up
   *     to {@link NoiseCalibration#MAX_NOISE_MULTIPLIER}
   */
  double calibrate(Optional<Double> runEpsilon, double q, long steps) {
    DoubleFunction<PrivacyEvent> events =
        sigma -> new GaussianEvent(sigma).poissonSampled(q).repeated(steps);
    double sigma = 0;
    if (runEpsilon.isPresent()) {
      sigma = runSigma = NoiseCalibration.noiseMultiplier(
          PrivacyBudget.approximate(runEpsilon.get(), delta), events,
          () -> kind.create(TrainCommand.RELATION), NoiseCalibration.DEFAULT_RELATIVE_TOLERANCE)
          .noiseMultiplier();
    }
    if (ledgerConstrains(runEpsilon)) {
      if (!(filter.remaining() > 0)) {
        throw cannotAffordOneStep();
      }
      PrivacyAccountant history = filter.accountantSnapshot();
      try {
        ledgerSigma = NoiseCalibration.noiseMultiplier(filter.budget().orElseThrow(),
            events, history::copy, NoiseCalibration.DEFAULT_RELATIVE_TOLERANCE)
            .noiseMultiplier();
        sigma = Math.max(sigma, ledgerSigma);
      } catch (IllegalArgumentException unreachable) {
        throw new UserError("--ledger " + file + " cannot afford the planned " + steps
            + " steps even with noise multiplier " + NoiseCalibration.MAX_NOISE_MULTIPLIER
            + String.format(Locale.ROOT, ": it has spent epsilon %.4g of its budget %.4g at "
                + "delta %.3g", filter.spent(), filter.budget().orElseThrow().epsilon(), delta));
      }
    }
    return sigma;
  }

  /** Whether the ledger's budget, not only the run's target, limits the noise. */
  private boolean ledgerConstrains(Optional<Double> runEpsilon) {
    if (ledger == null || filter.mode() != BudgetMode.LIMITED) {
      return false;
    }
    return spentBefore > 0 || runEpsilon.isEmpty()
        || filter.budget().orElseThrow().epsilon() < runEpsilon.get();
  }

  /** What the noise was calibrated for, in words. */
  String calibrationNote(Optional<Double> runEpsilon) {
    String run = runEpsilon.map(e -> String.format(Locale.ROOT, "epsilon %.4g for this run", e))
        .orElse("");
    String ledgerPart = ledgerConstrains(runEpsilon)
        ? String.format(Locale.ROOT, "%sthe ledger's remaining %.4g of %.4g", run.isEmpty() ? ""
            : " and ", filter.remaining(), filter.budget().orElseThrow().epsilon())
        : "";
    return String.format(Locale.ROOT, "calibrated for %s%s at delta %.3g, %s", run, ledgerPart,
        delta, kind.label());
  }

  /** Refuses the run when a limited budget cannot afford even one step. */
  void requireOneStep(PrivacyEvent step) {
    if (filter.mode() == BudgetMode.LIMITED && !filter.canAfford(step)) {
      throw cannotAffordOneStep();
    }
  }

  UserError cannotAffordOneStep() {
    if (ledger == null) {
      return new UserError("--epsilon must afford at least one step, got "
          + filter.budget().orElseThrow().epsilon());
    }
    return new UserError(String.format(Locale.ROOT, "--ledger %s cannot afford one more step: it "
            + "has spent epsilon %.4g of its budget %.4g at delta %.3g", file, filter.spent(),
        filter.budget().orElseThrow().epsilon(), delta));
  }

  /**
   * Prints what the run will use: this run's planned epsilon and, with a ledger, what it held
   * before, what it will hold after and its budget, all at one delta.
   */
  void printPlan(PrintWriter out, PrivacyEvent plannedRun, long steps) {
    PrivacyAccountant fresh = kind.create(TrainCommand.RELATION);
    double runEpsilon = upper(fresh.compose(plannedRun).epsilon(delta));
    if (ledger == null) {
      out.printf(Locale.ROOT, "planned: epsilon %.4g at delta %.3g for the %d steps (%s)%n",
          runEpsilon, delta, steps, kind.label());
      return;
    }
    if (!notes.isEmpty()) {
      out.println("ledger " + file + ": using " + String.join(" and ", notes));
    }
    double after = upper(filter.accountantSnapshot().compose(plannedRun).epsilon(delta));
    String budget = filter.mode() == BudgetMode.LIMITED
        ? String.format(Locale.ROOT, "of its budget %.4g", filter.budget().orElseThrow()
            .epsilon())
        : "(odometer: no limit)";
    out.printf(Locale.ROOT, "ledger %s: spent %.4g before this run; this run is planned to "
            + "spend %.4g, the ledger %.4g after it %s, all at delta %.3g (%s)%n", file,
        spentBefore, runEpsilon, after, budget, delta, kind.label());
    if (runSigma > 0 && ledgerSigma > runSigma) {
      out.printf(Locale.ROOT, "ledger %s: its remaining epsilon %.4g sets the noise: multiplier "
          + "%.5g instead of the %.5g this run's target alone needs (expect lower accuracy)%n",
          file, filter.remaining(), ledgerSigma, runSigma);
    }
    if (filter.mode() == BudgetMode.LIMITED && after > filter.budget().orElseThrow().epsilon()) {
      out.println("ledger " + file + ": the budget cannot afford all " + steps + " planned "
          + "steps; training stops when it cannot afford the next one");
    }
  }

  private static double upper(double epsilon) {
    return Double.isNaN(epsilon) ? Double.POSITIVE_INFINITY : epsilon;
  }

  @Override
  public void close() throws IOException {
    if (ledger != null) {
      ledger.close();
    }
  }
}
