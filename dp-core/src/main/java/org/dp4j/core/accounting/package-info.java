/**
 * Privacy accountants: they compose {@link org.dp4j.core.event.PrivacyEvent}s and report an
 * (epsilon, delta) guarantee that is an <em>upper bound</em> on the true privacy loss.
 *
 * <p>All implement {@link org.dp4j.core.accounting.PrivacyAccountant}; choose one by type, or by
 * {@link org.dp4j.core.accounting.AccountantKind}: basic, advanced (Dwork–Rothblum–Vadhan) and
 * optimal homogeneous (Kairouz–Oh–Viswanath) composition here; Renyi DP and zCDP in {@code
 * accounting.rdp}; privacy loss distributions in {@code accounting.pld}. {@code docs/accounting.md}
 * explains which to use. Each is a final class that holds only its analysis: the entry points and
 * the walk over compositions are shared (see {@code org.dp4j.core.internal}).
 */
package org.dp4j.core.accounting;
