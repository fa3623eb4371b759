package org.dp4j.core.accounting.rdp;

import java.util.Optional;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.LaplaceEvent;
import org.dp4j.core.event.PoissonSampledEvent;
import org.dp4j.core.event.ZcdpEvent;
import org.dp4j.core.internal.ReasonFold;

/**
 * Why an event has no Renyi-type bound, for {@link RdpAccountant} and {@link ZcdpAccountant}: both
 * bound Gaussian, Laplace, pure (epsilon, delta) and zCDP events and no approximate ones, and read
 * Poisson sampling at rate 1 as no sampling; they differ in what they accept at lower rates ({@link
 * #sampledReason}).
 */
abstract class RenyiReasons extends ReasonFold {

  private final String bound;

  /**
   * @param bound the name of the bound, such as {@code "Renyi-DP"}
   */
  RenyiReasons(String bound) {
    this.bound = bound;
  }

  /** Why a Poisson-sampled event with a sampling rate below 1 has no bound here, or empty. */
  abstract Optional<String> sampledReason(PoissonSampledEvent event);

  @Override
  public final Optional<String> gaussian(GaussianEvent event, Void none) {
    return Optional.empty();
  }

  @Override
  public final Optional<String> laplace(LaplaceEvent event, Void none) {
    return Optional.empty();
  }

  @Override
  public final Optional<String> epsilonDelta(EpsilonDeltaEvent event, Void none) {
    return event.isPure()
        ? Optional.empty()
        : Optional.of(
            "approximate (epsilon, delta)-DP with delta > 0 implies no "
                + bound
                + " bound (its delta part may hide an unbounded privacy loss); use a composition"
                + " accountant");
  }

  @Override
  public final Optional<String> zcdp(ZcdpEvent event, Void none) {
    return Optional.empty();
  }

  @Override
  public final Optional<String> poissonSampled(PoissonSampledEvent event, Void none) {
    return event.samplingRate() == 1.0 ? reason(event.event()) : sampledReason(event);
  }
}
