/**
 * Internals shared between dp4j modules: argument checks and numerically stable special functions.
 * <strong>Not public API</strong>: anything here may change without notice.
 */
package org.dp4j.core.internal;
