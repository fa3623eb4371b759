package org.dp4j.core.budget;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.dp4j.core.event.ComposedEvent;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.LaplaceEvent;
import org.dp4j.core.event.PoissonSampledEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.event.SelfComposedEvent;
import org.dp4j.core.event.ZcdpEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EventCodecTest {

  /** Values at the edges of each parameter's domain. */
  private static final double[] NON_NEGATIVE = {
    0.0, -0.0, Double.MIN_VALUE, Double.MIN_NORMAL, 1e-300, 0.1, 1.0, 3.5, 1e300, Double.MAX_VALUE
  };

  static Stream<PrivacyEvent> edgeEvents() {
    List<PrivacyEvent> events = new ArrayList<>();
    for (double x : NON_NEGATIVE) {
      events.add(new GaussianEvent(x));
      events.add(new LaplaceEvent(x));
      events.add(new ZcdpEvent(x));
      events.add(new EpsilonDeltaEvent(x, 0.0));
      events.add(new EpsilonDeltaEvent(x, Math.nextDown(1.0)));
    }
    for (double q : new double[] {Double.MIN_VALUE, 1e-9, 256.0 / 60000, 0.5, 1.0}) {
      events.add(new PoissonSampledEvent(q, new GaussianEvent(1.1)));
    }
    for (long count : new long[] {1, 2, 1000, Long.MAX_VALUE}) {
      events.add(new SelfComposedEvent(new LaplaceEvent(2.0), count));
    }
    events.add(ComposedEvent.of());
    events.add(ComposedEvent.of(ComposedEvent.of(), ComposedEvent.of()));
    events.add(
        ComposedEvent.of(
            new SelfComposedEvent(new PoissonSampledEvent(0.01, new GaussianEvent(0.8)), 10000),
            EpsilonDeltaEvent.approximate(1, 1e-6),
            new ZcdpEvent(0.5)));
    return events.stream();
  }

  @ParameterizedTest
  @MethodSource("edgeEvents")
  void everyEdgeEventRoundTripsExactly(PrivacyEvent event) {
    byte[] bytes = EventCodec.encode(event);
    assertEquals(EventCodec.encodedSize(event), bytes.length);
    PrivacyEvent decoded = EventCodec.decode(bytes);
    // Records compare doubles with Double.compare, so -0.0 and 0.0 are told apart: exact bits.
    assertEquals(event, decoded);
    assertArrayEquals(bytes, EventCodec.encode(decoded));
  }

  @Test
  void theSamplesCoverEveryPermittedEventType() {
    Set<Class<?>> covered = new HashSet<>();
    edgeEvents().forEach(e -> covered.add(e.getClass()));
    Set<Class<?>> permitted = Set.of(PrivacyEvent.class.getPermittedSubclasses());
    assertEquals(permitted, covered, "add a sample (and a codec tag) for every new event type");
  }

  static Stream<Long> seeds() {
    return new SplittableRandom(7L).longs(200).boxed();
  }

  /** Property: random nested events round-trip exactly, also when read from a shared buffer. */
  @ParameterizedTest
  @MethodSource("seeds")
  void randomNestedEventsRoundTrip(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    PrivacyEvent first = randomEvent(random, 0);
    PrivacyEvent second = randomEvent(random, 0);
    ByteBuffer buffer =
        ByteBuffer.allocate(EventCodec.encodedSize(first) + EventCodec.encodedSize(second));
    EventCodec.write(first, buffer);
    EventCodec.write(second, buffer);
    assertEquals(0, buffer.remaining());
    buffer.flip();
    assertEquals(first, EventCodec.read(buffer));
    assertEquals(second, EventCodec.read(buffer));
    assertEquals(0, buffer.remaining());
  }

  static PrivacyEvent randomEvent(SplittableRandom random, int depth) {
    int kind = random.nextInt(depth > 4 ? 4 : 7);
    double x = random.nextDouble() * Math.pow(10, random.nextInt(-10, 10));
    switch (kind) {
      case 0:
        return new GaussianEvent(x);
      case 1:
        return new LaplaceEvent(x);
      case 2:
        return new EpsilonDeltaEvent(x, random.nextDouble());
      case 3:
        return new ZcdpEvent(x);
      case 4:
        return new PoissonSampledEvent(
            Math.nextUp(random.nextDouble()), randomEvent(random, depth + 1));
      case 5:
        return new SelfComposedEvent(randomEvent(random, depth + 1), random.nextLong(1, 1L << 40));
      default:
        List<PrivacyEvent> events = new ArrayList<>();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          events.add(randomEvent(random, depth + 1));
        }
        return new ComposedEvent(events);
    }
  }

  @Test
  void theEncodingIsTheDocumentedOne() {
    // docs/budget.md: tag 0x01, then the IEEE 754 bits of 1.0 big-endian (0x3FF0000000000000).
    assertArrayEquals(
        new byte[] {0x01, 0x3F, (byte) 0xF0, 0, 0, 0, 0, 0, 0}, EventCodec.encode(new GaussianEvent(1.0)));
    byte[] selfComposed = EventCodec.encode(new SelfComposedEvent(new ZcdpEvent(0.0), 3));
    assertArrayEquals(
        new byte[] {0x06, 0, 0, 0, 0, 0, 0, 0, 3, 0x04, 0, 0, 0, 0, 0, 0, 0, 0}, selfComposed);
    assertArrayEquals(new byte[] {0x07, 0, 0, 0, 0}, EventCodec.encode(ComposedEvent.of()));
  }

  private static IllegalArgumentException decodeFails(byte[] bytes) {
    return assertThrows(IllegalArgumentException.class, () -> EventCodec.decode(bytes));
  }

  @Test
  void unknownTagsAreRejectedWithTheirOffset() {
    IllegalArgumentException e = decodeFails(new byte[] {0x08, 0, 0, 0, 0, 0, 0, 0, 0});
    assertTrue(e.getMessage().startsWith("event tag must be 1 to 7 (encoding version 1), got 8 at byte 0"), e.getMessage());
    IllegalArgumentException nested =
        decodeFails(new byte[] {0x06, 0, 0, 0, 0, 0, 0, 0, 1, 0x00});
    assertTrue(nested.getMessage().contains("got 0 at byte 9"), nested.getMessage());
  }

  @Test
  void truncatedAndOverlongInputsAreRejected() {
    byte[] good = EventCodec.encode(EpsilonDeltaEvent.approximate(1, 1e-6));
    for (int length = 0; length < good.length; length++) {
      byte[] truncated = java.util.Arrays.copyOf(good, length);
      IllegalArgumentException e = decodeFails(truncated);
      assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }
    IllegalArgumentException trailing = decodeFails(java.util.Arrays.copyOf(good, good.length + 1));
    assertEquals(
        "encoded event must be exactly 17 bytes long, got 18 bytes", trailing.getMessage());
  }

  @Test
  void invalidValuesAreRejectedByTheEventsOwnChecks() {
    ByteBuffer nan = ByteBuffer.allocate(9).put((byte) 0x01).putDouble(Double.NaN);
    IllegalArgumentException e = decodeFails(nan.array());
    assertEquals(
        "invalid encoded event at byte 0: noiseMultiplier must be non-negative and finite, got NaN",
        e.getMessage());
    ByteBuffer infinite =
        ByteBuffer.allocate(9).put((byte) 0x04).putDouble(Double.POSITIVE_INFINITY);
    decodeFails(infinite.array());
    ByteBuffer delta = ByteBuffer.allocate(17).put((byte) 0x03).putDouble(1).putDouble(1.0);
    assertTrue(decodeFails(delta.array()).getMessage().contains("delta must be in [0, 1), got 1.0"));
    ByteBuffer count = ByteBuffer.allocate(18).put((byte) 0x06).putLong(0);
    count.put((byte) 0x04).putDouble(0);
    assertTrue(decodeFails(count.array()).getMessage().contains("count must be positive, got 0"));
    ByteBuffer rate = ByteBuffer.allocate(18).put((byte) 0x05).putDouble(1.5);
    rate.put((byte) 0x04).putDouble(0);
    assertTrue(decodeFails(rate.array()).getMessage().contains("samplingRate must be in (0, 1]"));
  }

  @Test
  void hostileCountsAndDepthsAreRejectedWithoutHugeAllocationsOrStackOverflow() {
    ByteBuffer negative = ByteBuffer.allocate(5).put((byte) 0x07).putInt(-1);
    assertTrue(decodeFails(negative.array()).getMessage().contains("composed event count"));
    ByteBuffer huge = ByteBuffer.allocate(5).put((byte) 0x07).putInt(Integer.MAX_VALUE);
    assertTrue(decodeFails(huge.array()).getMessage().contains("composed event count"));
    int depth = 10_000;
    ByteBuffer deep = ByteBuffer.allocate(depth * 9 + 9);
    for (int i = 0; i < depth; i++) {
      deep.put((byte) 0x05).putDouble(0.5);
    }
    deep.put((byte) 0x01).putDouble(1.0);
    IllegalArgumentException e = decodeFails(deep.array());
    assertTrue(e.getMessage().contains("event nesting must be at most 64 deep"), e.getMessage());

    PrivacyEvent tooDeep = new GaussianEvent(1.0);
    for (int i = 0; i < EventCodec.MAX_DEPTH; i++) {
      tooDeep = new PoissonSampledEvent(0.5, tooDeep);
    }
    PrivacyEvent finalTooDeep = tooDeep;
    assertThrows(IllegalArgumentException.class, () -> EventCodec.encode(finalTooDeep));
  }

  @Test
  void nullsAreRejected() {
    assertThrows(NullPointerException.class, () -> EventCodec.encode(null));
    assertThrows(NullPointerException.class, () -> EventCodec.decode(null));
    assertThrows(NullPointerException.class, () -> EventCodec.read(null));
  }
}
