/**
 * Privacy values shared by every dp4j module: {@link org.dp4j.core.PrivacyBudget} and the {@link
 * org.dp4j.core.NeighbouringRelation} under which a guarantee is stated.
 *
 * <p>Sub-packages: {@code event} (the immutable, sealed privacy-event algebra), {@code accounting}
 * (accountants that compose events into an (epsilon, delta) guarantee), {@code calibration} (noise
 * for a target guarantee). {@code internal} is not public API.
 */
package org.dp4j.core;
