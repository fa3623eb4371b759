package org.dp4j.mechanisms.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.dp4j.mechanisms.stats.GoodnessOfFit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AesCtrRandomTest {

  /** Independent model of the generator: AES-256 in ECB on explicit big-endian counter blocks. */
  private static final class Model {
    private byte[] key;
    private final ByteBuffer output =
        ByteBuffer.allocate(AesCtrRandom.OUTPUT_BYTES).order(ByteOrder.LITTLE_ENDIAN);

    Model(byte[] key) throws Exception {
      this.key = key.clone();
      refill();
    }

    void refill() throws Exception {
      Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
      ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
      byte[] counters = new byte[AesCtrRandom.REFILL_BYTES];
      for (int block = 0; block < AesCtrRandom.REFILL_BYTES / 16; block++) {
        ByteBuffer.wrap(counters, block * 16 + 8, 8).putLong(block);
      }
      byte[] stream = ecb.doFinal(counters);
      key = java.util.Arrays.copyOf(stream, 32);
      output.clear();
      output.put(stream, 32, AesCtrRandom.OUTPUT_BYTES).flip();
    }

    long nextLong() throws Exception {
      if (output.remaining() < 8) {
        refill();
      }
      return output.getLong();
    }
  }

  @Test
  void jdkAes256MatchesTheKnownAnswerForTheZeroKey() throws Exception {
    Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
    ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[32], "AES"));
    // AES-256(key = 0, block = 0), a widely published known answer.
    assertEquals(
        "dc95c078a2408989ad48a21492842087", HexFormat.of().formatHex(ecb.doFinal(new byte[16])));
  }

  @ParameterizedTest
  @ValueSource(longs = {0L, 1L, 0x0123456789ABCDEFL})
  void outputIsTheFastKeyErasureAesCtrKeystreamAcrossRefills(long keySeed) throws Exception {
    byte[] key = new byte[32];
    ByteBuffer.wrap(key).putLong(keySeed).putLong(~keySeed);
    AesCtrRandom random = new AesCtrRandom(key);
    Model model = new Model(key);
    int longsPerRefill = AesCtrRandom.OUTPUT_BYTES / 8;
    for (int i = 0; i < 3 * longsPerRefill + 5; i++) {
      assertEquals(model.nextLong(), random.nextLong(), "long #" + i);
    }
  }

  @Test
  void nextBytesContinuesTheSameStreamAsNextLong() throws Exception {
    byte[] key = new byte[32];
    key[0] = 7;
    AesCtrRandom a = new AesCtrRandom(key);
    AesCtrRandom b = new AesCtrRandom(key);
    byte[] bytes = new byte[AesCtrRandom.OUTPUT_BYTES + 64];
    a.nextBytes(bytes);
    ByteBuffer expected = ByteBuffer.allocate(bytes.length).order(ByteOrder.LITTLE_ENDIAN);
    // The second refill starts after OUTPUT_BYTES; both paths refill at the same place.
    while (expected.hasRemaining()) {
      expected.putLong(b.nextLong());
    }
    assertArrayEquals(expected.array(), bytes);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3})
  void nextWordsAreTheLittleEndianIntsOfNextBytesAcrossRefillsAndMisalignment(int skippedBytes) {
    // After 0-3 skipped bytes the words straddle the refill boundary at different offsets.
    byte[] key = new byte[32];
    key[5] = 9;
    AesCtrRandom words = new AesCtrRandom(key);
    AesCtrRandom bytes = new AesCtrRandom(key);
    words.nextBytes(new byte[skippedBytes]);
    bytes.nextBytes(new byte[skippedBytes]);
    int[] got = new int[1000];
    ByteBuffer expected = ByteBuffer.allocate(4 * got.length).order(ByteOrder.LITTLE_ENDIAN);
    int total = 0;
    // Block sizes that walk over two refills (16,376 words each) with every remainder.
    for (int count : new int[] {0, 1, 7, 1000, 999, 513}) {
      int rounds = count == 0 ? 1 : 40;
      for (int r = 0; r < rounds; r++) {
        words.nextWords(got, count);
        expected.clear();
        bytes.nextBytes(expected.array(), 0, 4 * count);
        for (int i = 0; i < count; i++) {
          assertEquals(expected.getInt(4 * i), got[i], "word " + (total + i));
        }
        total += count;
      }
    }
    assertTrue(total > 2 * AesCtrRandom.OUTPUT_BYTES / 4, "crossed two refills: " + total);
    assertEquals(bytes.nextLong(), words.nextLong(), "the streams stay aligned");
  }

  @Test
  void bytesAreUniformByChiSquare() {
    AesCtrRandom random = new AesCtrRandom(new byte[32]);
    int n = 1 << 20;
    byte[] bytes = new byte[n];
    random.nextBytes(bytes);
    long[] counts = new long[256];
    for (byte b : bytes) {
      counts[b & 0xFF]++;
    }
    double expected = n / 256.0;
    double statistic = 0;
    for (long c : counts) {
      statistic += (c - expected) * (c - expected) / expected;
    }
    // Critical value at false-failure rate 1e-6 for 255 degrees of freedom (fixed key:
    // deterministic).
    double critical =
        new ChiSquaredDistribution(255)
            .inverseCumulativeProbability(1 - GoodnessOfFit.FALSE_FAILURE_RATE);
    assertTrue(statistic < critical, "chi2=" + statistic + " critical=" + critical);
  }

  @Test
  void operatingSystemSeededInstancesAreIndependent() {
    AesCtrRandom a = AesCtrRandom.fromOperatingSystem();
    AesCtrRandom b = AesCtrRandom.fromOperatingSystem();
    // Equal first words would happen with probability 2^-64 for independent keys.
    assertNotEquals(a.nextLong(), b.nextLong());
  }

  @Test
  void rejectsBadArguments() {
    AesCtrRandom random = new AesCtrRandom(new byte[32]);
    assertThrows(NullPointerException.class, () -> random.nextBytes(null));
    assertThrows(IndexOutOfBoundsException.class, () -> random.nextBytes(new byte[4], 2, 3));
    assertThrows(IndexOutOfBoundsException.class, () -> random.nextBytes(new byte[4], -1, 1));
    assertThrows(NullPointerException.class, () -> random.nextWords(null, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> random.nextWords(new int[4], 5));
    assertThrows(IndexOutOfBoundsException.class, () -> random.nextWords(new int[4], -1));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new AesCtrRandom(new byte[16]));
    assertEquals("initialKey.length must be 32, got 16", e.getMessage());
    assertTrue(random.toString().contains("AES-256-CTR"));
  }
}
