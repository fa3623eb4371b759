/**
 * Checks that a {@code MultiLayerNetwork} can be trained with DP-SGD: no layer may mix the examples
 * of a batch (the per-example sensitivity bound would not hold), and nothing DP-SGD does not apply
 * (regularization) may be configured silently.
 */
package org.dp4j.dl4j.validation;
