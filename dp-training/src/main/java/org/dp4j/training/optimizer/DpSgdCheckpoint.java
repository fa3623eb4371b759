package org.dp4j.training.optimizer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.dp4j.core.internal.Checks;

/**
 * A snapshot of a {@link DpSgdOptimizer}: the parameters, the wrapped updater's state, the step
 * count, the current clip norm and the position in the privacy filter. Immutable (arrays are copied
 * in and out); {@link #toBytes()} and {@link #fromBytes(byte[])} give a versioned binary form.
 *
 * @param stepsTaken steps completed, {@code >= 0}
 * @param clipNorm the flat clip norm of the next step (adaptive clipping), positive
 * @param noiseMultiplier the accounted noise multiplier of the run, checked on restore
 * @param samplingRate the sampling rate of the run, checked on restore
 * @param parameters the flattened parameters ({@code 'c'} order), as doubles
 * @param parameterShape the parameters' shape
 * @param updaterState the flattened updater state view, as doubles (empty for stateless updaters)
 * @param spentEpsilon the filter's spent epsilon when the checkpoint was taken
 * @param filterOperations the filter's operation count when the checkpoint was taken
 */
public record DpSgdCheckpoint(
    long stepsTaken,
    double clipNorm,
    double noiseMultiplier,
    double samplingRate,
    double[] parameters,
    long[] parameterShape,
    double[] updaterState,
    double spentEpsilon,
    long filterOperations) {

  private static final int MAGIC = 0x44505347; // "DPSG"
  private static final int VERSION = 1;

  /**
   * Validates and copies.
   *
   * @param stepsTaken {@code >= 0}
   * @param clipNorm positive and finite
   * @param noiseMultiplier finite and {@code >= 0}
   * @param samplingRate in {@code (0, 1]}
   * @param parameters not null; copied
   * @param parameterShape not null, its product equal to {@code parameters.length}; copied
   * @param updaterState not null; copied
   * @param spentEpsilon {@code >= 0}
   * @param filterOperations {@code >= 0}
   * @throws IllegalArgumentException when a rule is broken (NaN included)
   */
  public DpSgdCheckpoint {
    Checks.nonNegative("stepsTaken", stepsTaken);
    Checks.positiveFinite("clipNorm", clipNorm);
    Checks.nonNegativeFinite("noiseMultiplier", noiseMultiplier);
    Checks.samplingRate("samplingRate", samplingRate);
    parameters = Checks.notNull("parameters", parameters).clone();
    parameterShape = Checks.notNull("parameterShape", parameterShape).clone();
    updaterState = Checks.notNull("updaterState", updaterState).clone();
    Checks.nonNegative("spentEpsilon", spentEpsilon);
    Checks.nonNegative("filterOperations", filterOperations);
    long length = 1;
    for (long d : parameterShape) {
      length *= d;
    }
    Checks.require(
        length == parameters.length,
        "parameters.length",
        "equal to the product of " + "parameterShape " + Arrays.toString(parameterShape),
        parameters.length);
  }

  /** {@return the flattened parameters ({@code 'c'} order), as doubles; a copy} */
  @Override
  public double[] parameters() {
    return parameters.clone();
  }

  /** {@return the parameters' shape; a copy} */
  @Override
  public long[] parameterShape() {
    return parameterShape.clone();
  }

  /** {@return the flattened updater state, as doubles (empty for stateless updaters); a copy} */
  @Override
  public double[] updaterState() {
    return updaterState.clone();
  }

  /**
   * {@return the checkpoint in a self-describing binary form (big-endian, with magic and version)}
   */
  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeLong(stepsTaken);
      out.writeDouble(clipNorm);
      out.writeDouble(noiseMultiplier);
      out.writeDouble(samplingRate);
      out.writeDouble(spentEpsilon);
      out.writeLong(filterOperations);
      out.writeInt(parameterShape.length);
      for (long d : parameterShape) {
        out.writeLong(d);
      }
      writeDoubles(out, parameters);
      writeDoubles(out, updaterState);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Reads {@link #toBytes()} output.
   *
   * @param bytes the serialised checkpoint
   * @return the checkpoint
   * @throws IllegalArgumentException when the bytes are not a checkpoint of a known version, are
   *     truncated or hold invalid values
   */
  public static DpSgdCheckpoint fromBytes(byte[] bytes) {
    Checks.notNull("bytes", bytes);
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int magic = in.readInt();
      Checks.require(
          magic == MAGIC,
          "checkpoint magic",
          "0x" + Integer.toHexString(MAGIC),
          "0x" + Integer.toHexString(magic));
      int version = in.readInt();
      Checks.require(version == VERSION, "checkpoint version", String.valueOf(VERSION), version);
      long steps = in.readLong();
      double clip = in.readDouble();
      double sigma = in.readDouble();
      double rate = in.readDouble();
      double spent = in.readDouble();
      long operations = in.readLong();
      int rank = in.readInt();
      Checks.require(rank >= 0 && rank <= 32, "checkpoint rank", "in [0, 32]", rank);
      long[] shape = new long[rank];
      for (int i = 0; i < rank; i++) {
        shape[i] = in.readLong();
      }
      double[] params = readDoubles(in, bytes.length);
      double[] state = readDoubles(in, bytes.length);
      Checks.require(in.read() == -1, "checkpoint", "fully consumed", "trailing bytes");
      return new DpSgdCheckpoint(steps, clip, sigma, rate, params, shape, state, spent, operations);
    } catch (IOException e) {
      throw new IllegalArgumentException("checkpoint must be complete, got a truncated one", e);
    }
  }

  private static void writeDoubles(DataOutputStream out, double[] values) throws IOException {
    out.writeInt(values.length);
    for (double v : values) {
      out.writeDouble(v);
    }
  }

  private static double[] readDoubles(DataInputStream in, int available) throws IOException {
    int n = in.readInt();
    Checks.require(
        n >= 0 && n <= available / 8,
        "checkpoint array length",
        "in [0, " + available / 8 + "]",
        n);
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = in.readDouble();
    }
    return values;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DpSgdCheckpoint c
        && stepsTaken == c.stepsTaken
        && Double.compare(clipNorm, c.clipNorm) == 0
        && Double.compare(noiseMultiplier, c.noiseMultiplier) == 0
        && Double.compare(samplingRate, c.samplingRate) == 0
        && Arrays.equals(parameters, c.parameters)
        && Arrays.equals(parameterShape, c.parameterShape)
        && Arrays.equals(updaterState, c.updaterState)
        && Double.compare(spentEpsilon, c.spentEpsilon) == 0
        && filterOperations == c.filterOperations;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(stepsTaken) * 31 + Arrays.hashCode(parameters);
  }

  @Override
  public String toString() {
    return "DpSgdCheckpoint[stepsTaken="
        + stepsTaken
        + ", clipNorm="
        + clipNorm
        + ", parameters="
        + parameters.length
        + ", updaterState="
        + updaterState.length
        + ", spentEpsilon="
        + spentEpsilon
        + ", filterOperations="
        + filterOperations
        + "]";
  }
}
