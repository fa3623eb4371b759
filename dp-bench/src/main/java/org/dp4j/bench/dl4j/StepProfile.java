package org.dp4j.bench.dl4j;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.bench.dl4j.BenchNetworks.Model;
import org.dp4j.dl4j.gradients.EngineAccess;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where the clipped sum of one private step goes, per layer rule and phase: runs the engine on
 * {@link TrainingStepBenchmark}'s network and batch, and prints a Markdown table of the median
 * milliseconds per step (forward, loss, backward, per-example norms, clipped sum) over the measured
 * steps.
 *
 * <p>Usage: {@code OMP_NUM_THREADS=1 java -cp dp-bench/target/benchmarks.jar
 * org.dp4j.bench.dl4j.StepProfile [CNN|MLP|LSTM|LSTM_DIGITS] [batch] [warm-up steps] [measured
 * steps]} (defaults CNN 256 20 30).
 */
public final class StepProfile {

  private StepProfile() {}

  /**
   * Runs the profile.
   *
   * @param args model, batch size, warm-up steps, measured steps (all optional)
   */
  public static void main(String[] args) {
    Model model = args.length > 0 ? Model.valueOf(args[0].toUpperCase(Locale.ROOT)) : Model.CNN;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 256;
    int warmUp = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int steps = args.length > 3 ? Integer.parseInt(args[3]) : 30;
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    MultiLayerNetwork network = BenchNetworks.build(model);
    INDArray[] data = BenchNetworks.batch(model, batch, 8);
    EngineAccess engine = EngineAccess.of(network);
    List<String> rules = engine.ruleNames();
    List<String> phases = EngineAccess.phaseNames();
    for (int s = 0; s < warmUp; s++) {
      engine.timedClipAndSum(data[0], data[1], 1.0, new long[rules.size()][phases.size()]);
    }
    double[][][] ms = new double[rules.size()][phases.size()][steps];
    double[] totals = new double[steps];
    for (int s = 0; s < steps; s++) {
      long[][] nanos = new long[rules.size()][phases.size()];
      long start = System.nanoTime();
      engine.timedClipAndSum(data[0], data[1], 1.0, nanos);
      totals[s] = (System.nanoTime() - start) / 1e6;
      for (int r = 0; r < rules.size(); r++) {
        for (int p = 0; p < phases.size(); p++) {
          ms[r][p][s] = nanos[r][p] / 1e6;
        }
      }
    }
    out.printf(
        Locale.ROOT,
        "%s, batch %d: clipped sum of one step, median ms over %d steps "
            + "(after %d warm-up steps)%n%n",
        model,
        batch,
        steps,
        warmUp);
    StringBuilder header = new StringBuilder("| rule |");
    StringBuilder rule = new StringBuilder("|---|");
    for (String phase : phases) {
      header.append(' ').append(phase).append(" |");
      rule.append("---|");
    }
    out.println(header.append(" all phases |"));
    out.println(rule.append("---|"));
    double[] phaseTotals = new double[phases.size()];
    for (int r = 0; r < rules.size(); r++) {
      StringBuilder line = new StringBuilder("| " + rules.get(r) + " |");
      double row = 0;
      for (int p = 0; p < phases.size(); p++) {
        double m = median(ms[r][p]);
        row += m;
        phaseTotals[p] += m;
        line.append(String.format(Locale.ROOT, " %.2f |", m));
      }
      out.println(line.append(String.format(Locale.ROOT, " %.2f |", row)));
    }
    StringBuilder line = new StringBuilder("| all rules |");
    for (double t : phaseTotals) {
      line.append(String.format(Locale.ROOT, " %.2f |", t));
    }
    out.println(
        line.append(
            String.format(Locale.ROOT, " %.2f (median of the step totals) |", median(totals))));
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
