/**
 * The DP-SGD step: {@link org.dp4j.training.optimizer.DpSgdOptimizer} wraps an ND4J {@code
 * IUpdater} and charges every step to a {@link org.dp4j.core.budget.PrivacyFilter} before the
 * update is applied; {@link org.dp4j.training.optimizer.DpSgdCheckpoint} saves and restores it so a
 * resumed run accounts each step exactly once.
 */
package org.dp4j.training.optimizer;
