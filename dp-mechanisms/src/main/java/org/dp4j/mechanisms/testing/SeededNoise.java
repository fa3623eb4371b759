package org.dp4j.mechanisms.testing;

import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.mechanisms.bulk.BulkNoise;

/**
 * <b>NOT PRIVATE.</b> Seeded, reproducible, fast randomness for tests and benchmarks only.
 *
 * <p>The generator is Commons RNG's xoshiro256++ (Blackman &amp; Vigna 2018): statistically
 * excellent and about ten times faster than the secure default, but its whole future and past
 * follow from its 256-bit state, and that state follows from the seed. Noise drawn from it can be
 * subtracted by anyone who knows the seed, and the state can be recovered from a few outputs.
 * Outputs computed with these sources carry <b>no differential-privacy guarantee</b>, whatever
 * privacy event a mechanism reports.
 *
 * <p>For real releases use the no-source factories ({@code BulkNoise.secure()}, {@code
 * LaplaceMechanism.of(...)}), which draw from {@link org.dp4j.mechanisms.random.AesCtrRandom}.
 */
public final class SeededNoise {

  private SeededNoise() {}

  /**
   * <b>Not private.</b> A seeded uniform source (xoshiro256++), for reproducible tests: the same
   * stream as Commons RNG's {@code RandomSource.XO_SHI_RO_256_PP.create(seed)}, and a {@link
   * org.dp4j.mechanisms.random.WordBlockSource} so that bulk noise fills its blocks of random words
   * with the generator's state in registers.
   *
   * @param seed any value; equal seeds give equal streams
   * @return a new generator
   */
  public static UniformRandomProvider uniform(long seed) {
    return new SeededXoShiRo256PlusPlus(seed);
  }

  /**
   * <b>Not private.</b> Bulk noise from a seeded source, for reproducible tests and the "fast,
   * non-private" benchmarks.
   *
   * @param seed any value; equal seeds give equal noise
   * @return a new instance
   */
  public static BulkNoise bulk(long seed) {
    return BulkNoise.using(uniform(seed));
  }
}
