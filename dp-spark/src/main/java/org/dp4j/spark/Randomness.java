package org.dp4j.spark;

import java.io.Serializable;
import org.dp4j.spark.internal.RandomnessMode;

/**
 * Where a {@link DpAggregation} draws its randomness. The default, {@link #secure()}, is the only
 * private choice; the other two are <b>NOT PRIVATE</b> and exist only so that tests can reproduce a
 * run exactly or look at the bounded aggregates without noise.
 */
public final class Randomness implements Serializable {

  private static final long serialVersionUID = 1L;

  private static final Randomness SECURE = new Randomness(RandomnessMode.SECURE, 0);

  /** Secure, seeded or seeded without noise. */
  private final RandomnessMode mode;

  /** The seed of the two NOT PRIVATE modes; 0 for the secure one. */
  private final long seed;

  private Randomness(RandomnessMode mode, long seed) {
    this.mode = mode;
    this.seed = seed;
  }

  /**
   * Private randomness (the default): every task adds noise from its own AES-CTR generator keyed
   * from the executor's operating-system entropy ({@code AesCtrRandom.fromOperatingSystem()}); no
   * noise seed exists anywhere, least of all on the driver. Contribution bounding chooses rows and
   * groups with a PRF under a fresh 128-bit key from the driver's {@code SecureRandom}.
   *
   * @return the private randomness
   */
  public static Randomness secure() {
    return SECURE;
  }

  /**
   * <b>NOT PRIVATE.</b> Bounding and noise derived from {@code seed} (noise from the seeded test
   * generator of dp-mechanisms, on a single partition in group order), so that a run can be
   * repeated exactly. Anyone who knows the seed can subtract the noise. For tests only; the result
   * says {@code NOT PRIVATE} in its statement.
   *
   * @param seed any value
   * @return the seeded mode
   */
  public static Randomness notPrivateSeeded(long seed) {
    return new Randomness(RandomnessMode.SEEDED, seed);
  }

  /**
   * <b>NOT PRIVATE.</b> Seeded contribution bounding and <em>no noise at all</em>: the released
   * values are the exact bounded aggregates, every group with at least one unit (or every public
   * group) is released, and quantiles are the best candidate. For testing contribution bounding and
   * aggregation only.
   *
   * @param seed seeds the bounding choices
   * @return the noiseless mode
   */
  public static Randomness notPrivateWithoutNoise(long seed) {
    return new Randomness(RandomnessMode.SEEDED_WITHOUT_NOISE, seed);
  }

  /** {@return whether this is the private default} */
  public boolean isPrivate() {
    return mode == RandomnessMode.SECURE;
  }

  RandomnessMode mode() {
    return mode;
  }

  long seed() {
    return seed;
  }

  @Override
  public String toString() {
    return switch (mode) {
      case SECURE -> "secure";
      case SEEDED -> "NOT PRIVATE: seeded (" + seed + ")";
      case SEEDED_WITHOUT_NOISE -> "NOT PRIVATE: no noise, seeded bounding (" + seed + ")";
    };
  }
}
