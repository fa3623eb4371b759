package org.dp4j.mechanisms.random;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.dp4j.core.internal.Checks;

/**
 * A cryptographically secure uniform source: the keystream of AES-256 in counter mode (NIST SP
 * 800-38A), keyed from the operating system and re-keyed with <em>fast key erasure</em> (Bernstein,
 * "Fast-key-erasure random-number generators", 2017).
 *
 * <h2>Construction</h2>
 *
 * <p>The initial 256-bit key comes from {@link SecureRandom} (on Linux the non-blocking {@code
 * /dev/urandom}-backed {@code NativePRNG}). Each refill encrypts {@value #REFILL_BYTES} zero bytes
 * under the current key with a zero counter block (the key is never reused with the same counter,
 * because it is replaced at every refill). The first 32 bytes of that keystream become the next key
 * and are overwritten in the buffer; the remaining {@value #OUTPUT_BYTES} bytes are handed out,
 * little-endian, 8 per {@link #nextLong()}.
 *
 * <h2>Security</h2>
 *
 * <ul>
 *   <li><b>Indistinguishability.</b> Outputs are indistinguishable from uniform for any
 *       computationally bounded observer as long as AES-256 is a pseudorandom permutation; each key
 *       encrypts only {@value #REFILL_BYTES} bytes (2<sup>12</sup> blocks), far below the
 *       2<sup>64</sup>-block birthday bound of CTR mode.
 *   <li><b>Backtracking resistance.</b> A key is discarded (overwritten) as soon as the next one is
 *       derived, so an attacker who reads the generator's state learns the unread part of the
 *       current buffer and the future, but nothing about outputs already consumed (consumed bytes
 *       are zeroed in the buffer as they are read). Java may keep copies of key bytes inside the
 *       JCE provider until they are garbage collected; this class cannot erase those.
 *   <li><b>No prediction resistance</b>: no fresh entropy is mixed in after construction. Create a
 *       new instance (for example per training run) if that matters in your threat model.
 * </ul>
 *
 * <p>Speed: AES-CTR uses the CPU's AES-NI instructions through HotSpot's counter-mode intrinsic,
 * giving on the order of 1-3 GB/s of keystream per core.
 *
 * <p><b>Not thread-safe</b>: use one instance per thread. Not serializable, not cloneable, and it
 * has no seeded constructor in the public API: a seeded generator is not private (see {@link
 * org.dp4j.mechanisms.testing.SeededNoise} for reproducible, non-private testing).
 */
public final class AesCtrRandom implements WordBlockSource {

  /** Bytes of keystream produced under one key: 32 for the next key plus the output block. */
  static final int REFILL_BYTES = 64 * 1024;

  /** Bytes of output per refill (the keystream minus the next key). */
  static final int OUTPUT_BYTES = REFILL_BYTES - 32;

  private static final int KEY_BYTES = 32;
  private static final String TRANSFORMATION = "AES/CTR/NoPadding";
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private final Cipher cipher;
  private final byte[] zeros = new byte[REFILL_BYTES];
  private final byte[] keystream = new byte[REFILL_BYTES];
  private final byte[] key = new byte[KEY_BYTES];
  private final IvParameterSpec zeroCounter = new IvParameterSpec(new byte[16]);

  /** A word that straddles a refill is assembled here. */
  private final byte[] straddle = new byte[Integer.BYTES];

  /** Index of the next unread output byte in {@link #keystream}; output starts at byte 32. */
  private int position;

  /**
   * A generator keyed with 32 bytes read from {@code seedSource}. Package-private: the public entry
   * point {@link #fromOperatingSystem()} always uses the operating system's entropy.
   */
  AesCtrRandom(byte[] initialKey) {
    Checks.notNull("initialKey", initialKey);
    Checks.require(initialKey.length == KEY_BYTES, "initialKey.length", "32", initialKey.length);
    try {
      this.cipher = Cipher.getInstance(TRANSFORMATION);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks " + TRANSFORMATION, e);
    }
    System.arraycopy(initialKey, 0, key, 0, KEY_BYTES);
    refill();
  }

  /**
   * A new generator keyed from the operating system's entropy source (a fresh {@link
   * SecureRandom}).
   *
   * @return a new, independent secure generator
   */
  public static AesCtrRandom fromOperatingSystem() {
    byte[] seed = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(seed);
    try {
      return new AesCtrRandom(seed);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  private void refill() {
    try {
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), zeroCounter);
      int written = cipher.update(zeros, 0, REFILL_BYTES, keystream, 0);
      if (written != REFILL_BYTES) {
        throw new IllegalStateException(
            "AES-CTR returned " + written + " bytes, expected " + REFILL_BYTES);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CTR keystream generation failed", e);
    }
    System.arraycopy(keystream, 0, key, 0, KEY_BYTES);
    Arrays.fill(keystream, 0, KEY_BYTES, (byte) 0);
    position = KEY_BYTES;
  }

  /** 64 uniformly random bits. */
  @Override
  public long nextLong() {
    int p = position;
    if (p > REFILL_BYTES - Long.BYTES) {
      refill();
      p = position;
    }
    long value = (long) LONG_LE.get(keystream, p);
    LONG_LE.set(keystream, p, 0L);
    position = p + Long.BYTES;
    return value;
  }

  /** 32 uniformly random bits. */
  @Override
  public int nextInt() {
    return (int) (nextLong() >>> 32);
  }

  /** Fills {@code bytes} with uniformly random bytes. */
  @Override
  public void nextBytes(byte[] bytes) {
    nextBytes(bytes, 0, Checks.notNull("bytes", bytes).length);
  }

  /**
   * Fills {@code bytes[start, start + len)} with uniformly random bytes.
   *
   * @throws IndexOutOfBoundsException when the range does not fit in the array
   */
  @Override
  public void nextBytes(byte[] bytes, int start, int len) {
    Checks.notNull("bytes", bytes);
    java.util.Objects.checkFromIndexSize(start, len, bytes.length);
    int done = 0;
    while (done < len) {
      if (position == REFILL_BYTES) {
        refill();
      }
      int n = Math.min(len - done, REFILL_BYTES - position);
      System.arraycopy(keystream, position, bytes, start + done, n);
      Arrays.fill(keystream, position, position + n, (byte) 0);
      position += n;
      done += n;
    }
  }

  /**
   * Fills {@code words[0, count)} with the next {@code 4 * count} keystream bytes read as
   * little-endian ints: the same words as {@link #nextBytes(byte[], int, int)} of {@code 4 * count}
   * bytes followed by a little-endian conversion, without the intermediate copy. Consumed bytes are
   * zeroed as in {@code nextBytes}.
   *
   * @throws IndexOutOfBoundsException when {@code count} is negative or exceeds the array
   */
  @Override
  public void nextWords(int[] words, int count) {
    Checks.notNull("words", words);
    java.util.Objects.checkFromIndexSize(0, count, words.length);
    byte[] stream = keystream;
    int done = 0;
    while (done < count) {
      if (position == REFILL_BYTES) {
        refill();
      }
      int n = Math.min(count - done, (REFILL_BYTES - position) / Integer.BYTES);
      if (n == 0) { // 1 to 3 bytes left before the refill: let nextBytes join them
        nextBytes(straddle, 0, Integer.BYTES);
        words[done++] = (int) INT_LE.get(straddle, 0);
        Arrays.fill(straddle, (byte) 0);
        continue;
      }
      int p = position;
      for (int i = 0; i < n; i++) {
        words[done + i] = (int) INT_LE.get(stream, p + Integer.BYTES * i);
      }
      Arrays.fill(stream, p, p + Integer.BYTES * n, (byte) 0);
      position = p + Integer.BYTES * n;
      done += n;
    }
  }

  /** The algorithm, for logs; never the key. */
  @Override
  public String toString() {
    return "AesCtrRandom[AES-256-CTR, fast key erasure, OS-seeded]";
  }
}
