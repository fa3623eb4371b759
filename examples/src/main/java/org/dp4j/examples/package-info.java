/**
 * Small, complete programs that use dp4j through its published artifacts: {@link
 * org.dp4j.examples.AccountingAndCalibration}, {@link org.dp4j.examples.BudgetWithLedger}, {@link
 * org.dp4j.examples.Mechanisms}, {@link org.dp4j.examples.DpSgdWithNd4j}, {@link
 * org.dp4j.examples.PrivateDl4jTraining} and {@link org.dp4j.examples.SparkAggregation}.
 */
package org.dp4j.examples;
