/**
 * Private selection and local randomisation: the exponential mechanism, permute-and-flip and k-ary
 * randomized response. All random decisions use exact Bernoulli trials ({@link
 * org.dp4j.mechanisms.sampling.ExactBernoulli}), so no floating-point sampling error can shift the
 * selection probabilities (Ilvento 2020, "Implementing the exponential mechanism with base-2
 * differential privacy", shows how naive floating-point sampling breaks the exponential mechanism).
 */
package org.dp4j.mechanisms.selection;
