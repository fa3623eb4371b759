package org.dp4j.dl4j.gradients;

import java.lang.reflect.Field;
import java.util.Optional;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.layers.recurrent.TimeDistributedLayer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code TimeDistributed} around a {@link DenseLayer} (with or without bias, any activation, no
 * layer normalization): the dense map at every time step, {@code y_{i,t} = act(x_{i,t} W + b) *
 * m_{i,t}} (DL4J masks the wrapped layer's pre-activations, outputs and deltas with the features
 * mask, which passes on). Example {@code i}'s gradient is {@code W: sum_t x_{i,t}^T delta_{i,t}},
 * {@code b: sum_t delta_{i,t}}: {@link SequenceAffine} (ghost norms over time or layerwise).
 */
record TimeDistributedRule(LayerSite site, LayerSite innerSite) implements LayerRule {

  static final Type TYPE =
      new Type(
          "a TimeDistributed around a DenseLayer",
          site -> site.layer() instanceof TimeDistributedLayer,
          site -> new TimeDistributedRule(site, Wrapped.innerSite(site)));

  @Override
  public Optional<String> unsupportedReason() {
    if (innerSite.config().getClass() != DenseLayer.class) {
      return Optional.of(
          "wraps a "
              + innerSite.config().getClass().getSimpleName()
              + ", which is not a DenseLayer");
    }
    if (((DenseLayer) innerSite.config()).hasLayerNorm()) {
      return Optional.of("wraps a DenseLayer that uses layer normalization");
    }
    RNNFormat format = format((TimeDistributedLayer) site.layer());
    return format == RNNFormat.NCW
        ? Optional.empty()
        : Optional.of("uses the " + format + " data format; use NCW");
  }

  /** The data format, which DL4J 1.0.0-M2.1 keeps in a private field without a getter. */
  private static RNNFormat format(TimeDistributedLayer layer) {
    try {
      Field field = TimeDistributedLayer.class.getDeclaredField("rnnDataFormat");
      field.setAccessible(true);
      return (RNNFormat) field.get(layer);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("cannot read the data format of a TimeDistributed", e);
    }
  }

  @Override
  public boolean hasParameters() {
    return true;
  }

  @Override
  public Pass forward(INDArray input) {
    return forward(input, null);
  }

  @Override
  public Pass forward(INDArray input, INDArray mask) {
    INDArray w = innerSite.layer().getParam("W");
    INDArray b = innerSite.layer().getParam("b");
    long nIn = w.size(0);
    long nOut = w.size(1);
    Sequences.checkInput(site, input, nIn, mask);
    DataType type = site.dataType();
    int batch = (int) input.size(0);
    int time = (int) input.size(2);
    INDArray steps = Sequences.stepRows(input, type);
    INDArray z =
        Nd4j.gemm(
            steps.reshape('c', (long) batch * time, nIn),
            w,
            Nd4j.createUninitialized(type, (long) batch * time, nOut),
            false,
            false,
            1.0,
            0.0);
    if (b != null) {
      z.addiRowVector(b);
    }
    INDArray rowMask = mask == null ? null : mask.castTo(type).reshape('c', (long) batch * time, 1);
    IActivation act = ((DenseLayer) innerSite.config()).getActivationFn();
    INDArray out = act.getActivation(z.dup('c'), true);
    if (rowMask != null) {
      out.muliColumnVector(rowMask);
    }
    INDArray output = out.reshape('c', batch, time, nOut).permute(0, 2, 1);
    return new Pass() {
      private INDArray delta;

      @Override
      public INDArray output() {
        return output;
      }

      @Override
      public INDArray backward(INDArray outputGradient, boolean inputGradientNeeded) {
        INDArray e =
            Sequences.stepRows(outputGradient, type).reshape('c', (long) batch * time, nOut);
        INDArray d = act.backprop(z.dup('c'), e).getFirst();
        if (rowMask != null) {
          d.muliColumnVector(rowMask);
        }
        delta = d.reshape('c', batch, time, nOut);
        if (!inputGradientNeeded) {
          return null;
        }
        return Nd4j.gemm(
                d,
                w,
                Nd4j.createUninitialized(type, (long) batch * time, nIn),
                false,
                true,
                1.0,
                0.0)
            .reshape('c', batch, time, nIn)
            .permute(0, 2, 1);
      }

      @Override
      public void addSquaredNorms(double[] squaredNorms) {
        SequenceAffine.addSquaredNorms(steps, delta, b != null, squaredNorms);
      }

      @Override
      public long addClippedSum(ClipFactors clip, INDArray sum) {
        INDArray params = site.parameters();
        return SequenceAffine.addClippedSum(
            steps,
            delta,
            clip,
            ParameterBlocks.matrix(sum, params, w),
            b == null ? null : ParameterBlocks.vector(sum, params, b));
      }
    };
  }
}
