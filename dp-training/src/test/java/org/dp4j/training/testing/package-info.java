/** Seeded test fixtures for dp-training (not shipped). */
package org.dp4j.training.testing;
