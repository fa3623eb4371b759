/**
 * Privacy loss distribution (PLD) accounting: {@link org.dp4j.core.accounting.pld.PldAccountant}.
 *
 * <p>Everything else in this package is an implementation detail (package-private): dominating
 * pairs of mechanisms ({@code *LossPair}), their connect-the-dots discretisation onto a loss grid,
 * and FFT composition. See {@code docs/accounting-pld.md} for the method, its error and its cost.
 */
package org.dp4j.core.accounting.pld;
