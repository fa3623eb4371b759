/**
 * Small datasets embedded in the jar for examples, demos and tests: {@link
 * org.dp4j.training.data.Digits}, the 8x8 handwritten digits (UCI, CC BY 4.0), as ND4J {@code
 * DataSet}s.
 */
package org.dp4j.training.data;
