package org.dp4j.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.calibration.GaussianCalibration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dp4j gaussian-sigma}: the analytic Gaussian noise for one release. */
@Command(
    name = "gaussian-sigma",
    mixinStandardHelpOptions = true,
    description =
        "Smallest Gaussian noise std for one (epsilon, delta)-DP release (Balle & Wang 2018).")
final class GaussianSigmaCommand implements Callable<Integer> {

  @Option(names = "--epsilon", required = true, paramLabel = "E", description = "Epsilon, >= 0.")
  double epsilon;

  @Option(names = "--delta", required = true, paramLabel = "D", description = "Delta, in (0, 1).")
  double delta;

  @Option(
      names = "--l2-sensitivity",
      paramLabel = "S",
      defaultValue = "1.0",
      description = "L2 sensitivity of the query, > 0 (default: ${DEFAULT-VALUE}).")
  double l2Sensitivity;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    double e = Flags.nonNegativeFinite("--epsilon", epsilon);
    double d = Flags.delta("--delta", delta);
    double s = Flags.positiveFinite("--l2-sensitivity", l2Sensitivity);
    double multiplier = GaussianCalibration.noiseMultiplier(PrivacyBudget.approximate(e, d));
    if (!(multiplier * s < Double.POSITIVE_INFINITY)) {
      double limit = Double.MAX_VALUE / multiplier;
      while (multiplier * limit == Double.POSITIVE_INFINITY) {
        limit = Math.nextDown(limit);
      }
      throw UserError.flag(
          "--l2-sensitivity",
          "at most "
              + limit
              + " for epsilon "
              + e
              + " and delta "
              + d
              + " (sigma = "
              + multiplier
              + " x sensitivity must be finite)",
          s);
    }
    double sigma = GaussianCalibration.analyticSigma(PrivacyBudget.approximate(e, d), s);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(
          new JsonObject()
              .put("sigma", sigma)
              .put("epsilon", e)
              .put("delta", d)
              .put("l2_sensitivity", s));
    } else {
      out.println("sigma: " + sigma);
      out.println(
          "(analytic Gaussian mechanism, Balle & Wang 2018; epsilon "
              + e
              + ", delta "
              + d
              + ", L2 sensitivity "
              + s
              + ")");
    }
    return 0;
  }
}
