package org.dp4j.dl4j.gradients;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A vertex with one input made of layer rules applied in turn: a {@code LayerVertex} (its input
 * preprocessor's rule, if any, then its layer's) or a {@code PreprocessorVertex} (the
 * preprocessor's rule alone). Its parameters are those of its layer rules.
 *
 * @param rules the layer rules, in forward order, at least one
 */
record ChainRule(List<LayerRule> rules) implements VertexRule {

  @Override
  public Optional<String> unsupportedReason() {
    return rules.stream().map(LayerRule::unsupportedReason).flatMap(Optional::stream).findFirst();
  }

  @Override
  public boolean hasParameters() {
    return rules.stream().anyMatch(LayerRule::hasParameters);
  }

  @Override
  public Optional<LayerRule.Loss> loss() {
    return rules.get(rules.size() - 1).loss();
  }

  @Override
  public Pass forward(INDArray[] inputs, INDArray mask) {
    INDArray input = inputs[0];
    List<LayerRule.Pass> passes = new ArrayList<>(rules.size());
    for (LayerRule rule : rules) {
      LayerRule.Pass pass = rule.forward(input, mask);
      mask = rule.outputMask(mask);
      passes.add(pass);
      input = pass.output();
    }
    return new ChainPass(passes, rules);
  }

  @Override
  public INDArray outputMask(INDArray mask) {
    for (LayerRule rule : rules) {
      mask = rule.outputMask(mask);
    }
    return mask;
  }

  /** The layer rules' passes, run backward in reverse order. */
  private record ChainPass(List<LayerRule.Pass> layerPasses, List<LayerRule> rules)
      implements Pass {

    @Override
    public INDArray output() {
      return layerPasses.get(layerPasses.size() - 1).output();
    }

    /**
     * Runs the layer passes backward from the last; below the last rule with parameters, only when
     * the input gradient is needed.
     */
    @Override
    public INDArray[] backward(INDArray outputGradient, boolean[] inputGradientsNeeded) {
      INDArray gradient = outputGradient;
      for (int k = layerPasses.size() - 1; k >= 0 && gradient != null; k--) {
        boolean below = inputGradientsNeeded[0] || parametersBelow(k);
        gradient = layerPasses.get(k).backward(gradient, below);
      }
      return new INDArray[] {inputGradientsNeeded[0] ? gradient : null};
    }

    private boolean parametersBelow(int k) {
      for (int j = 0; j < k; j++) {
        if (rules.get(j).hasParameters()) {
          return true;
        }
      }
      return false;
    }
  }
}
