package org.dp4j.core.budget;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.accounting.PrivacyAccountant;
import org.dp4j.core.accounting.UnsupportedEventException;
import org.dp4j.core.event.ComposedEvent;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.LaplaceEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.event.SelfComposedEvent;
import org.dp4j.core.internal.EventLog;

/**
 * Test fixture: basic composition (Dwork &amp; Roth 2014, Thm. 3.16) of pure and approximate DP
 * events and Laplace events; epsilons and deltas add. Sums are exact (BigDecimal), so the result
 * does not depend on composition order, and are rounded up to a double. Gaussian, zCDP and sampled
 * events are unsupported, which the tests use as "unknown event types". It is a public, no-arg
 * class so the crash test's child JVM can build it and the ledger can check its name.
 */
public final class SumAccountant implements PrivacyAccountant {

  private final EventLog log;
  private BigDecimal epsilon;
  private BigDecimal delta;
  private boolean infinite;

  public SumAccountant() {
    this(new EventLog(), BigDecimal.ZERO, BigDecimal.ZERO, false);
  }

  private SumAccountant(EventLog log, BigDecimal epsilon, BigDecimal delta, boolean infinite) {
    this.log = log;
    this.epsilon = epsilon;
    this.delta = delta;
    this.infinite = infinite;
  }

  @Override
  public NeighbouringRelation relation() {
    return NeighbouringRelation.ADD_OR_REMOVE_ONE;
  }

  @Override
  public Optional<String> unsupportedReason(PrivacyEvent event) {
    if (event instanceof EpsilonDeltaEvent || event instanceof LaplaceEvent) {
      return Optional.empty();
    }
    if (event instanceof SelfComposedEvent self) {
      return unsupportedReason(self.event());
    }
    if (event instanceof ComposedEvent composed) {
      for (PrivacyEvent e : composed.events()) {
        Optional<String> reason = unsupportedReason(e);
        if (reason.isPresent()) {
          return reason;
        }
      }
      return Optional.empty();
    }
    return Optional.of(event.getClass().getSimpleName() + " is not supported by SumAccountant");
  }

  @Override
  public PrivacyAccountant compose(PrivacyEvent event) {
    Optional<String> reason = unsupportedReason(event);
    if (reason.isPresent()) {
      throw new UnsupportedEventException("SumAccountant", event, reason.get());
    }
    double[] cost = cost(event);
    if (Double.isInfinite(cost[0]) || Double.isInfinite(cost[1])) {
      infinite = true;
    } else {
      epsilon = epsilon.add(new BigDecimal(cost[0]));
      delta = delta.add(new BigDecimal(cost[1]));
    }
    log.add(event);
    return this;
  }

  private static double[] cost(PrivacyEvent event) {
    if (event instanceof EpsilonDeltaEvent ed) {
      return new double[] {ed.epsilon(), ed.delta()};
    }
    if (event instanceof LaplaceEvent laplace) {
      return new double[] {1.0 / laplace.noiseMultiplier(), 0.0};
    }
    if (event instanceof SelfComposedEvent self) {
      double[] one = cost(self.event());
      return new double[] {one[0] * self.count(), one[1] * self.count()};
    }
    ComposedEvent composed = (ComposedEvent) event;
    double[] sum = new double[2];
    for (PrivacyEvent e : composed.events()) {
      double[] c = cost(e);
      sum[0] += c[0];
      sum[1] += c[1];
    }
    return sum;
  }

  @Override
  public double epsilon(double targetDelta) {
    if (infinite || new BigDecimal(targetDelta).compareTo(delta) < 0) {
      return Double.POSITIVE_INFINITY;
    }
    return roundUp(epsilon);
  }

  @Override
  public double delta(double targetEpsilon) {
    if (infinite || new BigDecimal(targetEpsilon).compareTo(epsilon) < 0) {
      return 1.0;
    }
    return Math.min(1.0, roundUp(delta));
  }

  private static double roundUp(BigDecimal exact) {
    double nearest = exact.doubleValue();
    return Double.isFinite(nearest) && new BigDecimal(nearest).compareTo(exact) < 0
        ? Math.nextUp(nearest)
        : nearest;
  }

  @Override
  public List<PrivacyEvent> events() {
    return log.snapshot();
  }

  @Override
  public PrivacyAccountant copy() {
    return new SumAccountant(log.copy(), epsilon, delta, infinite);
  }
}
