package org.dp4j.dl4j.gradients;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import org.deeplearning4j.nn.conf.layers.AbstractLSTM;
import org.dp4j.core.internal.Checks;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The pass of an {@code LSTM} (no peepholes) or a {@code GravesLSTM} (peepholes) layer, with its
 * own backpropagation through time that keeps every step's gate deltas, so that each example's
 * gradient is a sum over time of outer products ({@link SequenceAffine}).
 *
 * <p>Forward, as DL4J's {@code LSTMHelpers} computes it (Hochreiter and Schmidhuber 1997; Graves
 * 2013, "Generating sequences with recurrent neural networks", eq. 7-11; Greff et al. 2017, "LSTM:
 * a search space odyssey", vanilla and no-peephole variants), with DL4J's gate order {@code [a, f,
 * o, g]} in the columns of {@code W [nIn, 4H]}, {@code RW [H, 4H (+3)]} and {@code b [1, 4H]}:
 *
 * <pre>
 *   z_t = x_t W + h_{t-1} RW[:, 0:4H] + b                (h_{-1} = c_{-1} = 0)
 *   a_t = act(z_a)                                        block input, the layer's activation
 *   f_t = gate(z_f + c_{t-1} * p_f)    g_t = gate(z_g + c_{t-1} * p_g)     input gate g
 *   c_t = f_t * c_{t-1} + g_t * a_t
 *   o_t = gate(z_o + c_t * p_o)        h_t = o_t * act(c_t)
 * </pre>
 *
 * where {@code p_f, p_o, p_g} are the peephole columns {@code RW[:, 4H], RW[:, 4H+1], RW[:, 4H+2]}
 * (GravesLSTM only) and {@code gate} is the gate activation (sigmoid by default). When DL4J has set
 * the layer's mask array, {@code h_t} and {@code c_t} are multiplied by the step's mask.
 *
 * <p>Backward, step by step from the last (DL4J's {@code backpropGradientHelper}, reproduced
 * exactly, masks included: an LSTM's backward pass ignores the mask, a GravesLSTM's zeroes the gate
 * deltas of masked steps):
 *
 * <pre>
 *   dh_t = eps_t + d_{t+1} RW[:, 0:4H]^T
 *   d_o  = gate'(.) (dh_t * act(c_t))
 *   dc_t = act'(c_t) (o_t * dh_t) + d_o p_o + f_{t+1} dc_{t+1} + d_f' p_f + d_g' p_g
 *   d_f  = gate'(.) (dc_t * c_{t-1}) (0 at t = 0)   d_g = gate'(.) (dc_t * a_t)
 *   d_a  = act'(z_a) (dc_t * g_t)
 * </pre>
 *
 * with {@code d_f', d_g'} the next step's deltas. Example {@code i}'s gradient is then {@code W:
 * sum_t x_t^T d_t}, {@code RW[:, 0:4H]: sum_t h_{t-1}^T d_t}, {@code b: sum_t d_t}, and the
 * peepholes {@code p_f: sum_t d_f c_{t-1}}, {@code p_g: sum_t d_g c_{t-1}}, {@code p_o: sum_t d_o
 * c_t} (element-wise, {@code [H]} per example). The matrix terms go to {@link SequenceAffine}
 * (ghost norms over time or layerwise, whichever is cheaper for the shapes; Goodfellow 2015, Lee
 * and Kifer 2021); the peephole terms are formed per example.
 */
final class LstmPass implements LayerRule.Pass {

  private final LayerSite site;
  private final boolean peepholes;
  private final boolean maskedBackward;
  private final IActivation activation;
  private final IActivation gate;
  private final INDArray weights;
  private final INDArray recurrent;
  private final INDArray recurrentGates; // RW[:, 0:4H], dense copy
  private final INDArray bias;
  private final INDArray mask; // [B, T] applied by the forward pass, or null
  private final INDArray steps; // [B, T, nIn]: x_t per row
  private final INDArray previous; // [B, T, H]: h_{t-1} per row, zero at t = 0
  private final Step[] forward;
  private final INDArray output;
  private INDArray delta; // [B, T, 4H]
  private INDArray peepholeGradients; // [B, 3H]: p_f, p_o, p_g per example

  /** What the backward pass needs from step t. */
  private record Step(
      INDArray z, // [B, 4H] pre-activations (peepholes included)
      INDArray a,
      INDArray f,
      INDArray o,
      INDArray g,
      INDArray cell, // c_t after the mask
      INDArray cellActivation) {} // act(c_t) before the mask

  private LstmPass(
      LayerSite site,
      AbstractLSTM config,
      boolean peepholes,
      boolean maskedBackward,
      INDArray mask,
      INDArray steps,
      INDArray previous,
      Step[] forward,
      INDArray output) {
    this.site = site;
    this.peepholes = peepholes;
    this.maskedBackward = maskedBackward;
    this.activation = config.getActivationFn();
    this.gate = config.getGateActivationFn();
    this.weights = site.layer().getParam("W");
    this.recurrent = site.layer().getParam("RW");
    long h = recurrent.size(0);
    this.recurrentGates = recurrent.get(all(), interval(0, 4 * h)).dup('f');
    this.bias = site.layer().getParam("b");
    this.mask = mask;
    this.steps = steps;
    this.previous = previous;
    this.forward = forward;
    this.output = output;
  }

  /**
   * The forward pass.
   *
   * @param site the layer, with parameters {@code W}, {@code RW} and {@code b}
   * @param config its configuration
   * @param peepholes true for a GravesLSTM
   * @param input {@code [B, nIn, T]}; not modified
   * @param mask the {@code [B, T]} mask DL4J has set on the layer, or null
   */
  static LstmPass forward(
      LayerSite site, AbstractLSTM config, boolean peepholes, INDArray input, INDArray mask) {
    INDArray w = site.layer().getParam("W");
    INDArray rw = site.layer().getParam("RW");
    INDArray b = site.layer().getParam("b");
    int nIn = (int) w.size(0);
    int h = (int) rw.size(0);
    TimeSteps.checkInput(site, input, nIn, mask);
    DataType type = site.dataType();
    int batch = (int) input.size(0);
    int time = (int) input.size(2);
    INDArray steps = TimeSteps.stepsMajor(input, type); // [B, T, nIn]
    INDArray inputPart =
        Nd4j.gemm(
            steps.reshape('c', (long) batch * time, nIn),
            w,
            Nd4j.createUninitialized(type, (long) batch * time, 4L * h),
            false,
            false,
            1.0,
            0.0);
    inputPart.addiRowVector(b);
    INDArray zAll = inputPart.reshape('c', batch, time, 4L * h);
    INDArray rwGates = rw.get(all(), interval(0, 4 * h)).dup('f');
    INDArray pf = peepholes ? rw.get(all(), point(4L * h)).dup().reshape(1, h) : null;
    INDArray po = peepholes ? rw.get(all(), point(4L * h + 1)).dup().reshape(1, h) : null;
    INDArray pg = peepholes ? rw.get(all(), point(4L * h + 2)).dup().reshape(1, h) : null;
    IActivation act = config.getActivationFn();
    IActivation gate = config.getGateActivationFn();
    INDArray previous = Nd4j.zeros(type, batch, time, h);
    INDArray output = Nd4j.create(type, new long[] {batch, h, time}, 'f');
    Step[] forward = new Step[time];
    INDArray hPrev = null;
    INDArray cPrev = null;
    for (int t = 0; t < time; t++) {
      INDArray z = zAll.get(all(), point(t), all()).dup('c');
      if (hPrev != null) {
        Nd4j.gemm(hPrev, rwGates, z, false, false, 1.0, 1.0);
      }
      INDArray za = z.get(all(), interval(0, h));
      INDArray zf = z.get(all(), interval(h, 2 * h));
      INDArray zo = z.get(all(), interval(2 * h, 3 * h));
      INDArray zg = z.get(all(), interval(3 * h, 4 * h));
      if (peepholes && cPrev != null) {
        zf.addi(cPrev.mulRowVector(pf));
        zg.addi(cPrev.mulRowVector(pg));
      }
      INDArray a = act.getActivation(za.dup('c'), true);
      INDArray f = gate.getActivation(zf.dup('c'), true);
      INDArray g = gate.getActivation(zg.dup('c'), true);
      INDArray c = g.mul(a);
      if (cPrev != null) {
        c.addi(f.mul(cPrev));
      }
      if (peepholes) {
        zo.addi(c.mulRowVector(po));
      }
      INDArray o = gate.getActivation(zo.dup('c'), true);
      INDArray cellActivation = act.getActivation(c.dup('c'), true);
      INDArray hidden = cellActivation.mul(o);
      if (mask != null) {
        INDArray column = mask.getColumn(t, true).castTo(type);
        hidden.muliColumnVector(column);
        c.muliColumnVector(column);
      }
      forward[t] = new Step(z, a, f, o, g, c, cellActivation);
      output.get(all(), all(), point(t)).assign(hidden);
      if (t + 1 < time) {
        previous.get(all(), point(t + 1), all()).assign(hidden);
      }
      hPrev = hidden;
      cPrev = c;
    }
    return new LstmPass(site, config, peepholes, peepholes, mask, steps, previous, forward, output);
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
    delta = Nd4j.create(type, batch, time, 4L * h);
    INDArray pf = null;
    INDArray po = null;
    INDArray pg = null;
    if (peepholes) {
      pf = recurrent.get(all(), point(4L * h)).dup().reshape(1, h);
      po = recurrent.get(all(), point(4L * h + 1)).dup().reshape(1, h);
      pg = recurrent.get(all(), point(4L * h + 2)).dup().reshape(1, h);
      peepholeGradients = Nd4j.zeros(type, batch, 3L * h);
    }
    INDArray next = null; // d_{t+1}, [B, 4H]
    INDArray cellNext = null; // dc_{t+1}
    for (int t = time - 1; t >= 0; t--) {
      Step s = forward[t];
      INDArray cellPrev = t > 0 ? forward[t - 1].cell() : null;
      INDArray dc = Nd4j.zeros(type, batch, h);
      if (peepholes && next != null) {
        dc.addi(next.get(all(), interval(h, 2 * h)).mulRowVector(pf));
        dc.addi(next.get(all(), interval(3 * h, 4 * h)).mulRowVector(pg));
      }
      INDArray dh = epsilon.get(all(), all(), point(t)).dup('c');
      if (next != null) {
        Nd4j.gemm(next, recurrentGates, dh, false, true, 1.0, 1.0);
      }
      INDArray dO =
          gateBackprop(s.z().get(all(), interval(2 * h, 3 * h)), s.o(), dh.mul(s.cellActivation()));
      dc.addi(activation.backprop(s.cell().dup('c'), s.o().mul(dh)).getFirst());
      if (peepholes) {
        dc.addi(dO.mulRowVector(po));
      }
      if (cellNext != null) {
        dc.addi(forward[t + 1].f().mul(cellNext));
      }
      cellNext = dc;
      INDArray dF =
          cellPrev == null
              ? Nd4j.zeros(type, batch, h)
              : gateBackprop(s.z().get(all(), interval(h, 2 * h)), s.f(), dc.mul(cellPrev));
      INDArray dG = gateBackprop(s.z().get(all(), interval(3 * h, 4 * h)), s.g(), dc.mul(s.a()));
      INDArray dA =
          activation.backprop(s.z().get(all(), interval(0, h)).dup('c'), dc.mul(s.g())).getFirst();
      INDArray d = Nd4j.concat(1, dA, dF, dO, dG);
      if (maskedBackward && mask != null) {
        d.muliColumnVector(mask.getColumn(t, true).castTo(type));
      }
      delta.get(all(), point(t), all()).assign(d);
      if (peepholes) {
        INDArray maskedF = d.get(all(), interval(h, 2 * h));
        INDArray maskedO = d.get(all(), interval(2 * h, 3 * h));
        INDArray maskedG = d.get(all(), interval(3 * h, 4 * h));
        if (cellPrev != null) {
          peepholeGradients.get(all(), interval(0, h)).addi(maskedF.mul(cellPrev));
          peepholeGradients.get(all(), interval(2 * h, 3 * h)).addi(maskedG.mul(cellPrev));
        }
        peepholeGradients.get(all(), interval(h, 2 * h)).addi(maskedO.mul(s.cell()));
      }
      next = d;
    }
    if (!inputGradientNeeded) {
      return null;
    }
    long nIn = weights.size(0);
    INDArray rows =
        Nd4j.gemm(
            delta.reshape('c', (long) batch * time, 4L * h),
            weights,
            Nd4j.createUninitialized(type, (long) batch * time, nIn),
            false,
            true,
            1.0,
            0.0);
    return rows.reshape('c', batch, time, nIn).permute(0, 2, 1);
  }

  /** {@code gate'(z) * gradient}, from the activation {@code a = gate(z)} for a sigmoid gate. */
  private INDArray gateBackprop(INDArray z, INDArray a, INDArray gradient) {
    if (gate instanceof ActivationSigmoid) {
      return gradient.muli(a.rsub(1.0).muli(a));
    }
    return gate.backprop(z.dup('c'), gradient).getFirst();
  }

  @Override
  public void addSquaredNorms(double[] squaredNorms) {
    SequenceAffine.addSquaredNorms(steps, delta, true, squaredNorms);
    SequenceAffine.addSquaredNorms(previous, delta, false, squaredNorms);
    if (peepholes) {
      double[] peep = RowNorms.squared(peepholeGradients);
      for (int i = 0; i < squaredNorms.length; i++) {
        squaredNorms[i] += peep[i];
      }
    }
  }

  @Override
  public long addClippedSum(ClipFactors clip, INDArray sum) {
    INDArray params = site.parameters();
    long h = recurrent.size(0);
    long written =
        SequenceAffine.addClippedSum(
            steps,
            delta,
            clip,
            ParameterBlocks.matrix(sum, params, weights),
            ParameterBlocks.vector(sum, params, bias));
    long offset = ParameterBlocks.offsetIn(params, recurrent);
    Checks.require(recurrent.ordering() == 'f', "RW.ordering()", "'f'", recurrent.ordering());
    INDArray gateBlock =
        Nd4j.create(sum.data(), new long[] {h, 4 * h}, new long[] {1, h}, offset, 'f');
    written += SequenceAffine.addClippedSum(previous, delta, clip, gateBlock, null);
    if (peepholes) {
      INDArray scaled = peepholeGradients.dup('c');
      clip.zeroSkippedRows(scaled);
      scaled.muliColumnVector(clip.column(site.dataType()));
      INDArray columns = scaled.sum(0).castTo(DataType.FLOAT);
      INDArray block =
          Nd4j.create(sum.data(), new long[] {3 * h}, new long[] {1}, offset + 4 * h * h, 'c');
      block.assign(columns);
      written += 3 * h;
    }
    return written;
  }
}
