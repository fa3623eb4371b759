package org.dp4j.spark.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class SipHashTest {

  /** The reference key of the SipHash paper (Aumasson & Bernstein 2012, Appendix A): 00..0f. */
  private static final SipHash REFERENCE =
      SipHash.withKey(0x0706050403020100L, 0x0f0e0d0c0b0a0908L);

  @Test
  void matchesThePapersTestVectors() {
    byte[] message = new byte[15];
    for (int i = 0; i < message.length; i++) {
      message[i] = (byte) i;
    }
    // Appendix A: SipHash-2-4(k = 00..0f, m = 00..0e) = a129ca6149be45e5.
    assertEquals(0xa129ca6149be45e5L, REFERENCE.hash(message, 15));
    // The reference implementation's vectors.h, first entry (empty message): 31 0e 0e dd 47 db 6f
    // 72.
    assertEquals(0x726fdb47dd0e0e31L, REFERENCE.hash(new byte[0], 0));
  }

  @Test
  void twoWordFormEqualsTheByteForm() {
    byte[] bytes = new byte[16];
    SipHash.putLong(bytes, 0, 0x1122334455667788L);
    SipHash.putLong(bytes, 8, -42L);
    assertEquals(REFERENCE.hash(bytes, 16), REFERENCE.hash(0x1122334455667788L, -42L));
  }

  @Test
  void differentKeysGiveUnrelatedOutputsAndTheKeyIsNotPrinted() {
    SipHash a = SipHash.randomKey(new SecureRandom());
    SipHash b = SipHash.randomKey(new SecureRandom());
    assertNotEquals(a.hash(1, 2), b.hash(1, 2));
    assertFalse(a.toString().matches(".*[0-9a-f]{8}.*"));
  }
}
