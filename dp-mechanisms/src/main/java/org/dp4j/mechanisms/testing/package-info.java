/**
 * <b>Not private.</b> Reproducible, fast, seeded randomness for tests, examples and benchmarks.
 * Anything created here produces outputs that anyone who knows (or guesses) the seed can recompute,
 * so "noise" from it protects nobody. Never use it for a release of real data.
 */
package org.dp4j.mechanisms.testing;
