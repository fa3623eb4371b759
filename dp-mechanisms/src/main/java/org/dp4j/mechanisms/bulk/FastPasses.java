package org.dp4j.mechanisms.bulk;

import java.util.Arrays;

/**
 * Chooses the {@link ZigguratFastPass} once per JVM. The vector pass is chosen when all of these
 * hold, else the scalar pass:
 *
 * <ul>
 *   <li>the module {@code jdk.incubator.vector} is in the boot layer (the JVM was started with
 *       {@code --add-modules jdk.incubator.vector});
 *   <li>the runtime's feature version is at least {@link #MINIMUM_VECTOR_FEATURE}: on JDK 17 the
 *       Vector API's gathers are not compiled to gather instructions and the vector pass measured
 *       slower than the scalar one, on JDK 25 it measured faster (see {@code docs/benchmarks.md});
 *       releases in between have not been measured;
 *   <li>the preferred vector species has 8 or more lanes (AVX2, AVX-512 or wider);
 *   <li>on a test block the vector pass computes exactly the scalar pass's floats and masks.
 * </ul>
 *
 * <p>Both passes compute the same floats, so the choice changes speed only, never the noise a
 * seeded source produces.
 */
final class FastPasses {

  /** The first Java feature release on which the vector pass is used. */
  static final int MINIMUM_VECTOR_FEATURE = 25;

  private static final String VECTOR_MODULE = "jdk.incubator.vector";
  private static final ZigguratFastPass PREFERRED = choose();

  private FastPasses() {}

  /** The pass this JVM uses: the vector pass where it applies, else the scalar pass. */
  static ZigguratFastPass preferred() {
    return PREFERRED;
  }

  /**
   * The vector pass if the module is present, the hardware has 8 or more lanes and the pass
   * computes the scalar pass's floats and masks on a test block ({@link #agreesWithScalar}), else
   * null. The test run also catches a Vector API method that this JDK no longer has: such a method
   * fails when it is first called, not when the class loads.
   */
  static ZigguratFastPass vectorIfAvailable() {
    if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
      return null;
    }
    try {
      ZigguratFastPass vector =
          (ZigguratFastPass)
              Class.forName(FastPasses.class.getPackageName() + ".VectorFastPass")
                  .getDeclaredConstructor()
                  .newInstance();
      return agreesWithScalar(vector) ? vector : null;
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      // Too few lanes arrives as an InvocationTargetException; a missing method as a LinkageError.
      return null;
    }
  }

  /**
   * Runs {@code pass} and the scalar pass on the same pseudo-random block (a 64-bit linear
   * congruential sequence: words, thresholds in {@code [0, 2^23]}, widths of both signs, values) of
   * 3 groups and a partial group, and compares every float bit for bit and every mask word.
   */
  static boolean agreesWithScalar(ZigguratFastPass pass) {
    int n = 3 * Integer.SIZE + 7;
    long state = 0x9E3779B97F4A7C15L;
    int[] words = new int[n];
    float[] values = new float[n];
    int[] thresholds = new int[2 * FloatZiggurat.LAYERS];
    float[] widths = new float[2 * FloatZiggurat.LAYERS];
    for (int t = 0; t < thresholds.length; t++) {
      state = state * 6364136223846793005L + 1442695040888963407L;
      thresholds[t] = (int) ((state >>> 32) % ((1L << 23) + 1));
      widths[t] = (float) ((int) state) * 0x1.0p-40f;
    }
    for (int i = 0; i < n; i++) {
      state = state * 6364136223846793005L + 1442695040888963407L;
      words[i] = (int) (state >>> 32);
      values[i] = (float) ((int) state) * 0x1.0p-28f;
    }
    float[] scalarValues = values.clone();
    int[] masks = new int[(n + Integer.SIZE - 1) / Integer.SIZE];
    int[] scalarMasks = masks.clone();
    ScalarFastPass.INSTANCE.run(
        words, n, thresholds, widths, scalarValues, 0, scalarMasks, new int[n]);
    pass.run(words, n, thresholds, widths, values, 0, masks, new int[n]);
    for (int i = 0; i < n; i++) {
      if (Float.floatToRawIntBits(values[i]) != Float.floatToRawIntBits(scalarValues[i])) {
        return false;
      }
    }
    return Arrays.equals(masks, scalarMasks);
  }

  private static ZigguratFastPass choose() {
    if (Runtime.version().feature() < MINIMUM_VECTOR_FEATURE) {
      return ScalarFastPass.INSTANCE;
    }
    ZigguratFastPass vector = vectorIfAvailable();
    return vector == null ? ScalarFastPass.INSTANCE : vector;
  }
}
