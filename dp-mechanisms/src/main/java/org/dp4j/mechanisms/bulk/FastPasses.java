package org.dp4j.mechanisms.bulk;

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
 *   <li>the preferred vector species has 8 or more lanes (AVX2, AVX-512 or wider).
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

  /** The vector pass if the module is present and the hardware has 8 or more lanes, else null. */
  static ZigguratFastPass vectorIfAvailable() {
    if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
      return null;
    }
    try {
      return (ZigguratFastPass) Class.forName(FastPasses.class.getPackageName() + ".VectorFastPass")
          .getDeclaredConstructor()
          .newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      return null; // an UnsupportedOperationException (too few lanes) arrives wrapped, as an InvocationTargetException
    }
  }

  private static ZigguratFastPass choose() {
    if (Runtime.version().feature() < MINIMUM_VECTOR_FEATURE) {
      return ScalarFastPass.INSTANCE;
    }
    ZigguratFastPass vector = vectorIfAvailable();
    return vector == null ? ScalarFastPass.INSTANCE : vector;
  }
}
