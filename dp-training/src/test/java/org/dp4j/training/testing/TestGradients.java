package org.dp4j.training.testing;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Seeded per-example gradient matrices for tests (never java.util.Random, never Nd4j.getRandom).
 */
public final class TestGradients {

  private TestGradients() {}

  /**
   * A {@code [batch, params]} matrix whose rows have L2 norms spread log-uniformly over {@code
   * [clipNorm / 10, clipNorm * 10]}, so about half of them lie inside the ball.
   */
  public static float[][] rows(long seed, int batch, int params, double clipNorm) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] rows = new float[batch][params];
    for (int i = 0; i < batch; i++) {
      double norm = 0;
      double[] raw = new double[params];
      for (int j = 0; j < params; j++) {
        raw[j] = gaussian(random);
        norm += raw[j] * raw[j];
      }
      norm = Math.sqrt(norm);
      double target = clipNorm * Math.pow(10, 2 * random.nextDouble() - 1);
      for (int j = 0; j < params; j++) {
        rows[i][j] = (float) (raw[j] / norm * target);
      }
    }
    return rows;
  }

  /** A standard normal variate by Box-Muller from the given generator. */
  public static double gaussian(SplittableRandom random) {
    double u = 1.0 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  /** The rows as a {@code 'c'}-order float matrix. */
  public static INDArray matrix(float[][] rows) {
    return Nd4j.createFromArray(rows);
  }

  /** The L2 norm of a row, in double. */
  public static double norm(float[] row) {
    double s = 0;
    for (float v : row) {
      s += (double) v * v;
    }
    return Math.sqrt(s);
  }

  /** The flattened {@code [1, P]} host contents of a float array. */
  public static float[] values(INDArray array) {
    return array.dup('c').data().asFloat();
  }
}
