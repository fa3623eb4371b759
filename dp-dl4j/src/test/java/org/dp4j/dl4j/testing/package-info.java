/** Seeded test networks and data (never java.util.Random, never Nd4j.getRandom). */
package org.dp4j.dl4j.testing;
