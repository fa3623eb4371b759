package org.dp4j.core.internal;

import java.util.List;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.LaplaceEvent;
import org.dp4j.core.event.PerRelationEvent;
import org.dp4j.core.event.PoissonSampledEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.event.ZcdpEvent;

/**
 * How many times one mechanism occurs in a list of events, repetitions counted: for example how
 * many DP-SGD steps a filter already holds. A mechanism is one event that is not a composition (a
 * Gaussian, Laplace, (epsilon, delta) or zCDP event, or a Poisson-sampled one); it is counted where
 * an equal event stands, and sampled or per-relation events are not looked into. Not public API.
 */
public final class MechanismCount extends CompositionFold<Long, Void> {

  private final PrivacyEvent mechanism;

  private MechanismCount(PrivacyEvent mechanism) {
    this.mechanism = mechanism;
  }

  /**
   * The number of occurrences of {@code mechanism} in {@code events}.
   *
   * @param mechanism the mechanism counted, not null
   * @param events the events, in order, not null
   * @return the count, {@code >= 0}
   * @throws ArithmeticException when a repetition count times what it repeats overflows
   */
  public static long in(List<PrivacyEvent> events, PrivacyEvent mechanism) {
    Checks.notNull("events", events);
    MechanismCount count = new MechanismCount(Checks.notNull("mechanism", mechanism));
    long total = 0;
    for (PrivacyEvent event : events) {
      total += event.accept(count, null);
    }
    return total;
  }

  private Long occurrences(PrivacyEvent event) {
    return event.equals(mechanism) ? 1L : 0L;
  }

  @Override
  public Long gaussian(GaussianEvent event, Void none) {
    return occurrences(event);
  }

  @Override
  public Long laplace(LaplaceEvent event, Void none) {
    return occurrences(event);
  }

  @Override
  public Long epsilonDelta(EpsilonDeltaEvent event, Void none) {
    return occurrences(event);
  }

  @Override
  public Long zcdp(ZcdpEvent event, Void none) {
    return occurrences(event);
  }

  @Override
  public Long poissonSampled(PoissonSampledEvent event, Void none) {
    return occurrences(event);
  }

  @Override
  public Long perRelation(PerRelationEvent event, Void none) {
    return occurrences(event);
  }

  @Override
  protected Long repeat(Long once, long count) {
    return Math.multiplyExact(count, once);
  }

  @Override
  protected Long empty() {
    return 0L;
  }

  @Override
  protected Long then(Long total, Long next) {
    return total + next;
  }
}
