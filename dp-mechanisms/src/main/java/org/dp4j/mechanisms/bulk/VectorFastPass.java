package org.dp4j.mechanisms.bulk;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast pass over whole SIMD vectors with the incubating Vector API (JEP 338 and its successors;
 * module {@code jdk.incubator.vector}): the thresholds and widths are gathered by table index, the
 * inner-rectangle test becomes a lane mask, the candidate is added under that mask, and the mask's
 * complement gives the slow bits. The arithmetic is that of {@link ScalarFastPass} lane by lane (an
 * exact int-to-float conversion, one float product, one float sum; lanes outside the mask are left
 * untouched), so both produce the same floats. Words past the last whole group of 32 go through the
 * scalar pass.
 *
 * <p>Loaded only by reflection from {@link FastPasses}, so that a JVM without the module never
 * links it. The constructor refuses a preferred species of fewer than 8 lanes, or int and float
 * species of different lengths.
 */
final class VectorFastPass implements ZigguratFastPass {

  private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;

  VectorFastPass() {
    int lanes = INTS.length();
    if (lanes < 8 || lanes > Integer.SIZE || FLOATS.length() != lanes) {
      throw new UnsupportedOperationException(
          "preferred vector species must have 8 to 32 lanes for"
              + " both int and float, got "
              + lanes
              + " int and "
              + FLOATS.length()
              + " float lanes");
    }
  }

  @Override
  public String toString() {
    return "vector fast pass (" + INTS.length() + " lanes)";
  }

  @Override
  public void run(
      int[] words,
      int n,
      int[] thresholds,
      float[] widths,
      float[] values,
      int start,
      int[] slowMasks,
      int[] tableIndices) {
    int lanes = INTS.length();
    int vectorEnd = n & -Integer.SIZE;
    for (int i = 0; i < vectorEnd; i += lanes) {
      IntVector.fromArray(INTS, words, i).and(FloatZiggurat.TABLE_MASK).intoArray(tableIndices, i);
    }
    for (int group = 0; group < vectorEnd; group += Integer.SIZE) {
      int slow = 0;
      for (int lane = 0; lane < Integer.SIZE; lane += lanes) {
        int i = group + lane;
        IntVector odd =
            IntVector.fromArray(INTS, words, i)
                .lanewise(VectorOperators.LSHR, FloatZiggurat.VALUE_SHIFT)
                .or(1);
        VectorMask<Integer> inside =
            odd.lt(IntVector.fromArray(INTS, thresholds, 0, tableIndices, i));
        FloatVector candidate =
            ((FloatVector) odd.convert(VectorOperators.I2F, 0))
                .mul(FloatVector.fromArray(FLOATS, widths, 0, tableIndices, i));
        FloatVector.fromArray(FLOATS, values, start + i)
            .add(candidate, inside.cast(FLOATS))
            .intoArray(values, start + i);
        slow |= (int) inside.not().toLong() << lane;
      }
      slowMasks[group >>> 5] = slow;
    }
    ScalarFastPass.runFrom(vectorEnd, words, n, thresholds, widths, values, start, slowMasks);
  }
}
