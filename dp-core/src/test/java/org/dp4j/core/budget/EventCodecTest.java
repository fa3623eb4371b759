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
import org.dp4j.core.event.PerRelationEvent;
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
    events.add(PerRelationEvent.of(new GaussianEvent(1.1), new LaplaceEvent(0.5)));
    events.add(PerRelationEvent.sameForBoth(ComposedEvent.of()));
    events.add(
        PerRelationEvent.of(
            new SelfComposedEvent(EpsilonDeltaEvent.pure(0.1), 5),
            ComposedEvent.of(new ZcdpEvent(0.2), new GaussianEvent(Double.MIN_VALUE))));
    events.add(
        new SelfComposedEvent(
            new PoissonSampledEvent(
                0.01, PerRelationEvent.of(new GaussianEvent(1.0), new GaussianEvent(0.5))),
            100));
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
    int kind = random.nextInt(depth > 4 ? 4 : 8);
    if (kind == 7) {
      return PerRelationEvent.of(randomBranch(random, depth + 1), randomBranch(random, depth + 1));
    }
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

  /** An event allowed inside a {@link PerRelationEvent}: no sampling, no nested per-relation. */
  static PrivacyEvent randomBranch(SplittableRandom random, int depth) {
    PrivacyEvent event;
    do {
      event = randomEvent(random, depth);
    } while (!isBranch(event));
    return event;
  }

  private static boolean isBranch(PrivacyEvent event) {
    if (event instanceof PoissonSampledEvent || event instanceof PerRelationEvent) {
      return false;
    }
    if (event instanceof SelfComposedEvent self) {
      return isBranch(self.event());
    }
    if (event instanceof ComposedEvent composed) {
      return composed.events().stream().allMatch(EventCodecTest::isBranch);
    }
    return true;
  }

  @Test
  void theEncodingIsTheDocumentedOne() {
    // docs/budget.md: tag 0x01, then the IEEE 754 bits of 1.0 big-endian (0x3FF0000000000000).
    assertArrayEquals(
        new byte[] {0x01, 0x3F, (byte) 0xF0, 0, 0, 0, 0, 0, 0},
        EventCodec.encode(new GaussianEvent(1.0)));
    byte[] selfComposed = EventCodec.encode(new SelfComposedEvent(new ZcdpEvent(0.0), 3));
    assertArrayEquals(
        new byte[] {0x06, 0, 0, 0, 0, 0, 0, 0, 3, 0x04, 0, 0, 0, 0, 0, 0, 0, 0}, selfComposed);
    assertArrayEquals(new byte[] {0x07, 0, 0, 0, 0}, EventCodec.encode(ComposedEvent.of()));
    // 0x08, then the add/remove branch, then the replace-one branch.
    byte[] perRelation =
        EventCodec.encode(PerRelationEvent.of(new ZcdpEvent(1.0), ComposedEvent.of()));
    assertArrayEquals(
        new byte[] {0x08, 0x04, 0x3F, (byte) 0xF0, 0, 0, 0, 0, 0, 0, 0x07, 0, 0, 0, 0},
        perRelation);
  }

  /**
   * Bytes written by the encoding before {@link PerRelationEvent} had a tag, built here by hand
   * from the table in docs/budget.md: they still decode to the same event.
   */
  @Test
  void eventsWrittenBeforeThePerRelationTagStillDecode() {
    ByteBuffer old = ByteBuffer.allocate(100);
    old.put((byte) 0x07).putInt(5); // ComposedEvent of 5
    old.put((byte) 0x06).putLong(1000); // SelfComposedEvent x1000 of
    old.put((byte) 0x05).putDouble(0.01); //   PoissonSampledEvent(0.01) of
    old.put((byte) 0x01).putDouble(1.1); //     GaussianEvent(1.1)
    old.put((byte) 0x02).putDouble(2.0); // LaplaceEvent(2)
    old.put((byte) 0x03).putDouble(0.5).putDouble(1e-6); // EpsilonDeltaEvent(0.5, 1e-6)
    old.put((byte) 0x04).putDouble(0.25); // ZcdpEvent(0.25)
    old.put((byte) 0x07).putInt(0); // ComposedEvent()
    byte[] bytes = java.util.Arrays.copyOf(old.array(), old.position());
    PrivacyEvent expected =
        ComposedEvent.of(
            new SelfComposedEvent(new PoissonSampledEvent(0.01, new GaussianEvent(1.1)), 1000),
            new LaplaceEvent(2.0),
            EpsilonDeltaEvent.approximate(0.5, 1e-6),
            new ZcdpEvent(0.25),
            ComposedEvent.of());
    assertEquals(expected, EventCodec.decode(bytes));
    assertArrayEquals(bytes, EventCodec.encode(expected));
  }

  @Test
  void aPerRelationEventWithASampledBranchIsRejectedOnDecoding() {
    ByteBuffer bad = ByteBuffer.allocate(28).put((byte) 0x08);
    bad.put((byte) 0x05).putDouble(0.5).put((byte) 0x01).putDouble(1.0); // sampled: not allowed
    bad.put((byte) 0x01).putDouble(1.0);
    IllegalArgumentException e = decodeFails(bad.array());
    assertTrue(
        e.getMessage()
            .startsWith(
                "invalid encoded event at byte 0: addOrRemoveOne must be free of"
                    + " PoissonSampledEvent"),
        e.getMessage());
    byte[] truncated = {0x08, 0x04, 0x3F, (byte) 0xF0, 0, 0, 0, 0, 0, 0};
    assertTrue(decodeFails(truncated).getMessage().contains("truncated"));
  }

  private static IllegalArgumentException decodeFails(byte[] bytes) {
    return assertThrows(IllegalArgumentException.class, () -> EventCodec.decode(bytes));
  }

  @Test
  void unknownTagsAreRejectedWithTheirOffset() {
    IllegalArgumentException e = decodeFails(new byte[] {0x09, 0, 0, 0, 0, 0, 0, 0, 0});
    assertTrue(
        e.getMessage().startsWith("event tag must be 1 to 8 (encoding version 1), got 9 at byte 0"),
        e.getMessage());
    IllegalArgumentException nested = decodeFails(new byte[] {0x06, 0, 0, 0, 0, 0, 0, 0, 1, 0x00});
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
    assertTrue(
        decodeFails(delta.array()).getMessage().contains("delta must be in [0, 1), got 1.0"));
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
