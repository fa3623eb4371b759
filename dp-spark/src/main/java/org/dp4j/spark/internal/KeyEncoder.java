package org.dp4j.spark.internal;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer holding a canonical, unambiguous encoding of key values (type tag, length
 * where variable, content), the input of the bounding PRF. Not thread-safe; one per task.
 */
final class KeyEncoder {

  private byte[] bytes = new byte[64];
  private int length;

  void reset() {
    length = 0;
  }

  int length() {
    return length;
  }

  byte[] bytes() {
    return bytes;
  }

  void putLong(long v) {
    ensure(8);
    SipHash.putLong(bytes, length, v);
    length += 8;
  }

  void put(Object value) {
    if (value == null) {
      putTag(0);
    } else if (value instanceof String s) {
      putText(1, s);
    } else if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte) {
      putTag(2);
      putLong(((Number) value).longValue());
    } else if (value instanceof Boolean b) {
      putTag(3);
      putTag(b ? 1 : 0);
    } else if (value instanceof BigDecimal d) {
      putText(4, d.toString());
    } else if (value instanceof java.util.Date || value instanceof java.time.temporal.Temporal) {
      putText(5, value.toString());
    } else {
      putText(6, value.getClass().getName() + ":" + value);
    }
  }

  private void putTag(int tag) {
    ensure(1);
    bytes[length++] = (byte) tag;
  }

  private void putText(int tag, String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    putTag(tag);
    putLong(utf8.length);
    ensure(utf8.length);
    System.arraycopy(utf8, 0, bytes, length, utf8.length);
    length += utf8.length;
  }

  private void ensure(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
    }
  }
}
