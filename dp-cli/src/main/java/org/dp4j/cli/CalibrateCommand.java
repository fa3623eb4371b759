package org.dp4j.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.pld.PldAccountant;
import org.dp4j.core.accounting.pld.PldEpsilon;
import org.dp4j.core.calibration.NoiseCalibration;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.PrivacyEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dp4j calibrate}: the DP-SGD noise multiplier for a target epsilon. */
@Command(
    name = "calibrate",
    mixinStandardHelpOptions = true,
    description =
        "Smallest DP-SGD noise multiplier whose epsilon (re-accounted) is at most the target.")
final class CalibrateCommand implements Callable<Integer> {

  /**
   * Most steps calibrated with {@code --accountant pld}: 2^24, where the PLD composes in stages and
   * its rounding allowance grows; beyond it every evaluation takes about a second and falls back to
   * the Renyi-DP bound anyway.
   */
  static final long MAX_PLD_STEPS = 1L << 24;

  @Option(
      names = "--target-epsilon",
      required = true,
      paramLabel = "E",
      description = "Target epsilon, > 0.")
  double targetEpsilon;

  @Option(
      names = "--delta",
      required = true,
      paramLabel = "D",
      description = "Target delta, in (0, 1).")
  double delta;

  @Option(
      names = "--sampling-rate",
      required = true,
      paramLabel = "Q",
      description = "Poisson sampling rate, in (0, 1].")
  double samplingRate;

  @Option(
      names = "--steps",
      required = true,
      paramLabel = "N",
      description = "Number of steps, >= 1.")
  long steps;

  @Option(
      names = "--accountant",
      paramLabel = "rdp|pld",
      defaultValue = "rdp",
      completionCandidates = AccountantOption.Candidates.class,
      description = "Accountant: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  AccountantOption accountant;

  @Option(
      names = "--relation",
      paramLabel = "REL",
      defaultValue = "add-remove",
      converter = RelationOption.Converter.class,
      completionCandidates = RelationOption.Candidates.class,
      description = "Neighbouring relation: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  RelationOption relation;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    double e = Flags.positiveFinite("--target-epsilon", targetEpsilon);
    double d = Flags.delta("--delta", delta);
    double q = Flags.samplingRate("--sampling-rate", samplingRate);
    long n = Flags.steps("--steps", steps);
    PrivacyEvent probe = new GaussianEvent(1.0).poissonSampled(q).repeated(n);
    if (!accountant.kind().create(relation.relation()).supports(probe)) {
      throw new UserError(
          "--relation "
              + relation.flagValue()
              + " is not supported by the "
              + accountant.label()
              + " accountant for Poisson-subsampled steps (amplification by Poisson sampling is an"
              + " add/remove result)");
    }
    if (accountant == AccountantOption.PLD && n > MAX_PLD_STEPS) {
      throw UserError.flag(
          "--steps",
          "at most "
              + MAX_PLD_STEPS
              + " with --accountant pld (beyond that the PLD grid cannot represent the steps and"
              + " every evaluation falls back to Renyi DP; use --accountant rdp)",
          n);
    }
    NoiseCalibration.Result r =
        NoiseCalibration.dpSgdNoiseMultiplier(
            PrivacyBudget.approximate(e, d),
            q,
            n,
            () -> accountant.kind().create(relation.relation()));
    PldEpsilon bound = null;
    if (accountant == AccountantOption.PLD) {
      PldAccountant check = new PldAccountant(relation.relation());
      check.compose(new GaussianEvent(r.noiseMultiplier()).poissonSampled(q).repeated(n));
      bound = check.epsilonBound(d);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonObject o =
          new JsonObject()
              .put("noise_multiplier", r.noiseMultiplier())
              .put("epsilon", r.epsilon())
              .put("target_epsilon", e)
              .put("delta", d)
              .put("sampling_rate", q)
              .put("steps", n)
              .put("accountant", accountant.label())
              .put("relation", relation.flagValue())
              .put("evaluations", r.evaluations());
      if (bound != null) {
        EpsilonCommand.putBound(o, bound);
      }
      out.println(o);
    } else {
      out.println("noise multiplier: " + r.noiseMultiplier());
      out.println("epsilon: " + r.epsilon() + " (target " + e + ", delta " + d + ")");
      if (bound != null) {
        out.println("bound: " + bound.describe());
      }
      out.println(
          "accountant: "
              + accountant.label()
              + ", relation: "
              + relation.flagValue()
              + ", "
              + n
              + " steps at sampling rate "
              + q);
    }
    return 0;
  }
}
