package org.dp4j.dl4j.gradients;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.util.Optional;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link SimpleRnn} {@code h_t = act(x_t W + h_{t-1} RW + b) * m_t} (Elman 1990), any activation,
 * with its own backpropagation through time (DL4J's {@code SimpleRnn}, reproduced): {@code dz_t =
 * act'(z_t) (eps_t + dz_{t+1} RW^T) * m_t}. Example {@code i}'s gradient is {@code W: sum_t x_t^T
 * dz_t}, {@code RW: sum_t h_{t-1}^T dz_t}, {@code b: sum_t dz_t} ({@link SequenceAffine}: ghost
 * norms over time or layerwise). DL4J sets the mask on a SimpleRnn in every context, so {@link
 * #forward(INDArray, INDArray)} masks. Layer normalization and the NWC layout are refused.
 */
record SimpleRnnRule(LayerSite site, SimpleRnn config) implements RecurrentRule {

  static final Type TYPE =
      Type.of("a SimpleRnn", SimpleRnn.class, site -> true, SimpleRnnRule::new);

  @Override
  public Optional<String> unsupportedReason() {
    if (config.hasLayerNorm()) {
      return Optional.of("uses layer normalization");
    }
    return config.getRnnDataFormat() == RNNFormat.NCW
        ? Optional.empty()
        : Optional.of("uses the " + config.getRnnDataFormat() + " data format; use NCW");
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
    return forwardWithLayerMask(input, mask);
  }

  @Override
  public Pass forwardWithLayerMask(INDArray input, INDArray mask) {
    INDArray w = site.layer().getParam("W");
    INDArray rw = site.layer().getParam("RW");
    INDArray b = site.layer().getParam("b");
    long nIn = w.size(0);
    int h = (int) rw.size(0);
    TimeSteps.checkInput(site, input, nIn, mask);
    DataType type = site.dataType();
    int batch = (int) input.size(0);
    int time = (int) input.size(2);
    INDArray steps = TimeSteps.stepsMajor(input, type);
    INDArray z =
        Nd4j.gemm(
                steps.reshape('c', (long) batch * time, nIn),
                w,
                Nd4j.createUninitialized(type, (long) batch * time, h),
                false,
                false,
                1.0,
                0.0)
            .addiRowVector(b)
            .reshape('c', batch, time, h);
    IActivation act = config.getActivationFn();
    INDArray previous = Nd4j.zeros(type, batch, time, h);
    INDArray[] pre = new INDArray[time];
    INDArray output = Nd4j.create(type, new long[] {batch, h, time}, 'f');
    INDArray last = null;
    for (int t = 0; t < time; t++) {
      INDArray zt = z.get(all(), point(t), all()).dup('c');
      if (last != null) {
        Nd4j.gemm(last, rw, zt, false, false, 1.0, 1.0);
      }
      pre[t] = zt;
      INDArray out = act.getActivation(zt.dup('c'), true);
      if (mask != null) {
        out.muliColumnVector(mask.getColumn(t, true).castTo(type));
      }
      output.get(all(), all(), point(t)).assign(out);
      if (t + 1 < time) {
        previous.get(all(), point(t + 1), all()).assign(out);
      }
      last = out;
    }
    return new Backward(site, act, w, rw, b, mask, steps, previous, pre, output);
  }

  private static final class Backward implements Pass {
    private final LayerSite site;
    private final IActivation act;
    private final INDArray w;
    private final INDArray rw;
    private final INDArray b;
    private final INDArray mask;
    private final INDArray steps;
    private final INDArray previous;
    private final INDArray[] pre;
    private final INDArray output;
    private INDArray delta;

    Backward(
        LayerSite site,
        IActivation act,
        INDArray w,
        INDArray rw,
        INDArray b,
        INDArray mask,
        INDArray steps,
        INDArray previous,
        INDArray[] pre,
        INDArray output) {
      this.site = site;
      this.act = act;
      this.w = w;
      this.rw = rw;
      this.b = b;
      this.mask = mask;
      this.steps = steps;
      this.previous = previous;
      this.pre = pre;
      this.output = output;
    }

    @Override
    public INDArray output() {
      return output;
    }

    @Override
    public INDArray backward(INDArray outputGradient, boolean inputGradientNeeded) {
      DataType type = site.dataType();
      int batch = (int) output.size(0);
      int h = (int) output.size(1);
      int time = (int) output.size(2);
      INDArray epsilon = outputGradient.castTo(type);
      delta = Nd4j.create(type, batch, time, h);
      INDArray next = null;
      for (int t = time - 1; t >= 0; t--) {
        INDArray dh = epsilon.get(all(), all(), point(t)).dup('c');
        if (next != null) {
          Nd4j.gemm(next, rw, dh, false, true, 1.0, 1.0);
        }
        INDArray dz = act.backprop(pre[t].dup('c'), dh).getFirst();
        if (mask != null) {
          dz.muliColumnVector(mask.getColumn(t, true).castTo(type));
        }
        delta.get(all(), point(t), all()).assign(dz);
        next = dz;
      }
      if (!inputGradientNeeded) {
        return null;
      }
      long nIn = w.size(0);
      return Nd4j.gemm(
              delta.reshape('c', (long) batch * time, h),
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
      SequenceAffine.addSquaredNorms(steps, delta, true, squaredNorms);
      SequenceAffine.addSquaredNorms(previous, delta, false, squaredNorms);
    }

    @Override
    public long addClippedSum(ClipFactors clip, INDArray sum) {
      INDArray params = site.parameters();
      return SequenceAffine.addClippedSum(
              steps,
              delta,
              clip,
              ParameterBlocks.matrix(sum, params, w),
              ParameterBlocks.vector(sum, params, b))
          + SequenceAffine.addClippedSum(
              previous, delta, clip, ParameterBlocks.matrix(sum, params, rw), null);
    }
  }
}
