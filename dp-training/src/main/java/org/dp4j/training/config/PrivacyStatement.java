package org.dp4j.training.config;

import java.util.Locale;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.internal.Checks;
import org.dp4j.training.sampling.SamplingScheme;

/**
 * What a DP-SGD run can claim, in numbers and in words: {@code (epsilon, delta)} after {@code
 * steps} steps, with the assumptions the claim rests on.
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
 * @param accountant the accountant's simple class name
 * @param privateNoise false when the noise came from a seeded, non-private generator
 */
public record PrivacyStatement(
    double epsilon,
    double delta,
    long steps,
    double noiseMultiplier,
    double samplingRate,
    SamplingScheme samplingScheme,
    NeighbouringRelation relation,
    String accountant,
    boolean privateNoise) {

  /** Validates the fields. */
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

  /**
   * Whether the Poisson-subsampling analysis (amplification by sampling) was used. False for
   * shuffled fixed-size batches: dp4j then claims no amplification.
   */
  public boolean poissonAnalysisApplies() {
    return samplingScheme == SamplingScheme.POISSON;
  }

  /** Whether the statement is an actual guarantee: private noise and a finite epsilon. */
  public boolean isGuarantee() {
    return privateNoise && Double.isFinite(epsilon);
  }

  /** The statement in one paragraph of English. */
  public String text() {
    StringBuilder s = new StringBuilder();
    if (!privateNoise) {
      s.append("NOT PRIVATE: the noise came from a seeded testing generator, so no guarantee "
          + "holds. Had it been secure: ");
    }
    s.append(String.format(Locale.ROOT, "(epsilon = %.6g, delta = %.3g)-DP", epsilon, delta));
    s.append(" for ").append(steps).append(steps == 1 ? " step" : " steps");
    s.append(String.format(Locale.ROOT, " of DP-SGD with noise multiplier %.6g", noiseMultiplier));
    s.append(" under the ").append(relationWords()).append(" neighbouring relation, accounted by ")
        .append(accountant).append(". ");
    if (poissonAnalysisApplies()) {
      s.append(String.format(Locale.ROOT,
          "Assumes Poisson sampling: every record joins each batch independently with "
              + "probability %.6g, and the sample stays secret.", samplingRate));
    } else {
      s.append("Batches are shuffled and of fixed size, NOT Poisson-sampled: the Poisson "
          + "analysis does not apply (Chua et al. 2024), so no amplification by sampling is "
          + "claimed; each step is accounted as a full Gaussian release.");
    }
    return s.toString();
  }

  private String relationWords() {
    return relation == NeighbouringRelation.ADD_OR_REMOVE_ONE ? "add-or-remove-one" : "replace-one";
  }

  @Override
  public String toString() {
    return text();
  }
}
