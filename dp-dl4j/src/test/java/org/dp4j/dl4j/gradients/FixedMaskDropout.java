package org.dp4j.dl4j.gradients;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inverted dropout with fixed per-example masks, for comparing the batched rules with the
 * batch-of-one loop on identical masks: example {@code k} of a batch of {@code batch} always gets
 * mask {@code k} (seeded Bernoulli({@code retain}) entries, scaled by {@code 1/retain}). A batch of
 * {@code batch} rows gets masks {@code 0..batch-1}; batches of one row (the loop) get them in turn,
 * and a repeated call on the same row (DL4J re-applying it) the same one. Stateful: one instance
 * per layer; {@link #clone()} returns this instance, so that a layer's copies share the masks.
 */
final class FixedMaskDropout implements PerExampleDropout {

  private static final long serialVersionUID = 1L;

  private final long seed;
  private final double retain;
  private final int batch;
  private final List<INDArray> masks = new ArrayList<>();
  private transient long calls;
  private transient INDArray lastInput;
  private transient INDArray lastMask;

  FixedMaskDropout(long seed, double retain, int batch) {
    this.seed = seed;
    this.retain = retain;
    this.batch = batch;
  }

  @Override
  public INDArray applyDropout(
      INDArray input, INDArray result, int iteration, int epoch, LayerWorkspaceMgr workspaces) {
    long rows = input.size(0);
    INDArray mask;
    if (rows == batch) {
      INDArray[] all = new INDArray[batch];
      for (int k = 0; k < batch; k++) {
        all[k] = mask(k, input.shape());
      }
      mask = Nd4j.concat(0, all);
    } else if (rows == 1) {
      if (lastInput == null || !lastInput.equals(input)) {
        lastMask = mask((int) (calls++ % batch), input.shape());
      }
      mask = lastMask;
    } else {
      throw new IllegalStateException("a batch of " + rows + " rows, expected 1 or " + batch);
    }
    // Kept across DL4J's workspace scopes: outside any workspace.
    lastInput = input.detach();
    lastMask = mask.detach();
    return result.assign(input.mul(mask.castTo(input.dataType())));
  }

  @Override
  public INDArray backprop(INDArray gradAtOutput, INDArray gradAtInput, int iteration, int epoch) {
    return gradAtInput.assign(gradAtOutput.mul(lastMask.castTo(gradAtOutput.dataType())));
  }

  /** Mask {@code k}, {@code [1, ...]} of the per-example shape of {@code shape}. */
  private INDArray mask(int k, long[] shape) {
    while (masks.size() <= k) {
      masks.add(null);
    }
    long[] one = shape.clone();
    one[0] = 1;
    INDArray kept = masks.get(k);
    if (kept == null || !Arrays.equals(kept.shape(), one)) {
      SplittableRandom random = new SplittableRandom(seed * 1_000_003L + k);
      long length = 1;
      for (long d : one) {
        length *= d;
      }
      float[] values = new float[(int) length];
      for (int j = 0; j < values.length; j++) {
        values[j] = random.nextDouble() < retain ? (float) (1 / retain) : 0f;
      }
      try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
        kept = Nd4j.createFromArray(values).reshape('c', one);
      }
      masks.set(k, kept);
    }
    return kept;
  }

  @Override
  public void clear() {}

  @Override
  public IDropout clone() {
    return this;
  }
}
