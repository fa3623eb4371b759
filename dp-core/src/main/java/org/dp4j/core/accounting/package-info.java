/**
 * Privacy accountants: they compose {@link org.dp4j.core.event.PrivacyEvent}s and report an
 * (epsilon, delta) guarantee that is an <em>upper bound</em> on the true privacy loss.
 *
 * <p>All implement {@link org.dp4j.core.accounting.PrivacyAccountant}; choose one by type: basic,
 * advanced (Dwork–Rothblum–Vadhan) and optimal homogeneous (Kairouz–Oh–Viswanath) composition here;
 * Renyi DP and zCDP in {@code accounting.rdp}; privacy loss distributions in {@code
 * accounting.pld}. {@code docs/accounting.md} explains which to use.
 */
package org.dp4j.core.accounting;
