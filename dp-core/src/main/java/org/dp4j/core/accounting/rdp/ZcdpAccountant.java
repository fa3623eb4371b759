package org.dp4j.core.accounting.rdp;

import java.util.Optional;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.univariate.BrentOptimizer;
import org.apache.commons.math3.optim.univariate.SearchInterval;
import org.apache.commons.math3.optim.univariate.UnivariateObjectiveFunction;
import org.apache.commons.math3.optim.univariate.UnivariatePointValuePair;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.event.ComposedEvent;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.LaplaceEvent;
import org.dp4j.core.event.PoissonSampledEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.event.SelfComposedEvent;
import org.dp4j.core.event.ZcdpEvent;
import org.dp4j.core.internal.AbstractAccountant;
import org.dp4j.core.internal.Checks;
import org.dp4j.core.internal.CompositionFold;

/**
 * Zero-concentrated differential privacy accountant (Bun &amp; Steinke 2016, "Concentrated
 * Differential Privacy: Simplifications, Extensions, and Lower Bounds", TCC): keeps one running
 * {@code rho}, which adds up under composition (Bun &amp; Steinke 2016, Lemma 1.7), and converts to
 * (epsilon, delta)-DP with the Canonne-Kamath-Steinke 2020 bound (Prop. 12) minimised over a
 * <em>continuous</em> Renyi order, since rho-zCDP is {@code (alpha, alpha rho)}-RDP for every
 * {@code alpha > 1}:
 *
 * <pre>
 * epsilon = inf_{alpha > 1} [alpha rho + log(1 - 1/alpha) - (log delta + log alpha) / (alpha - 1)]
 * </pre>
 *
 * <p>The minimisation runs in {@code t = log(alpha - 1)}: a coarse scan around the analytic optimum
 * of the simpler bound, then Brent's method, to about {@code 1e-12} relative in epsilon. Any order
 * gives a valid bound, so the search affects only tightness, never validity.
 *
 * <h2>Events</h2>
 *
 * Noise multipliers are divided by {@link NeighbouringRelation#sumSensitivityFactor()}.
 *
 * <ul>
 *   <li>{@link GaussianEvent}: {@code rho = 1 / (2 sigma^2)} (Bun &amp; Steinke 2016, Prop. 1.6);
 *       {@code sigma == 0} gives {@code +Infinity}.
 *   <li>Pure {@link EpsilonDeltaEvent}: {@code rho = epsilon tanh(epsilon / 2)}, the smallest rho
 *       valid for every epsilon-DP mechanism (see {@link #pureRho}); below Bun &amp; Steinke's
 *       {@code epsilon^2 / 2} (2016, Prop. 1.4) for every {@code epsilon > 0}. Approximate ({@code
 *       delta > 0}) events are unsupported.
 *   <li>{@link LaplaceEvent} with scale {@code b}: it is {@code (1/b)}-DP, hence {@code rho = (1/b)
 *       tanh(1/(2b))} as above. Looser than {@link RdpAccountant}'s exact Laplace curve.
 *   <li>{@link ZcdpEvent}: its {@code rho}.
 *   <li>{@link SelfComposedEvent}, {@link ComposedEvent}: sums; the whole tree is validated first.
 *   <li>{@link PoissonSampledEvent} with sampling rate below 1 is unsupported: zCDP is not
 *       amplified by subsampling in general (Bun, Dwork, Rothblum &amp; Steinke 2018 introduce
 *       truncated CDP for that reason); use {@link RdpAccountant}. Rate 1 is no sampling.
 * </ul>
 *
 * <p>Rounding is pessimistic throughout (see {@link RdpAccountant}). Not thread-safe.
 */
public final class ZcdpAccountant extends AbstractAccountant<ZcdpAccountant> {

  /** Half-width, in {@code t = log(alpha - 1)}, of the coarse scan around the starting guess. */
  private static final double SCAN_HALF_WIDTH = 12.0;

  /** Step of the coarse scan in {@code t}. */
  private static final double SCAN_STEP = 0.25;

  private static final Reasons REASONS = new Reasons();

  private double rho;

  /** An accountant for {@link NeighbouringRelation#ADD_OR_REMOVE_ONE}. */
  public ZcdpAccountant() {
    this(NeighbouringRelation.ADD_OR_REMOVE_ONE);
  }

  /**
   * An accountant for the given relation.
   *
   * @param relation the neighbouring relation, not null
   */
  public ZcdpAccountant(NeighbouringRelation relation) {
    super(relation);
  }

  private ZcdpAccountant(ZcdpAccountant other) {
    super(other);
    this.rho = other.rho;
  }

  /**
   * The running zCDP parameter of everything composed, rounded up.
   *
   * @return rho {@code >= 0}, {@code +Infinity} when some event had no noise
   */
  public double rho() {
    return rho;
  }

  @Override
  protected Optional<String> unsupportedPart(PrivacyEvent resolved) {
    return REASONS.reason(resolved);
  }

  @Override
  protected void add(PrivacyEvent resolved) {
    rho = RoundUp.sum(rho, resolved.accept(new Rho(relation().sumSensitivityFactor()), null));
  }

  /**
   * {@inheritDoc}
   *
   * <p>The continuous-order CKS bound, clamped at 0; 0 also when the total-variation bound {@code
   * sqrt(1 - e^{-rho})} is at most delta; {@code +Infinity} for {@code delta == 0} unless {@code
   * rho == 0}.
   *
   * @throws IllegalArgumentException when {@code delta} is not in {@code [0, 1)} (NaN included)
   */
  @Override
  public double epsilon(double delta) {
    Checks.delta("delta", delta);
    return epsilon(rho, delta);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when {@code epsilon} is negative, infinite or NaN
   */
  @Override
  public double delta(double epsilon) {
    Checks.nonNegativeFinite("epsilon", epsilon);
    return delta(rho, epsilon);
  }

  @Override
  public ZcdpAccountant copy() {
    return new ZcdpAccountant(this);
  }

  @Override
  public String toString() {
    return "ZcdpAccountant[relation=" + relation() + ", rho=" + rho + "]";
  }

  // ---------------------------------------------------------------------------------------------

  /** Why an event has no zCDP bound (see the class documentation). */
  private static final class Reasons extends RenyiReasons {

    Reasons() {
      super("zCDP");
    }

    @Override
    Optional<String> sampledReason(PoissonSampledEvent event) {
      return Optional.of(
          "zCDP is not amplified by subsampling in general (Bun, Dwork, Rothblum & Steinke 2018);"
              + " use RdpAccountant for Poisson-sampled events");
    }
  }

  /** rho of a validated event, rounded up: it adds up under composition. */
  private static final class Rho extends CompositionFold<Double, Void> {
    private final double factor;

    Rho(double factor) {
      this.factor = factor;
    }

    @Override
    public Double gaussian(GaussianEvent event, Void none) {
      double sigma = event.noiseMultiplier() / factor;
      return sigma == 0.0
          ? Double.POSITIVE_INFINITY
          : RoundUp.relative(0.5 / (sigma * sigma), RoundUp.CLOSED_FORM_ERROR);
    }

    @Override
    public Double laplace(LaplaceEvent event, Void none) {
      double scale = event.noiseMultiplier() / factor;
      return scale == 0.0 ? Double.POSITIVE_INFINITY : pureRho(1.0 / scale);
    }

    @Override
    public Double epsilonDelta(EpsilonDeltaEvent event, Void none) {
      return pureRho(event.epsilon());
    }

    @Override
    public Double zcdp(ZcdpEvent event, Void none) {
      return event.rho();
    }

    @Override
    public Double poissonSampled(PoissonSampledEvent event, Void none) {
      return event.event().accept(this, none); // validated: sampling rate 1
    }

    @Override
    protected Double repeat(Double once, long count) {
      return RoundUp.product((double) count, once);
    }

    @Override
    protected Double empty() {
      return 0.0;
    }

    @Override
    protected Double then(Double total, Double next) {
      return RoundUp.sum(total, next);
    }
  }

  /**
   * The zCDP parameter of an epsilon-DP mechanism, rounded up: {@code rho = epsilon tanh(epsilon /
   * 2)}, or Bun &amp; Steinke's {@code epsilon^2 / 2} (2016, Prop. 1.4) if that rounds lower.
   *
   * <p>Why it is valid: binary randomized response with parameter epsilon is the worst epsilon-DP
   * mechanism for every Renyi divergence (Kairouz, Oh &amp; Viswanath 2015, Thm. 2.1, with the
   * data-processing inequality, van Erven &amp; Harremoes 2014, Thm. 9), and its divergence of
   * order {@code alpha} is {@code D = [log cosh((2 alpha - 1) x) - log cosh(x)] / (alpha - 1)} with
   * {@code x = epsilon / 2} (Mironov 2017, Prop. 5, rewritten). The function {@code psi(v) = log
   * cosh(sqrt v)} is concave ({@code psi'(v) = tanh(sqrt v) / (2 sqrt v)} decreases), so {@code
   * psi(t^2 x^2) - psi(x^2) <= psi'(x^2) (t^2 - 1) x^2} with {@code t = 2 alpha - 1}, {@code t^2 -
   * 1 = 4 alpha (alpha - 1)}, which gives {@code D <= alpha epsilon tanh(epsilon / 2)} for every
   * {@code alpha > 1}: the zCDP condition. As {@code alpha -> 1}, {@code D} tends to the
   * Kullback-Leibler divergence {@code epsilon tanh(epsilon / 2)}, so no smaller rho is valid. The
   * proof is written out in {@code docs/accounting-rdp.md}; optimal pure-DP-to-zCDP conversions are
   * also the subject of "Tight RDP &amp; zCDP Bounds from Pure DP"
   * (differentialprivacy.org/pdp-to-zcdp).
   *
   * @param epsilon finite and {@code >= 0}
   * @return rho, {@code >= 0}
   */
  static double pureRho(double epsilon) {
    double tight = RoundUp.relative(epsilon * Math.tanh(0.5 * epsilon), RoundUp.CLOSED_FORM_ERROR);
    double earlier = RoundUp.relative(0.5 * epsilon * epsilon, RoundUp.CLOSED_FORM_ERROR);
    double smaller = Math.min(tight, earlier);
    // Below about epsilon = 1e-154 both underflow to 0; the true rho is positive.
    return smaller > 0 || epsilon == 0.0 ? smaller : Double.MIN_VALUE;
  }

  /** The continuous-order CKS epsilon of rho-zCDP at delta; package-private for tests. */
  static double epsilon(double rho, double delta) {
    if (rho == 0.0 || RdpConversion.totalVariationBound(rho) <= delta) {
      return 0.0;
    }
    if (delta == 0.0 || rho == Double.POSITIVE_INFINITY) {
      return Double.POSITIVE_INFINITY;
    }
    double logDelta = Math.log(delta);
    // alpha - 1 = sqrt(log(1/delta) / rho) minimises the simpler bound alpha rho +
    // log(1/delta)/(alpha-1)
    double start = 0.5 * Math.log(-logDelta / rho);
    double best =
        minimiseOverOrder(
            rho,
            (alphaMinusOne, alphaRho) -> RdpConversion.epsilonAt(alphaMinusOne, alphaRho, logDelta),
            start);
    return Math.max(0.0, best);
  }

  /** The continuous-order CKS delta of rho-zCDP at epsilon; package-private for tests. */
  static double delta(double rho, double epsilon) {
    if (rho == 0.0) {
      return 0.0;
    }
    if (rho == Double.POSITIVE_INFINITY) {
      return 1.0;
    }
    // the exponent (alpha - 1)(alpha rho - epsilon) is smallest near alpha - 1 = (epsilon - rho) /
    // (2 rho)
    double start = Math.log(Math.max((epsilon - rho) / (2.0 * rho), 1e-3));
    double bestLog =
        minimiseOverOrder(
            rho,
            (alphaMinusOne, alphaRho) -> RdpConversion.logDeltaAt(alphaMinusOne, alphaRho, epsilon),
            start);
    double cks = bestLog < 0.0 ? Math.nextUp(Math.exp(bestLog)) : 1.0;
    return Math.min(cks, RdpConversion.totalVariationBound(rho));
  }

  /**
   * Minimises {@code bound(alpha - 1, alpha rho)} over the order {@code alpha = 1 + e^t}, with
   * {@code alpha rho} rounded up (see {@link #minimiseOverLogOrder}).
   */
  private static double minimiseOverOrder(double rho, DoubleBinaryOperator bound, double start) {
    return minimiseOverLogOrder(
        t -> {
          double alphaMinusOne = Math.exp(t);
          double alphaRho =
              RoundUp.relative((1.0 + alphaMinusOne) * rho, RoundUp.CLOSED_FORM_ERROR);
          return bound.applyAsDouble(alphaMinusOne, alphaRho);
        },
        start);
  }

  /**
   * Minimises {@code f(t)} over real {@code t}: a scan of step {@link #SCAN_STEP} over {@code start
   * +- SCAN_HALF_WIDTH}, then Brent's method on the two scan cells around the best point. Returns
   * the smallest value seen, which is itself a valid bound whatever the minimiser's accuracy.
   */
  private static double minimiseOverLogOrder(DoubleUnaryOperator f, double start) {
    int cells = (int) Math.round(2 * SCAN_HALF_WIDTH / SCAN_STEP);
    double from = start - SCAN_HALF_WIDTH;
    double bestT = from;
    double bestValue = Double.POSITIVE_INFINITY;
    for (int i = 0; i <= cells; i++) {
      double t = from + i * SCAN_STEP;
      double value = f.applyAsDouble(t);
      if (value < bestValue) {
        bestValue = value;
        bestT = t;
      }
    }
    if (bestValue == Double.POSITIVE_INFINITY) {
      return bestValue;
    }
    BrentOptimizer brent = new BrentOptimizer(1e-12, 1e-14);
    UnivariatePointValuePair refined =
        brent.optimize(
            new MaxEval(500),
            new UnivariateObjectiveFunction(f::applyAsDouble),
            GoalType.MINIMIZE,
            new SearchInterval(bestT - SCAN_STEP, bestT + SCAN_STEP, bestT));
    return Math.min(bestValue, refined.getValue());
  }
}
