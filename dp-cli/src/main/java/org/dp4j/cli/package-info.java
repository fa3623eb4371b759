/**
 * The {@code dp4j} command line: privacy calculators ({@code epsilon}, {@code calibrate}, {@code
 * gaussian-sigma}) over the dp-core accountants. User errors print one line naming the flag and
 * exit with status 2; see {@link org.dp4j.cli.Dp4jCommand}.
 */
package org.dp4j.cli;
