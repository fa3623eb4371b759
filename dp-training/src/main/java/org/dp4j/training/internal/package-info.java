/**
 * Host-buffer helpers shared by the dp-training packages (contiguity checks and chunked float loops
 * over ND4J host buffers) and the pessimistic clipping rule shared with dp-dl4j. <strong>Not public
 * API</strong>: anything here may change without notice.
 */
package org.dp4j.training.internal;
