package org.dp4j.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.Test;

class CompositionFoldTest {

  /** Bottom up: the sum of the mechanisms' epsilons (a Laplace multiplier b counts 1/b). */
  private static final class EpsilonSum extends CompositionFold<Double, Void> {
    @Override
    public Double gaussian(GaussianEvent event, Void none) {
      return Double.NaN;
    }

    @Override
    public Double laplace(LaplaceEvent event, Void none) {
      return 1 / event.noiseMultiplier();
    }

    @Override
    public Double epsilonDelta(EpsilonDeltaEvent event, Void none) {
      return event.epsilon();
    }

    @Override
    public Double zcdp(ZcdpEvent event, Void none) {
      return Double.NaN;
    }

    @Override
    public Double poissonSampled(PoissonSampledEvent event, Void none) {
      return event.samplingRate() * event.event().accept(this, none);
    }

    @Override
    protected Double repeat(Double once, long count) {
      return count * once;
    }

    @Override
    protected Double empty() {
      return 0.0;
    }

    @Override
    protected Double then(Double total, Double next) {
      return total + next;
    }
  }

  /** Top down: each mechanism with its multiplicity, in order. */
  private static final class Multiplicities extends CompositionWalk<Long> {
    final List<String> seen = new ArrayList<>();

    private Void seen(PrivacyEvent event, long multiplicity) {
      seen.add(event.getClass().getSimpleName() + " x" + multiplicity);
      return null;
    }

    @Override
    protected Long repeatContext(Long multiplicity, long count) {
      return Math.multiplyExact(multiplicity, count);
    }

    @Override
    public Void gaussian(GaussianEvent event, Long multiplicity) {
      return seen(event, multiplicity);
    }

    @Override
    public Void laplace(LaplaceEvent event, Long multiplicity) {
      return seen(event, multiplicity);
    }

    @Override
    public Void epsilonDelta(EpsilonDeltaEvent event, Long multiplicity) {
      return seen(event, multiplicity);
    }

    @Override
    public Void zcdp(ZcdpEvent event, Long multiplicity) {
      return seen(event, multiplicity);
    }

    @Override
    public Void poissonSampled(PoissonSampledEvent event, Long multiplicity) {
      return seen(event, multiplicity);
    }
  }

  private static final PrivacyEvent NESTED =
      new SelfComposedEvent(
          ComposedEvent.of(
              new LaplaceEvent(2.0),
              new SelfComposedEvent(EpsilonDeltaEvent.pure(0.25), 3),
              new PoissonSampledEvent(0.5, new GaussianEvent(1.0)),
              ComposedEvent.of()),
          4);

  @Test
  void bottomUpResultsCombineThroughRepeatAndThen() {
    PrivacyEvent pure =
        new SelfComposedEvent(
            ComposedEvent.of(
                new LaplaceEvent(2.0), new SelfComposedEvent(EpsilonDeltaEvent.pure(0.25), 3)),
            4);
    assertEquals(4 * (0.5 + 3 * 0.25), pure.accept(new EpsilonSum(), null));
    assertEquals(0.0, ComposedEvent.of().accept(new EpsilonSum(), null));
  }

  @Test
  void topDownTheMultiplicityReachesEveryMechanismInOrder() {
    Multiplicities walk = new Multiplicities();
    NESTED.accept(walk, 1L);
    assertEquals(
        List.of("LaplaceEvent x4", "EpsilonDeltaEvent x12", "PoissonSampledEvent x4"), walk.seen);
  }

  @Test
  void aPerRelationEventMustBeResolvedFirst() {
    PrivacyEvent event = ComposedEvent.of(PerRelationEvent.sameForBoth(new LaplaceEvent(1.0)));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> event.accept(new Multiplicities(), 1L));
    assertTrue(e.getMessage().startsWith("a PerRelationEvent must be resolved"), e.getMessage());
  }
}
