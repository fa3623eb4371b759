package org.dp4j.mechanisms.bulk;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/** The choice of fast pass and the self-test that guards it. */
class FastPassesTest {

  @Test
  void theScalarPassAgreesWithItself() {
    assertTrue(FastPasses.agreesWithScalar(ScalarFastPass.INSTANCE));
  }

  @Test
  void theVectorPassLoadsAndAgreesWhereTheModuleIsPresent() {
    // The test JVM runs with --add-modules jdk.incubator.vector (the parent POM's argLine); on a
    // CPU with 8 or more float lanes the vector pass must load and pass the self-test.
    assumeTrue(
        ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
        "needs --add-modules jdk.incubator.vector");
    assumeTrue(
        jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length() >= 8,
        "a CPU with fewer than 8 float lanes gets no vector pass");
    ZigguratFastPass vector = FastPasses.vectorIfAvailable();
    assertNotNull(vector);
    assertTrue(FastPasses.agreesWithScalar(vector));
  }

  @Test
  void theSelfTestRejectsAPassThatDiffersInOneUlpOrOneMaskBit() {
    ZigguratFastPass oneUlpHigh =
        (words, n, k, widths, values, start, masks, scratch) -> {
          ScalarFastPass.INSTANCE.run(words, n, k, widths, values, start, masks, scratch);
          values[start + n / 2] = Math.nextUp(values[start + n / 2]);
        };
    ZigguratFastPass oneBitFlipped =
        (words, n, k, widths, values, start, masks, scratch) -> {
          ScalarFastPass.INSTANCE.run(words, n, k, widths, values, start, masks, scratch);
          masks[1] ^= 1 << 7;
        };
    ZigguratFastPass throwing =
        (words, n, k, widths, values, start, masks, scratch) -> {
          throw new UnsupportedOperationException("a Vector API method this JDK lacks");
        };
    assertFalse(FastPasses.agreesWithScalar(oneUlpHigh));
    assertFalse(FastPasses.agreesWithScalar(oneBitFlipped));
    assertThrows(
        UnsupportedOperationException.class,
        () -> FastPasses.agreesWithScalar(throwing),
        "vectorIfAvailable catches it");
  }
}
