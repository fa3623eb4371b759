package org.dp4j.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.dp4j.core.event.ComposedEvent;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.LaplaceEvent;
import org.dp4j.core.event.PerRelationEvent;
import org.dp4j.core.event.PoissonSampledEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.event.SelfComposedEvent;
import org.junit.jupiter.api.Test;

class MechanismCountTest {

  private static final PrivacyEvent STEP = new PoissonSampledEvent(0.01, new GaussianEvent(1.1));

  @Test
  void repetitionsAreCountedThroughNestedCompositions() {
    List<PrivacyEvent> events =
        List.of(
            STEP,
            new SelfComposedEvent(STEP, 10),
            ComposedEvent.of(
                new LaplaceEvent(1.0),
                new SelfComposedEvent(ComposedEvent.of(STEP, STEP, new GaussianEvent(1.1)), 3)),
            ComposedEvent.of());
    assertEquals(1 + 10 + 3 * 2, MechanismCount.in(events, STEP));
    assertEquals(3, MechanismCount.in(events, new GaussianEvent(1.1)));
    assertEquals(1, MechanismCount.in(events, new LaplaceEvent(1.0)));
    assertEquals(0, MechanismCount.in(List.of(), STEP));
  }

  @Test
  void sampledAndPerRelationEventsAreNotLookedInto() {
    List<PrivacyEvent> events =
        List.of(
            new PoissonSampledEvent(0.5, STEP),
            PerRelationEvent.sameForBoth(new GaussianEvent(1.1)),
            new PoissonSampledEvent(0.02, new GaussianEvent(1.1)));
    assertEquals(0, MechanismCount.in(events, STEP));
    assertEquals(0, MechanismCount.in(events, new GaussianEvent(1.1)));
    assertEquals(
        1, MechanismCount.in(events, PerRelationEvent.sameForBoth(new GaussianEvent(1.1))));
  }

  @Test
  void anOverflowingCountThrowsAndRepeatedNothingCountsZero() {
    PrivacyEvent huge = new SelfComposedEvent(new SelfComposedEvent(STEP, 1L << 40), 1L << 40);
    assertThrows(ArithmeticException.class, () -> MechanismCount.in(List.of(huge), STEP));
    PrivacyEvent other =
        new SelfComposedEvent(new SelfComposedEvent(new LaplaceEvent(1.0), 1L << 40), 1L << 40);
    assertEquals(0, MechanismCount.in(List.of(other), STEP));
  }

  @Test
  void nullsAreRejectedByName() {
    NullPointerException events =
        assertThrows(NullPointerException.class, () -> MechanismCount.in(null, STEP));
    assertEquals("events must not be null", events.getMessage());
    NullPointerException mechanism =
        assertThrows(NullPointerException.class, () -> MechanismCount.in(List.of(), null));
    assertEquals("mechanism must not be null", mechanism.getMessage());
  }
}
