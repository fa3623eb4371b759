package org.dp4j.training.audit;

/**
 * What the f-DP analysis of an audit found ({@link OneRunFdpTest}, Mahloujifar, Melis &amp;
 * Chaudhuri 2025), at the audit's confidence, with the same guess rule as the (epsilon, delta)
 * bound.
 *
 * <p>{@code rejectsClaimedCurve} is a rigorous test of the run's whole claimed trade-off curve:
 * true proves (at the confidence) that the run is less private than the mechanism its accountant
 * analysed. {@code noiseMultiplierBound} and {@code epsilonWithinDpSgd} place the run among DP-SGD
 * runs with the same sampling rate and steps: the run is less private than DP-SGD with noise
 * multiplier {@code noiseMultiplierBound} (and so than every larger multiplier), whose epsilon at
 * the claim's delta is {@code epsilonWithinDpSgd}; the claimed curve is rejected exactly when that
 * multiplier is at most the run's. That epsilon is a lower bound on the run's epsilon only for runs
 * whose trade-off curve is a DP-SGD curve; it is not a bound on epsilon in general (the (epsilon,
 * delta) bound of {@link AuditResult#epsilonLowerBound()} is).
 *
 * @param rejectsClaimedCurve whether the counts reject the claimed curve
 * @param noiseMultiplierBound the smallest noise multiplier found whose DP-SGD curve is rejected
 *     (all larger ones are too), within 1% relative; {@code +Infinity} when none was
 * @param epsilonWithinDpSgd the claimed epsilon, at the claim's delta, of DP-SGD with {@code
 *     noiseMultiplierBound}; 0 when no curve was rejected
 */
public record FdpFinding(
    boolean rejectsClaimedCurve, double noiseMultiplierBound, double epsilonWithinDpSgd) {}
