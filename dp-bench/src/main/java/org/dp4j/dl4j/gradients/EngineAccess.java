package org.dp4j.dl4j.gradients;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Benchmark-only access to dp-dl4j's package-private clipping engine ({@link MultiLayerClipping}):
 * its plain (non-private) gradient through the same layer rules, and a per-rule, per-phase timing
 * of its clipped sum. This class is compiled into dp-bench, in dp-dl4j's package; it is no part of
 * dp-dl4j's API.
 */
public final class EngineAccess {

  private final MultiLayerClipping engine;

  private EngineAccess(MultiLayerClipping engine) {
    this.engine = engine;
  }

  /**
   * The engine for {@code network} (layerwise: every layer with a rule).
   *
   * @throws IllegalArgumentException when a layer has no rule
   */
  public static EngineAccess of(MultiLayerNetwork network) {
    return new EngineAccess(MultiLayerClipping.of(network, GradientMethod.LAYERWISE));
  }

  /**
   * The plain gradient sum {@code sum_i g_i} of a batch through the engine's rules (no norms, no
   * clipping), laid out as {@code params()}.
   */
  public INDArray gradientSum(INDArray features, INDArray labels) {
    return engine.gradientSum(features, labels).sum();
  }

  /** The names of the engine's rules, in its order. */
  public List<String> ruleNames() {
    return engine.ruleNames();
  }

  /** The phases a {@link #timedClipAndSum} call reports, in order. */
  public static List<String> phaseNames() {
    List<String> names = new ArrayList<>();
    for (MultiLayerClipping.Phase phase : MultiLayerClipping.Phase.values()) {
      names.add(phase.name().toLowerCase(Locale.ROOT).replace('_', ' '));
    }
    return names;
  }

  /**
   * One clipped sum with its time per rule and phase: {@code nanos[rule][phase]} (phases as in
   * {@link #phaseNames}) are the nanoseconds from the previous phase's end to this one's.
   *
   * @param nanos {@code [rules][phases]}, added to
   * @return the clipped sum
   */
  public INDArray timedClipAndSum(
      INDArray features, INDArray labels, double clipNorm, long[][] nanos) {
    long[] last = {System.nanoTime()};
    return engine.clipAndSum(
        features,
        labels,
        clipNorm,
        (rule, phase) -> {
          long now = System.nanoTime();
          nanos[rule][phase.ordinal()] += now - last[0];
          last[0] = now;
        });
  }
}
