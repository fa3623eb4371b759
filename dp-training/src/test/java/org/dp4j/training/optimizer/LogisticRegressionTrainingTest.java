package org.dp4j.training.optimizer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.training.clipping.PerExampleGradients;
import org.dp4j.training.config.DpSgdConfig;
import org.dp4j.training.noise.GaussianTensorNoise;
import org.dp4j.training.sampling.PoissonBatchSampler;
import org.dp4j.training.testing.TestGradients;
import org.dp4j.training.testing.ZcdpTestAccountant;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/** End to end: DP-SGD with Poisson batches trains a logistic regression on separable data. */
class LogisticRegressionTrainingTest {

  private static final int N = 2000;
  private static final int D = 10;

  @Test
  void privateTrainingLearnsASeparableProblem() {
    SplittableRandom random = new SplittableRandom(2024);
    float[][] x = new float[N][D];
    float[] y = new float[N];
    double[] truth = new double[D];
    for (int j = 0; j < D; j++) {
      truth[j] = TestGradients.gaussian(random);
    }
    for (int i = 0; i < N; i++) {
      double dot = 0;
      for (int j = 0; j < D; j++) {
        x[i][j] = (float) TestGradients.gaussian(random);
        dot += truth[j] * x[i][j];
      }
      y[i] = dot > 0 ? 1f : 0f;
    }
    PrivacyFilter filter =
        PrivacyFilter.limited(new ZcdpTestAccountant(), PrivacyBudget.approximate(1e6, 1e-5));
    DpSgdConfig config =
        DpSgdConfig.builder()
            .clipNorm(1.0)
            .noiseMultiplier(1.0)
            .targetDelta(1e-5)
            .datasetSize(N)
            .samplingRate(0.05)
            .plannedSteps(300)
            .accountant(ZcdpTestAccountant::new)
            .filter(filter)
            .build();
    DpSgdOptimizer optimizer =
        DpSgdOptimizer.wrap(new Sgd(0.5), config, GaussianTensorNoise.seededNotPrivate(7));
    PoissonBatchSampler sampler = PoissonBatchSampler.of(N, 0.05, new SplittableRandom(8));
    INDArray w = Nd4j.create(DataType.FLOAT, 1, D);
    double before = accuracy(w, x, y);
    for (int step = 0; step < 300; step++) {
      int[] batch = sampler.nextBatch();
      float[] weights = TestGradients.values(w);
      float[][] grads = new float[batch.length][D];
      for (int b = 0; b < batch.length; b++) {
        float[] xi = x[batch[b]];
        double dot = 0;
        for (int j = 0; j < D; j++) {
          dot += weights[j] * xi[j];
        }
        double residual = 1 / (1 + Math.exp(-dot)) - y[batch[b]];
        for (int j = 0; j < D; j++) {
          grads[b][j] = (float) (residual * xi[j]); // gradient of the log loss
        }
      }
      INDArray matrix =
          batch.length == 0 ? Nd4j.create(DataType.FLOAT, 0, D) : TestGradients.matrix(grads);
      optimizer.step(w, PerExampleGradients.ofMatrix(matrix));
    }
    double after = accuracy(w, x, y);
    assertTrue(before <= 0.6 && after >= 0.9, "accuracy " + before + " -> " + after);
    assertTrue(optimizer.stepsTaken() == 300 && filter.operationCount() == 300);
  }

  private static double accuracy(INDArray w, float[][] x, float[] y) {
    float[] weights = TestGradients.values(w);
    int correct = 0;
    for (int i = 0; i < x.length; i++) {
      double dot = 0;
      for (int j = 0; j < D; j++) {
        dot += weights[j] * x[i][j];
      }
      correct += (dot > 0) == (y[i] == 1f) ? 1 : 0;
    }
    return (double) correct / x.length;
  }
}
