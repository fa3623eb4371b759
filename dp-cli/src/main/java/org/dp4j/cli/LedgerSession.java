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
import java.util.OptionalDouble;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.AccountantKind;
import org.dp4j.core.accounting.PrivacyAccountant;
import org.dp4j.core.budget.BudgetMode;
import org.dp4j.core.budget.InvalidLedgerException;
import org.dp4j.core.budget.LedgerHeader;
import org.dp4j.core.budget.LedgerLockedException;
import org.dp4j.core.budget.LedgerMismatchException;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.budget.PrivacyLedger;
import org.dp4j.dl4j.train.DpTrainer;
import org.dp4j.training.config.Calibration;
import org.dp4j.training.config.DpSgdConfig;

/**
 * The delta, the accountant kind and, with {@code --ledger}, the ledger that {@code dp4j train}
 * charges: the flags, or an existing ledger's header, resolved once. Without {@code --ledger} the
 * trainer derives an in-memory budget from the run's target itself.
 *
 * <p><b>One delta, one accountant.</b> An existing ledger states its epsilon at the delta in its
 * header and replays with the accountant named there. When {@code --delta} or {@code --accountant}
 * is not given, the ledger's value is adopted (and the output says so); when it is given and
 * differs, the run is refused with both values. So every printed (epsilon, delta) pair comes from
 * one computation.
 *
 * <p>The calibration to what a partly spent ledger can still afford is the library's ({@link
 * DpSgdConfig#calibration()}); this class turns its outcome into the command's lines and errors.
 */
final class LedgerSession implements AutoCloseable {

  /** The relation DP-SGD with Poisson sampling is analysed under. */
  static final NeighbouringRelation RELATION = NeighbouringRelation.ADD_OR_REMOVE_ONE;

  private final Path file;
  private final PrivacyLedger ledger;
  private final double delta;
  private final AccountantKind kind;
  private final List<String> notes;
  private final double spentBefore;

  private LedgerSession(
      Path file, PrivacyLedger ledger, double delta, AccountantKind kind, List<String> notes) {
    this.file = file;
    this.ledger = ledger;
    this.delta = delta;
    this.kind = kind;
    this.notes = List.copyOf(notes);
    this.spentBefore = ledger == null ? 0 : ledger.filter().spent();
  }

  /**
   * Resolves the budget of a run.
   *
   * @param file the {@code --ledger} file, or empty for an in-memory budget
   * @param deltaFlag {@code --delta}, if given
   * @param accountantFlag {@code --accountant}, if given
   * @param budgetFlag {@code --ledger-budget}, if given
   * @param runEpsilon the run's target epsilon; empty with {@code --noise-multiplier}
   * @throws UserError when the flags contradict the ledger or it cannot be opened
   */
  static LedgerSession open(
      Optional<Path> file,
      OptionalDouble deltaFlag,
      Optional<AccountantOption> accountantFlag,
      OptionalDouble budgetFlag,
      OptionalDouble runEpsilon) {
    double d = deltaFlag.orElse(TrainingRunOptions.DEFAULT_DELTA);
    AccountantKind k =
        accountantFlag.map(AccountantOption::kind).orElse(DpSgdConfig.DEFAULT_ACCOUNTANT);
    if (file.isEmpty()) {
      return new LedgerSession(null, null, d, k, List.of());
    }
    Path f = file.get();
    try {
      if (Files.exists(f)) {
        return continueLedger(
            f, PrivacyLedger.read(f).header(), deltaFlag, accountantFlag, budgetFlag);
      }
      OptionalDouble budget = budgetFlag.isPresent() ? budgetFlag : runEpsilon;
      Optional<PrivacyBudget> limit =
          budget.isPresent()
              ? Optional.of(PrivacyBudget.approximate(budget.getAsDouble(), d))
              : Optional.empty();
      return new LedgerSession(f, openOrCreate(f, k, limit, d), d, k, List.of());
    } catch (IOException | LedgerLockedException | LedgerMismatchException e) {
      throw error(f, e);
    }
  }

  private static LedgerSession continueLedger(
      Path file,
      LedgerHeader h,
      OptionalDouble deltaFlag,
      Optional<AccountantOption> accountantFlag,
      OptionalDouble budgetFlag)
      throws IOException {
    if (h.relation() != RELATION) {
      throw new UserError(
          "--ledger "
              + file
              + " must be kept under the add-or-remove-one "
              + "relation, which DP-SGD with Poisson sampling is analysed under, got a ledger kept "
              + "under "
              + h.relation());
    }
    AccountantOption recorded =
        AccountantKind.ofClassName(h.accountant())
            .flatMap(AccountantOption::of)
            .orElseThrow(
                () ->
                    new UserError(
                        "--ledger "
                            + file
                            + " must be kept by the rdp or pld accountant to be charged by dp4j"
                            + " train, got a ledger kept by "
                            + h.accountant()));
    if (!(h.targetDelta() > 0)) {
      throw new UserError(
          "--ledger "
              + file
              + " must state epsilon at a delta in (0, 1) for "
              + "DP-SGD, got delta "
              + h.targetDelta());
    }
    if (accountantFlag.isPresent() && accountantFlag.get() != recorded) {
      throw new UserError(
          "--accountant must be "
              + recorded.label()
              + ", the accountant of "
              + "--ledger "
              + file
              + ", got "
              + accountantFlag.get().label());
    }
    if (budgetFlag.isPresent() && h.mode() == BudgetMode.ODOMETER) {
      throw new UserError(
          "--ledger-budget must not be given for --ledger "
              + file
              + ", an "
              + "odometer (no limit), got "
              + budgetFlag.getAsDouble());
    }
    if (budgetFlag.isPresent() && budgetFlag.getAsDouble() != h.budgetEpsilon()) {
      throw new UserError(
          "--ledger-budget must be "
              + h.budgetEpsilon()
              + ", the budget --ledger "
              + file
              + " was created with, got "
              + budgetFlag.getAsDouble());
    }
    if (deltaFlag.isPresent() && deltaFlag.getAsDouble() != h.targetDelta()) {
      throw new UserError(
          "--delta must be "
              + h.targetDelta()
              + ", the delta --ledger "
              + file
              + " states its epsilon at, got "
              + deltaFlag.getAsDouble());
    }
    List<String> notes = new ArrayList<>();
    if (deltaFlag.isEmpty()) {
      notes.add("its delta " + h.targetDelta() + " (--delta not given)");
    }
    if (accountantFlag.isEmpty()) {
      notes.add("its accountant " + recorded.label() + " (--accountant not given)");
    }
    PrivacyLedger ledger = openOrCreate(file, recorded.kind(), h.budget(), h.targetDelta());
    return new LedgerSession(file, ledger, h.targetDelta(), recorded.kind(), notes);
  }

  /** The ledger at {@code file}: limited to {@code budget}, or an odometer at {@code delta}. */
  private static PrivacyLedger openOrCreate(
      Path file, AccountantKind kind, Optional<PrivacyBudget> budget, double delta)
      throws IOException {
    PrivacyAccountant empty = kind.create(RELATION);
    return budget.isPresent()
        ? PrivacyLedger.openOrCreate(file, empty, budget.get())
        : PrivacyLedger.openOrCreateOdometer(file, empty, delta);
  }

  /** The one-line user error for a ledger that cannot be opened or created. */
  static UserError error(Path file, Exception e) {
    if (e instanceof LedgerLockedException) {
      return new UserError(
          "--ledger "
              + file
              + " is locked by another process (another dp4j "
              + "train, or a program holding the ledger open): wait until it finishes, or use "
              + "another ledger");
    }
    if (e instanceof LedgerMismatchException m) {
      return new UserError(
          "--ledger "
              + file
              + " was created with "
              + m.setting()
              + " "
              + m.recorded()
              + ", which differs from "
              + m.given());
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

  double delta() {
    return delta;
  }

  AccountantKind accountantKind() {
    return kind;
  }

  /**
   * Builds the trainer on this budget (the ledger's filter, or the one the trainer derives from the
   * target), refusing a run that a limited budget cannot afford with one line.
   *
   * @throws UserError when a limited ledger cannot afford one step, or the planned steps at any
   *     noise multiplier
   */
  DpTrainer build(DpTrainer.Builder builder) {
    builder.accountant(kind);
    if (ledger != null) {
      builder.filter(ledger.filter());
    }
    DpTrainer trainer;
    try {
      trainer = builder.build();
    } catch (PrivacyBudgetExceededException e) {
      if (!(ledger.filter().remaining() > 0)) {
        throw cannotAffordOneStep(ledger.filter());
      }
      throw new UserError(
          "--ledger "
              + file
              + " cannot afford "
              + e.label()
              + String.format(
                  Locale.ROOT,
                  ": it has spent epsilon %.4g of its budget %.4g at " + "delta %.3g",
                  ledger.filter().spent(),
                  budget(ledger.filter()),
                  delta));
    }
    PrivacyFilter filter = trainer.filter();
    if (filter.mode() == BudgetMode.LIMITED && !filter.canAfford(trainer.config().stepEvent())) {
      throw cannotAffordOneStep(filter);
    }
    return trainer;
  }

  /** The refusal of a run whose limited budget cannot afford even one step. */
  UserError cannotAffordOneStep(PrivacyFilter filter) {
    if (ledger == null) {
      return new UserError("--epsilon must afford at least one step, got " + budget(filter));
    }
    return new UserError(
        String.format(
            Locale.ROOT,
            "--ledger %s cannot afford one more step: it "
                + "has spent epsilon %.4g of its budget %.4g at delta %.3g",
            file,
            filter.spent(),
            budget(filter),
            delta));
  }

  private static double budget(PrivacyFilter filter) {
    return filter.budget().orElseThrow().epsilon();
  }

  /** What the noise was calibrated for, in words. */
  String calibrationNote(DpSgdConfig config) {
    Calibration calibration = config.calibration().orElseThrow();
    String run =
        String.format(
            Locale.ROOT, "epsilon %.4g for this run", config.target().orElseThrow().epsilon());
    String ledgerPart =
        calibration.forFilter().isPresent()
            ? String.format(
                Locale.ROOT,
                " and the ledger's remaining %.4g of %.4g",
                config.filter().remaining(),
                budget(config.filter()))
            : "";
    return String.format(
        Locale.ROOT, "calibrated for %s%s at delta %.3g, %s", run, ledgerPart, delta, kind.label());
  }

  /**
   * Prints what the run will use: this run's planned epsilon and, with a ledger, what it held
   * before, what it will hold after and its budget, all at one delta.
   */
  void printPlan(PrintWriter out, DpSgdConfig config) {
    long steps = config.plannedSteps();
    double runEpsilon = config.privacyStatement().epsilon();
    if (ledger == null) {
      out.printf(
          Locale.ROOT,
          "planned: epsilon %.4g at delta %.3g for the %d steps (%s)%n",
          runEpsilon,
          delta,
          steps,
          kind.label());
      return;
    }
    if (!notes.isEmpty()) {
      out.println("ledger " + file + ": using " + String.join(" and ", notes));
    }
    PrivacyFilter filter = config.filter();
    double after =
        upper(filter.accountantSnapshot().compose(config.eventForSteps(steps)).epsilon(delta));
    String budget =
        filter.mode() == BudgetMode.LIMITED
            ? String.format(Locale.ROOT, "of its budget %.4g", budget(filter))
            : "(odometer: no limit)";
    out.printf(
        Locale.ROOT,
        "ledger %s: spent %.4g before this run; this run is planned to "
            + "spend %.4g, the ledger %.4g after it %s, all at delta %.3g (%s)%n",
        file,
        spentBefore,
        runEpsilon,
        after,
        budget,
        delta,
        kind.label());
    config
        .calibration()
        .filter(Calibration::filterSetsTheNoise)
        .ifPresent(
            c ->
                out.printf(
                    Locale.ROOT,
                    "ledger %s: its remaining epsilon %.4g sets the noise: multiplier %.5g instead"
                        + " of the %.5g this run's target alone needs (expect lower accuracy)%n",
                    file,
                    filter.remaining(),
                    c.forFilter().getAsDouble(),
                    c.forTarget()));
    if (filter.mode() == BudgetMode.LIMITED && after > budget(filter)) {
      out.println(
          "ledger "
              + file
              + ": the budget cannot afford all "
              + steps
              + " planned "
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
