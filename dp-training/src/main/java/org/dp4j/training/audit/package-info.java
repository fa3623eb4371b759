/**
 * One-run privacy auditing of DP-SGD (Steinke, Nasr &amp; Jagielski 2023, "Privacy Auditing with
 * One (1) Training Run"): canaries, each included independently with probability 1/2, are trained
 * on once with the real pipeline, scored, and the correct guesses of their inclusion are turned
 * into an empirical lower bound on epsilon at a stated confidence ({@link
 * org.dp4j.training.audit.OneRunEpsilonBound}), and into a test of the run's whole claimed
 * trade-off curve ({@link org.dp4j.training.audit.OneRunFdpTest}, Mahloujifar, Melis &amp;
 * Chaudhuri 2025). A bound above the claimed epsilon proves a privacy bug; a bound below it proves
 * nothing more than what this audit's canaries can see.
 *
 * <p>{@link org.dp4j.training.audit.GradientCanaries} audits any {@code DpSgdOptimizer} with
 * white-box gradient canaries; dp-dl4j's {@code org.dp4j.dl4j.audit} audits a Deeplearning4j
 * training run with gradient or input canaries. {@link org.dp4j.training.audit.UnderstatedNoise} is
 * a deliberate fault for demonstrating the audit, never for training.
 */
package org.dp4j.training.audit;
