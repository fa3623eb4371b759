package org.dp4j.training.config;

import java.util.Locale;
import java.util.Optional;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.accounting.AccountantKind;
import org.dp4j.core.accounting.PrivacyAccountant;
import org.dp4j.core.internal.Checks;
import org.dp4j.training.sampling.SamplingScheme;

/**
 * What a DP-SGD run can claim, in numbers and in words: {@code (epsilon, delta)} after {@code
 * steps} steps, with the assumptions the claim rests on.
 *
 * <p><b>Unit of privacy.</b> One training example: the guarantee compares any two training sets
 * that differ by adding or removing one example ({@link NeighbouringRelation#ADD_OR_REMOVE_ONE}) or
 * by replacing one example ({@link NeighbouringRelation#REPLACE_ONE}). It covers everything the
 * steps release (every noisy update, hence the trained parameters). It does not cover what happens
 * around the run: hyperparameters chosen by looking at the same data, how the data were split (and
 * the seed of the split), and evaluation on validation or test data, which the guarantee does not
 * protect. {@link #text()} says so.
 *
 * @param epsilon the accountant's upper bound on epsilon at {@code delta}, in nats; may be {@code
 *     +Infinity} (no guarantee)
 * @param delta the delta the epsilon is stated at, in {@code [0, 1)}
 * @param steps the number of steps covered, {@code >= 0}
 * @param noiseMultiplier the accounted noise multiplier {@code sigma} (noise std divided by the
 *     clipped sum's L2 sensitivity)
 * @param samplingRate the Poisson sampling rate {@code q} (for shuffled batches: batch size over
 *     dataset size, for information only)
 * @param samplingScheme how batches are formed
 * @param relation the neighbouring relation of the guarantee
 * @param accountant the class of the accountant that computed {@code epsilon} (see {@link
 *     #accountantKind()})
 * @param privateNoise false when the noise came from a seeded, non-private generator
 * @param privateSampling false when the batches came from a seeded, non-private generator: the
 *     sample is then predictable and the Poisson analysis (amplification by sampling) does not
 *     hold, so the statement is no guarantee
 */
public record PrivacyStatement(
    double epsilon,
    double delta,
    long steps,
    double noiseMultiplier,
    double samplingRate,
    SamplingScheme samplingScheme,
    NeighbouringRelation relation,
    Class<? extends PrivacyAccountant> accountant,
    boolean privateNoise,
    boolean privateSampling) {

  /**
   * Validates the fields.
   *
   * @param epsilon {@code >= 0}, may be {@code +Infinity}
   * @param delta in {@code [0, 1)}
   * @param steps {@code >= 0}
   * @param noiseMultiplier finite and {@code >= 0}
   * @param samplingRate in {@code (0, 1]}
   * @param samplingScheme not null
   * @param relation not null
   * @param accountant not null
   * @param privateNoise whether the noise was private
   * @param privateSampling whether the batch sampling was private
   * @throws IllegalArgumentException when a number breaks its rule (NaN included)
   */
  public PrivacyStatement {
    Checks.nonNegative("epsilon", epsilon);
    Checks.delta("delta", delta);
    Checks.nonNegative("steps", steps);
    Checks.nonNegativeFinite("noiseMultiplier", noiseMultiplier);
    Checks.samplingRate("samplingRate", samplingRate);
    Checks.notNull("samplingScheme", samplingScheme);
    Checks.notNull("relation", relation);
    Checks.notNull("accountant", accountant);
  }

  /** {@return the kind of the accountant, or empty for a user's own accountant} */
  public Optional<AccountantKind> accountantKind() {
    return AccountantKind.ofClassName(accountant.getName());
  }

  /**
   * {@return whether the Poisson-subsampling analysis (amplification by sampling) was used} False
   * for shuffled fixed-size batches: dp4j then claims no amplification.
   */
  public boolean poissonAnalysisApplies() {
    return samplingScheme == SamplingScheme.POISSON;
  }

  /**
   * {@return whether the statement is an actual guarantee: private noise, private batch sampling
   * and a finite epsilon}
   */
  public boolean isGuarantee() {
    return privateNoise && privateSampling && Double.isFinite(epsilon);
  }

  /**
   * {@return the statement in one paragraph of English: the numbers, the unit of privacy, the
   * sampling assumption and what the guarantee does not cover}
   */
  public String text() {
    StringBuilder s = new StringBuilder();
    if (!privateNoise || !privateSampling) {
      s.append("NOT PRIVATE: ");
      if (!privateNoise) {
        s.append("the noise came from a seeded testing generator");
      }
      if (!privateSampling) {
        s.append(privateNoise ? "" : ", and ")
            .append(
                "the batches came from a seeded testing generator, so they are predictable and"
                    + " amplification by sampling does not hold");
      }
      s.append("; no guarantee holds. Had they been secure: ");
    }
    s.append(String.format(Locale.ROOT, "(epsilon = %.6g, delta = %.3g)-DP", epsilon, delta));
    s.append(" for ").append(steps).append(steps == 1 ? " step" : " steps");
    s.append(String.format(Locale.ROOT, " of DP-SGD with noise multiplier %.6g", noiseMultiplier));
    s.append(", accounted by ").append(accountant.getSimpleName()).append(". ");
    s.append("Unit of privacy: one training example (")
        .append(relationWords())
        .append(" neighbouring relation: training sets that differ by ")
        .append(relationMeaning())
        .append("). ");
    if (poissonAnalysisApplies()) {
      s.append(
          String.format(
              Locale.ROOT,
              "Assumes Poisson sampling: every record joins each batch independently with "
                  + "probability %.6g, and the sample stays secret.",
              samplingRate));
    } else {
      s.append(
          "Batches are shuffled and of fixed size, NOT Poisson-sampled: the Poisson "
              + "analysis does not apply (Chua et al. 2024), so no amplification by sampling is "
              + "claimed; each step is accounted as a full Gaussian release.");
    }
    s.append(
        " Not covered: hyperparameters chosen by looking at the same data, the split of the "
            + "data and its seed, and evaluation on validation or test data, which the guarantee "
            + "does not protect.");
    return s.toString();
  }

  private String relationWords() {
    return relation == NeighbouringRelation.ADD_OR_REMOVE_ONE ? "add-or-remove-one" : "replace-one";
  }

  private String relationMeaning() {
    return relation == NeighbouringRelation.ADD_OR_REMOVE_ONE
        ? "adding or removing one example"
        : "replacing one example with another";
  }

  @Override
  public String toString() {
    return text();
  }
}
