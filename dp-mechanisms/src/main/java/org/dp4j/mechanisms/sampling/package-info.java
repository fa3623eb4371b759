/**
 * Exact samplers for integer-valued noise, following Canonne, Kamath &amp; Steinke (2020), "The
 * Discrete Gaussian for Differential Privacy", Algorithms 1-3: every random decision is a
 * comparison of uniform integers, so the output distribution is exactly the stated one (no floating
 * point is involved). They are the building blocks of the floating-point-safe mechanisms in {@code
 * org.dp4j.mechanisms}.
 */
package org.dp4j.mechanisms.sampling;
