package org.dp4j.core.budget;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.dp4j.core.event.ComposedEvent;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.LaplaceEvent;
import org.dp4j.core.event.PerRelationEvent;
import org.dp4j.core.event.PoissonSampledEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.event.SelfComposedEvent;
import org.dp4j.core.event.ZcdpEvent;
import org.dp4j.core.internal.Checks;

/**
 * The stable binary encoding of {@link PrivacyEvent}s used by the ledger, version {@value
 * #VERSION}. Big-endian; doubles as IEEE 754 bit patterns, so values round-trip exactly.
 *
 * <pre>
 * event := tag:u8 body
 * 0x01 GaussianEvent       noiseMultiplier:f64
 * 0x02 LaplaceEvent        noiseMultiplier:f64
 * 0x03 EpsilonDeltaEvent   epsilon:f64 delta:f64
 * 0x04 ZcdpEvent           rho:f64
 * 0x05 PoissonSampledEvent samplingRate:f64 event
 * 0x06 SelfComposedEvent   count:i64 event
 * 0x07 ComposedEvent       n:i32 event{n}
 * 0x08 PerRelationEvent    addOrRemoveOne:event replaceOne:event
 * </pre>
 *
 * Tags are never reused or renumbered; a new event type gets a new tag (and older readers reject it
 * with a clear message), so everything written before a tag was added still decodes. Decoding
 * validates every value through the event's constructor and limits nesting to {@value #MAX_DEPTH}
 * levels. Stateless and thread-safe.
 */
public final class EventCodec {

  /** The encoding version described above. */
  public static final int VERSION = 1;

  /** Deepest nesting of sampled/composed events accepted, to bound recursion on bad input. */
  public static final int MAX_DEPTH = 64;

  private static final int TAG_GAUSSIAN = 0x01;
  private static final int TAG_LAPLACE = 0x02;
  private static final int TAG_EPSILON_DELTA = 0x03;
  private static final int TAG_ZCDP = 0x04;
  private static final int TAG_POISSON_SAMPLED = 0x05;
  private static final int TAG_SELF_COMPOSED = 0x06;
  private static final int TAG_COMPOSED = 0x07;
  private static final int TAG_PER_RELATION = 0x08;
  private static final int LAST_TAG = TAG_PER_RELATION;

  private EventCodec() {}

  /**
   * The encoding of {@code event}.
   *
   * @param event not null, nested at most {@value #MAX_DEPTH} levels deep
   * @return a new array
   */
  public static byte[] encode(PrivacyEvent event) {
    Checks.notNull("event", event);
    ByteBuffer buffer = ByteBuffer.allocate(encodedSize(event, 0));
    write(event, buffer);
    return buffer.array();
  }

  /** The number of bytes {@link #encode} produces for {@code event}. */
  public static int encodedSize(PrivacyEvent event) {
    Checks.notNull("event", event);
    return encodedSize(event, 0);
  }

  /**
   * Writes the encoding of {@code event} at the buffer's position.
   *
   * @throws java.nio.BufferOverflowException when it does not fit
   */
  public static void write(PrivacyEvent event, ByteBuffer out) {
    Checks.notNull("event", event);
    Checks.notNull("out", out);
    if (event instanceof GaussianEvent gaussian) {
      out.put((byte) TAG_GAUSSIAN).putDouble(gaussian.noiseMultiplier());
    } else if (event instanceof LaplaceEvent laplace) {
      out.put((byte) TAG_LAPLACE).putDouble(laplace.noiseMultiplier());
    } else if (event instanceof EpsilonDeltaEvent ed) {
      out.put((byte) TAG_EPSILON_DELTA).putDouble(ed.epsilon()).putDouble(ed.delta());
    } else if (event instanceof ZcdpEvent zcdp) {
      out.put((byte) TAG_ZCDP).putDouble(zcdp.rho());
    } else if (event instanceof PoissonSampledEvent sampled) {
      out.put((byte) TAG_POISSON_SAMPLED).putDouble(sampled.samplingRate());
      write(sampled.event(), out);
    } else if (event instanceof SelfComposedEvent self) {
      out.put((byte) TAG_SELF_COMPOSED).putLong(self.count());
      write(self.event(), out);
    } else if (event instanceof ComposedEvent composed) {
      out.put((byte) TAG_COMPOSED).putInt(composed.events().size());
      for (PrivacyEvent e : composed.events()) {
        write(e, out);
      }
    } else if (event instanceof PerRelationEvent perRelation) {
      out.put((byte) TAG_PER_RELATION);
      write(perRelation.addOrRemoveOne(), out);
      write(perRelation.replaceOne(), out);
    } else {
      // Unreachable while PrivacyEvent's permits list matches the branches above (Java 17 has no
      // exhaustive pattern switch); EventCodecTest checks every permitted subtype.
      throw new IllegalArgumentException(
          "event must be a known PrivacyEvent subtype, got " + event.getClass().getName());
    }
  }

  /**
   * Decodes one event that occupies the whole array.
   *
   * @throws IllegalArgumentException when the bytes are not exactly one valid event
   */
  public static PrivacyEvent decode(byte[] bytes) {
    Checks.notNull("bytes", bytes);
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    PrivacyEvent event = read(buffer);
    Checks.require(
        !buffer.hasRemaining(),
        "encoded event",
        "exactly " + buffer.position() + " bytes long",
        bytes.length + " bytes");
    return event;
  }

  /**
   * Reads one event from the buffer's position, advancing it past the event.
   *
   * @throws IllegalArgumentException when the bytes are not a valid event (unknown tag, truncated,
   *     invalid value, nested too deep); the message names the byte offset
   */
  public static PrivacyEvent read(ByteBuffer in) {
    Checks.notNull("in", in);
    return read(in, 0);
  }

  private static PrivacyEvent read(ByteBuffer in, int depth) {
    int start = in.position();
    Checks.require(depth < MAX_DEPTH, "event nesting", "at most " + MAX_DEPTH + " deep", depth);
    try {
      int tag = Byte.toUnsignedInt(in.get());
      switch (tag) {
        case TAG_GAUSSIAN:
          return new GaussianEvent(in.getDouble());
        case TAG_LAPLACE:
          return new LaplaceEvent(in.getDouble());
        case TAG_EPSILON_DELTA:
          return new EpsilonDeltaEvent(in.getDouble(), in.getDouble());
        case TAG_ZCDP:
          return new ZcdpEvent(in.getDouble());
        case TAG_POISSON_SAMPLED:
          double rate = in.getDouble();
          return new PoissonSampledEvent(rate, read(in, depth + 1));
        case TAG_SELF_COMPOSED:
          long count = in.getLong();
          return new SelfComposedEvent(read(in, depth + 1), count);
        case TAG_COMPOSED:
          int n = in.getInt();
          // Each event takes at least 5 bytes (an empty composition), so n is bounded by what is
          // left.
          Checks.require(
              n >= 0 && n <= in.remaining() / 5,
              "composed event count",
              "between 0 and " + in.remaining() / 5 + " (the bytes left)",
              n);
          List<PrivacyEvent> events = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            events.add(read(in, depth + 1));
          }
          return new ComposedEvent(events);
        case TAG_PER_RELATION:
          PrivacyEvent addOrRemoveOne = read(in, depth + 1);
          return new PerRelationEvent(addOrRemoveOne, read(in, depth + 1));
        default:
          throw new IllegalArgumentException(
              "event tag must be 1 to "
                  + LAST_TAG
                  + " (encoding version "
                  + VERSION
                  + "), got "
                  + tag
                  + " at byte "
                  + start
                  + "; written by a newer dp4j?");
      }
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException(
          "encoded event must be complete, got a truncated event starting at byte " + start, e);
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().contains(" at byte ")) {
        throw e;
      }
      throw new IllegalArgumentException(
          "invalid encoded event at byte " + start + ": " + e.getMessage(), e);
    }
  }

  private static int encodedSize(PrivacyEvent event, int depth) {
    Checks.require(depth < MAX_DEPTH, "event nesting", "at most " + MAX_DEPTH + " deep", depth);
    if (event instanceof EpsilonDeltaEvent) {
      return 17;
    }
    if (event instanceof PoissonSampledEvent sampled) {
      return 9 + encodedSize(sampled.event(), depth + 1);
    }
    if (event instanceof SelfComposedEvent self) {
      return 9 + encodedSize(self.event(), depth + 1);
    }
    if (event instanceof PerRelationEvent perRelation) {
      return Math.addExact(
          1 + encodedSize(perRelation.addOrRemoveOne(), depth + 1),
          encodedSize(perRelation.replaceOne(), depth + 1));
    }
    if (event instanceof ComposedEvent composed) {
      int size = 5;
      for (PrivacyEvent e : composed.events()) {
        size = Math.addExact(size, encodedSize(e, depth + 1));
      }
      return size;
    }
    return 9; // GaussianEvent, LaplaceEvent, ZcdpEvent: tag + one double
  }
}
