package org.dp4j.core.accounting.rdp;

/**
 * An epsilon certified by an RDP accountant together with the Renyi order that attains it, for
 * reports such as "epsilon = 2.16 at order 14".
 *
 * @param epsilon the certified epsilon, {@code >= 0}, or {@code +Infinity} when no order certifies
 *     a finite one
 * @param order the Renyi order that attains {@code epsilon}; {@code NaN} when epsilon is infinite.
 *     When epsilon is 0 because of the total-variation rule (see {@link RdpAccountant#epsilon}),
 *     the order whose RDP bounded the Kullback-Leibler divergence.
 */
public record EpsilonAndOrder(double epsilon, double order) {}
