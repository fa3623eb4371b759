package org.dp4j.dl4j.gradients;

import java.util.Arrays;
import java.util.Optional;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.dp4j.core.internal.Checks;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link GlobalPoolingLayer} (no parameters) over the time steps of a sequence {@code [B, C, T]},
 * with or without a per-step mask, or over the positions of a CNN activation {@code [B, C, H, W]}
 * without a mask: {@code MAX}, {@code AVG}, {@code SUM} or {@code PNORM}, output {@code [B, C]}
 * (DL4J's default pooling dimensions, as {@code setInputType} sets them, and {@code
 * collapseDimensions} true). Masked steps take no part, as in DL4J's {@code MaskedReductionUtil}:
 * {@code MAX} over the present steps, {@code AVG} divides by the number of present steps, {@code
 * SUM} and {@code PNORM} of the masked input. The output has no time axis, so no mask ({@link
 * #outputMask} is null).
 */
record GlobalPoolingRule(LayerSite site, GlobalPoolingLayer config) implements LayerRule {

  static final Type TYPE =
      Type.of(
          "a GlobalPoolingLayer", GlobalPoolingLayer.class, site -> true, GlobalPoolingRule::new);

  /** DL4J's default pooling dimensions of a sequence {@code [B, C, T]} and of a CNN activation. */
  private static final int[] SEQUENCE = {2};

  private static final int[] CNN = {2, 3};

  @Override
  public Optional<String> unsupportedReason() {
    if (!config.isCollapseDimensions()) {
      return Optional.of("keeps the pooled dimensions (collapseDimensions false)");
    }
    int[] dimensions = config.getPoolingDimensions();
    if (dimensions != null
        && !Arrays.equals(dimensions, SEQUENCE)
        && !Arrays.equals(dimensions, CNN)) {
      return Optional.of(
          "pools over dimensions "
              + Arrays.toString(config.getPoolingDimensions())
              + "; only the default (time, or height and width) is supported");
    }
    if (config.getPoolingType() == PoolingType.PNORM && config.getPnorm() < 2) {
      return Optional.of("uses PNORM with p " + config.getPnorm() + "; only p >= 2 is supported");
    }
    return Optional.empty();
  }

  @Override
  public INDArray outputMask(INDArray inputMask) {
    return null;
  }

  @Override
  public Pass forward(INDArray input) {
    return forward(input, null);
  }

  @Override
  public Pass forward(INDArray input, INDArray mask) {
    Checks.require(
        input.rank() == 3 || input.rank() == 4,
        "the input of " + site.name(),
        "[B, C, T] or [B, C, H, W]",
        Arrays.toString(input.shape()));
    int[] dimensions = config.getPoolingDimensions();
    Checks.require(
        dimensions == null || dimensions.length == input.rank() - 2,
        "the input rank of " + site.name(),
        "one that pools over dimensions " + Arrays.toString(dimensions),
        input.rank());
    if (input.rank() == 4) {
      Checks.require(mask == null, "the mask of " + site.name(), "null for a CNN input", "a mask");
    } else {
      TimeSteps.checkMask(mask, input, site.name());
    }
    long[] shape = input.shape();
    long batch = shape[0];
    long channels = shape[1];
    long positions = input.length() / (batch * channels);
    DataType type = site.dataType();
    INDArray x = input.castTo(type).dup('c').reshape('c', batch, channels, positions);
    INDArray m = mask == null ? null : mask.castTo(type).reshape('c', batch, 1, positions);
    PoolingType pooling = config.getPoolingType();
    INDArray output;
    INDArray local; // d(output)/d(x) per position, [B, C, N]
    switch (pooling) {
      case SUM, AVG -> {
        INDArray weight = m == null ? Nd4j.ones(type, batch, 1, positions) : m.dup();
        if (pooling == PoolingType.AVG) {
          INDArray counts = weight.sum(true, 2); // [B, 1, 1]
          weight = weight.div(counts);
        }
        output = x.mul(weight).sum(2);
        local = Nd4j.createUninitialized(type, batch, channels, positions).assign(1.0).muli(weight);
      }
      case MAX -> {
        INDArray shifted = x.dup();
        if (m != null) { // masked steps far below any present one: never the maximum
          shifted.addi(m.rsub(1.0).muli(-Float.MAX_VALUE)); // [B, 1, N] over every channel
        }
        output = shifted.max(2); // present steps unshifted: the exact maximum
        long[] arg = shifted.argMax(2).castTo(DataType.LONG).dup('c').data().asLong();
        float[] ones = new float[Math.toIntExact(batch * channels * positions)];
        for (int k = 0; k < arg.length; k++) { // the first maximum of each (example, channel)
          ones[(int) (k * positions + arg[k])] = 1f;
        }
        local = Nd4j.createFromArray(ones).reshape('c', batch, channels, positions).castTo(type);
      }
      case PNORM -> {
        int p = config.getPnorm();
        INDArray masked = m == null ? x : x.mul(m);
        INDArray abs = Transforms.abs(masked);
        output = Transforms.pow(abs, p).sum(2);
        Transforms.pow(output, 1.0 / p, false);
        // d||x||_p / dx = x |x|^(p-2) / ||x||_p^(p-1)
        local = masked.mul(Transforms.pow(abs, p - 2));
        INDArray denominator = Transforms.pow(output, p - 1).reshape('c', batch, channels, 1);
        local.divi(denominator);
        if (m != null) {
          local.muli(m);
        }
      }
      default ->
          throw new IllegalArgumentException(
              site.name() + " uses an unsupported pooling type " + pooling);
    }
    INDArray d = local;
    return new ParameterFreePass(
        output,
        gradient -> {
          // Each (example, channel) row of d scaled by its output gradient (a column-vector
          // product: ND4J's broadcast op is many times slower).
          INDArray g = gradient.castTo(type).dup('c').reshape('c', batch * channels, 1);
          return d.dup('c')
              .reshape('c', batch * channels, positions)
              .muliColumnVector(g)
              .reshape('c', shape);
        });
  }
}
