package org.dp4j.core.budget;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.dp4j.core.event.ComposedEvent;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.EventVisitor;
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

  private static final Writer WRITER = new Writer();

  private static final Size SIZE = new Size();

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

  /**
   * The number of bytes {@link #encode} produces for {@code event}.
   *
   * @param event the event, not null
   * @return its encoded length in bytes
   */
  public static int encodedSize(PrivacyEvent event) {
    Checks.notNull("event", event);
    return encodedSize(event, 0);
  }

  /**
   * Writes the encoding of {@code event} at the buffer's position.
   *
   * @param event the event, not null
   * @param out the buffer, advanced past the encoding; {@link #encodedSize} bytes must remain
   * @throws java.nio.BufferOverflowException when it does not fit
   */
  public static void write(PrivacyEvent event, ByteBuffer out) {
    Checks.notNull("event", event);
    Checks.notNull("out", out);
    event.accept(WRITER, out);
  }

  /**
   * Decodes one event that occupies the whole array.
   *
   * @param bytes the encoding, not null
   * @return the event
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
   * @param in the buffer, not null
   * @return the event
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
    return event.accept(SIZE, depth);
  }

  /** Writes an event's tag and body; a new event type needs a new tag here and in {@code read}. */
  private static final class Writer implements EventVisitor<Void, ByteBuffer> {

    @Override
    public Void gaussian(GaussianEvent event, ByteBuffer out) {
      out.put((byte) TAG_GAUSSIAN).putDouble(event.noiseMultiplier());
      return null;
    }

    @Override
    public Void laplace(LaplaceEvent event, ByteBuffer out) {
      out.put((byte) TAG_LAPLACE).putDouble(event.noiseMultiplier());
      return null;
    }

    @Override
    public Void epsilonDelta(EpsilonDeltaEvent event, ByteBuffer out) {
      out.put((byte) TAG_EPSILON_DELTA).putDouble(event.epsilon()).putDouble(event.delta());
      return null;
    }

    @Override
    public Void zcdp(ZcdpEvent event, ByteBuffer out) {
      out.put((byte) TAG_ZCDP).putDouble(event.rho());
      return null;
    }

    @Override
    public Void poissonSampled(PoissonSampledEvent event, ByteBuffer out) {
      out.put((byte) TAG_POISSON_SAMPLED).putDouble(event.samplingRate());
      return event.event().accept(this, out);
    }

    @Override
    public Void selfComposed(SelfComposedEvent event, ByteBuffer out) {
      out.put((byte) TAG_SELF_COMPOSED).putLong(event.count());
      return event.event().accept(this, out);
    }

    @Override
    public Void composed(ComposedEvent event, ByteBuffer out) {
      out.put((byte) TAG_COMPOSED).putInt(event.events().size());
      for (PrivacyEvent part : event.events()) {
        part.accept(this, out);
      }
      return null;
    }

    @Override
    public Void perRelation(PerRelationEvent event, ByteBuffer out) {
      out.put((byte) TAG_PER_RELATION);
      event.addOrRemoveOne().accept(this, out);
      return event.replaceOne().accept(this, out);
    }
  }

  /** The encoded size of an event nested {@code depth} levels deep. */
  private static final class Size implements EventVisitor<Integer, Integer> {

    /** A tag and one 8-byte value (a double or a count). */
    private static final int ONE_VALUE = 9;

    /** A tag and two doubles. */
    private static final int TWO_VALUES = 17;

    /** A tag and a 4-byte length. */
    private static final int LENGTH_HEADER = 5;

    @Override
    public Integer gaussian(GaussianEvent event, Integer depth) {
      return ONE_VALUE;
    }

    @Override
    public Integer laplace(LaplaceEvent event, Integer depth) {
      return ONE_VALUE;
    }

    @Override
    public Integer epsilonDelta(EpsilonDeltaEvent event, Integer depth) {
      return TWO_VALUES;
    }

    @Override
    public Integer zcdp(ZcdpEvent event, Integer depth) {
      return ONE_VALUE;
    }

    @Override
    public Integer poissonSampled(PoissonSampledEvent event, Integer depth) {
      return ONE_VALUE + encodedSize(event.event(), depth + 1);
    }

    @Override
    public Integer selfComposed(SelfComposedEvent event, Integer depth) {
      return ONE_VALUE + encodedSize(event.event(), depth + 1);
    }

    @Override
    public Integer composed(ComposedEvent event, Integer depth) {
      int size = LENGTH_HEADER;
      for (PrivacyEvent part : event.events()) {
        size = Math.addExact(size, encodedSize(part, depth + 1));
      }
      return size;
    }

    @Override
    public Integer perRelation(PerRelationEvent event, Integer depth) {
      return Math.addExact(
          1 + encodedSize(event.addOrRemoveOne(), depth + 1),
          encodedSize(event.replaceOne(), depth + 1));
    }
  }
}
