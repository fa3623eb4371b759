/**
 * DP-SGD configuration: {@link org.dp4j.training.config.DpSgdConfig}, the one source of truth of a
 * run (clipping, target budget or noise multiplier, sampling, accountant kind, relation and the
 * budget filter derived from them), how its noise was calibrated ({@link
 * org.dp4j.training.config.Calibration}), and the {@link org.dp4j.training.config.PrivacyStatement}
 * it supports.
 */
package org.dp4j.training.config;
