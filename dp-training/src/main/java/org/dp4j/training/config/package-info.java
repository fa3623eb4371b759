/**
 * DP-SGD configuration: {@link org.dp4j.training.config.DpSgdConfig} (clipping, noise multiplier or
 * target budget, sampling, accountant, relation) and the {@link
 * org.dp4j.training.config.PrivacyStatement} it supports.
 */
package org.dp4j.training.config;
