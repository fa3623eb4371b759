package org.dp4j.examples;

import org.dp4j.core.PrivacyBudget;
import org.dp4j.training.clipping.PerExampleGradients;
import org.dp4j.training.config.DpSgdConfig;
import org.dp4j.training.data.Digits;
import org.dp4j.training.optimizer.DpSgdOptimizer;
import org.dp4j.training.sampling.PoissonBatchSampler;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * DP-SGD with dp-training on a model written directly in ND4J: softmax regression on the embedded
 * 8x8 digits. The model computes its per-example gradients; {@link DpSgdOptimizer} clips them, adds
 * Gaussian noise, charges the step to the run's budget and applies Adam. The batches are
 * Poisson-sampled from a secure source, as the accounting assumes.
 */
public final class DpSgdWithNd4j {

  private static final int WEIGHTS = Digits.FEATURES * Digits.CLASSES;
  private static final int PARAMETERS = WEIGHTS + Digits.CLASSES;

  private DpSgdWithNd4j() {}

  /**
   * Runs the example.
   *
   * @param args none
   */
  public static void main(String[] args) {
    Digits.Split data = Digits.split(0.8, 1);
    DataSet train = data.train();
    int n = train.numExamples();
    int batchSize = 64;
    int epochs = 10;
    long steps = Math.round((double) epochs * n / batchSize);

    // The run's settings, stated once: the noise is calibrated so that the planned steps spend at
    // most epsilon 3 (delta 1e-5) under the PLD accountant, and the budget refuses any step beyond.
    DpSgdConfig config =
        DpSgdConfig.builder()
            .clipNorm(1.0)
            .target(PrivacyBudget.approximate(3, 1e-5))
            .datasetSize(n)
            .expectedBatchSize(batchSize)
            .plannedSteps(steps)
            .build();
    DpSgdOptimizer optimizer = DpSgdOptimizer.wrap(new Adam(0.05), config);
    PoissonBatchSampler sampler = PoissonBatchSampler.of(n, config.samplingRate());
    System.out.printf(
        "softmax regression on %d digits: %d steps, sampling rate %.4f, noise multiplier %.4f%n",
        n, steps, config.samplingRate(), config.noiseMultiplier());

    // Parameters: a row vector, the 64x10 weights (row-major) followed by the 10 biases.
    INDArray parameters = Nd4j.zeros(DataType.FLOAT, 1, PARAMETERS);
    for (long step = 0; step < steps; step++) {
      int[] batch = sampler.nextBatch();
      optimizer.step(
          parameters, PerExampleGradients.ofMatrix(perExampleGradients(parameters, train, batch)));
    }

    System.out.printf("test accuracy %.3f (chance 0.1)%n", accuracy(parameters, data.test()));
    System.out.println(optimizer.privacyStatement().text());
  }

  /** Class probabilities, {@code [B, 10]}, of the rows of {@code x}. */
  private static INDArray probabilities(INDArray parameters, INDArray x) {
    INDArray weights =
        parameters
            .get(NDArrayIndex.point(0), NDArrayIndex.interval(0, WEIGHTS))
            .reshape('c', Digits.FEATURES, Digits.CLASSES);
    INDArray biases =
        parameters.get(NDArrayIndex.point(0), NDArrayIndex.interval(WEIGHTS, PARAMETERS));
    return Transforms.softmax(x.mmul(weights).addiRowVector(biases), false);
  }

  /**
   * The cross-entropy loss gradient of each example in {@code rows}, one row each, {@code [B,
   * 650]}: for example {@code i}, {@code x_i (p_i - y_i)^T} flattened row-major, then {@code p_i -
   * y_i}.
   */
  private static INDArray perExampleGradients(INDArray parameters, DataSet data, int[] rows) {
    if (rows.length == 0) {
      return Nd4j.create(DataType.FLOAT, 0, PARAMETERS); // an empty batch is still a step
    }
    INDArray x = data.getFeatures().getRows(rows);
    INDArray error = probabilities(parameters, x).subi(data.getLabels().getRows(rows));
    INDArray weightGradients =
        Nd4j.matmul(
                x.reshape(rows.length, Digits.FEATURES, 1),
                error.reshape(rows.length, 1, Digits.CLASSES))
            .reshape('c', rows.length, WEIGHTS);
    return Nd4j.hstack(weightGradients, error);
  }

  private static double accuracy(INDArray parameters, DataSet data) {
    INDArray predicted = probabilities(parameters, data.getFeatures()).argMax(1);
    INDArray actual = data.getLabels().argMax(1);
    return predicted.eq(actual).castTo(DataType.DOUBLE).meanNumber().doubleValue();
  }
}
