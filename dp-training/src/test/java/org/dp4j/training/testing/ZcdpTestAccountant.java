package org.dp4j.training.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.accounting.PrivacyAccountant;
import org.dp4j.core.accounting.UnsupportedEventException;
import org.dp4j.core.event.ComposedEvent;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.PoissonSampledEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.event.SelfComposedEvent;

/**
 * A small, loose but valid accountant for tests of the training loop: Gaussian events as zCDP
 * ({@code rho = f^2 / (2 sigma^2)}, Bun &amp; Steinke 2016 Prop. 1.6, {@code f} the relation's
 * factor), Poisson sampling ignored (sampling never hurts, so this upper-bounds the sampled event),
 * conversion {@code epsilon = rho + 2 sqrt(rho log(1/delta))} (ibid. Prop. 1.3).
 */
public final class ZcdpTestAccountant implements PrivacyAccountant {

  private final NeighbouringRelation relation;
  private final List<PrivacyEvent> events = new ArrayList<>();
  private double rho;

  public ZcdpTestAccountant() {
    this(NeighbouringRelation.ADD_OR_REMOVE_ONE);
  }

  public ZcdpTestAccountant(NeighbouringRelation relation) {
    this.relation = relation;
  }

  @Override
  public NeighbouringRelation relation() {
    return relation;
  }

  @Override
  public Optional<String> unsupportedReason(PrivacyEvent event) {
    if (event instanceof GaussianEvent) {
      return Optional.empty();
    }
    if (event instanceof PoissonSampledEvent p) {
      return unsupportedReason(p.event());
    }
    if (event instanceof SelfComposedEvent s) {
      return unsupportedReason(s.event());
    }
    if (event instanceof ComposedEvent c) {
      return c.events().stream().map(this::unsupportedReason).flatMap(Optional::stream).findFirst();
    }
    return Optional.of("test accountant supports Gaussian events only");
  }

  private double rhoOf(PrivacyEvent event) {
    if (event instanceof GaussianEvent g) {
      double f = relation.sumSensitivityFactor();
      return g.noiseMultiplier() == 0
          ? Double.POSITIVE_INFINITY
          : f * f / (2 * g.noiseMultiplier() * g.noiseMultiplier());
    }
    if (event instanceof PoissonSampledEvent p) {
      return rhoOf(p.event());
    }
    if (event instanceof SelfComposedEvent s) {
      return s.count() * rhoOf(s.event());
    }
    double sum = 0;
    for (PrivacyEvent e : ((ComposedEvent) event).events()) {
      sum += rhoOf(e);
    }
    return sum;
  }

  @Override
  public ZcdpTestAccountant compose(PrivacyEvent event) {
    unsupportedReason(event)
        .ifPresent(
            r -> {
              throw new UnsupportedEventException("ZcdpTestAccountant", event, r);
            });
    rho += rhoOf(event);
    events.add(event);
    return this;
  }

  /** The composed rho. */
  public double rho() {
    return rho;
  }

  @Override
  public double epsilon(double delta) {
    if (rho == 0) {
      return 0;
    }
    return rho + 2 * Math.sqrt(rho * Math.log(1 / delta));
  }

  @Override
  public double delta(double epsilon) {
    if (rho == 0) {
      return 0;
    }
    if (epsilon <= rho) {
      return 1;
    }
    return Math.min(1, Math.exp(-(epsilon - rho) * (epsilon - rho) / (4 * rho)));
  }

  @Override
  public List<PrivacyEvent> events() {
    return List.copyOf(events);
  }

  @Override
  public ZcdpTestAccountant copy() {
    ZcdpTestAccountant c = new ZcdpTestAccountant(relation);
    c.events.addAll(events);
    c.rho = rho;
    return c;
  }
}
