package org.dp4j.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dp4j.core.NeighbouringRelation;
import org.junit.jupiter.api.Test;

class PerRelationEventTest {

  private static final PrivacyEvent SAMPLED = new PoissonSampledEvent(0.5, new GaussianEvent(1));
  private static final PrivacyEvent ZERO = EpsilonDeltaEvent.pure(0);

  @Test
  void branchesAreReturnedPerRelation() {
    GaussianEvent addOrRemove = new GaussianEvent(2.0);
    LaplaceEvent replace = new LaplaceEvent(3.0);
    PerRelationEvent event = PerRelationEvent.of(addOrRemove, replace);
    assertSame(addOrRemove, event.branch(NeighbouringRelation.ADD_OR_REMOVE_ONE));
    assertSame(replace, event.branch(NeighbouringRelation.REPLACE_ONE));
    assertEquals(new PerRelationEvent(addOrRemove, replace), event);
    PerRelationEvent same = PerRelationEvent.sameForBoth(addOrRemove);
    assertSame(addOrRemove, same.addOrRemoveOne());
    assertSame(addOrRemove, same.replaceOne());
  }

  @Test
  void compositionsAreAllowedInsideABranch() {
    PrivacyEvent composed =
        ComposedEvent.of(new SelfComposedEvent(EpsilonDeltaEvent.pure(0.1), 3), new ZcdpEvent(0.2));
    assertEquals(composed, PerRelationEvent.of(composed, ComposedEvent.of()).addOrRemoveOne());
  }

  @Test
  void poissonSamplingInsideABranchIsRejectedByName() {
    IllegalArgumentException direct =
        assertThrows(
            IllegalArgumentException.class,
            () -> PerRelationEvent.of(SAMPLED, new GaussianEvent(1)));
    assertTrue(
        direct.getMessage().startsWith("addOrRemoveOne must be free of PoissonSampledEvent"),
        direct.getMessage());
    IllegalArgumentException nested =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                PerRelationEvent.of(
                    new GaussianEvent(1),
                    ComposedEvent.of(new ZcdpEvent(1), new SelfComposedEvent(SAMPLED, 2))));
    assertTrue(
        nested.getMessage().startsWith("replaceOne must be free of PoissonSampledEvent"),
        nested.getMessage());
    // Sampling the whole per-relation release is the way to write it.
    PrivacyEvent sampledRelease =
        new PoissonSampledEvent(0.5, PerRelationEvent.sameForBoth(new GaussianEvent(1)));
    assertTrue(sampledRelease instanceof PoissonSampledEvent);
  }

  @Test
  void nestedPerRelationEventsAreRejected() {
    PerRelationEvent inner = PerRelationEvent.sameForBoth(new GaussianEvent(1));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PerRelationEvent.of(new GaussianEvent(1), ComposedEvent.of(inner)));
    assertTrue(
        e.getMessage().startsWith("replaceOne must be free of nested PerRelationEvent"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PerRelationEvent.sameForBoth(inner));
  }

  @Test
  void nullsAreRejected() {
    NullPointerException first =
        assertThrows(NullPointerException.class, () -> PerRelationEvent.of(null, ZERO));
    assertEquals("addOrRemoveOne must not be null", first.getMessage());
    NullPointerException second =
        assertThrows(NullPointerException.class, () -> PerRelationEvent.of(ZERO, null));
    assertEquals("replaceOne must not be null", second.getMessage());
    assertThrows(NullPointerException.class, () -> PerRelationEvent.sameForBoth(null));
    assertThrows(NullPointerException.class, () -> PerRelationEvent.sameForBoth(ZERO).branch(null));
  }
}
