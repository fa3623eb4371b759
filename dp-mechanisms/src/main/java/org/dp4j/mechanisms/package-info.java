/**
 * Noise mechanisms: secure uniform sources, exact samplers, floating-point-safe Laplace and
 * Gaussian mechanisms, bounded aggregations and bulk noise for the DP-SGD hot path.
 */
package org.dp4j.mechanisms;
