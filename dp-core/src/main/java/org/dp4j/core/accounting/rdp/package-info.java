/**
 * Renyi-DP and zero-concentrated-DP accountants.
 *
 * <p>{@link org.dp4j.core.accounting.rdp.RdpAccountant} tracks an upper bound on the Renyi
 * divergence at a grid of orders (Mironov 2017) and is the accountant of choice for DP-SGD: it
 * analyses the Poisson-subsampled Gaussian mechanism exactly (Mironov, Talwar &amp; Zhang 2019).
 * {@link org.dp4j.core.accounting.rdp.ZcdpAccountant} tracks a single rho (Bun &amp; Steinke 2016)
 * and converts with a continuous order. Both convert to (epsilon, delta) with the bound of Canonne,
 * Kamath &amp; Steinke 2020, Prop. 12, and round pessimistically. See {@code
 * docs/accounting-rdp.md}.
 */
package org.dp4j.core.accounting.rdp;
