package org.dp4j.core.accounting.rdp;

import java.util.Arrays;
import java.util.Optional;
import java.util.function.IntToDoubleFunction;
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
import org.dp4j.core.internal.CompositionWalk;

/**
 * Renyi differential privacy accountant (Mironov 2017, "Renyi Differential Privacy", CSF): keeps an
 * upper bound on the Renyi divergence of every order in a fixed grid, adds events' bounds on
 * composition (Mironov 2017, Prop. 1), and converts to (epsilon, delta)-DP with the bound of
 * Canonne, Kamath &amp; Steinke 2020, Prop. 12, minimised over the grid.
 *
 * <h2>Events</h2>
 *
 * RDP of order {@code alpha} per event, with noise multipliers divided by {@link
 * NeighbouringRelation#sumSensitivityFactor()} of the configured relation:
 *
 * <ul>
 *   <li>{@link GaussianEvent}: {@code alpha / (2 sigma^2)} (Mironov 2017, Prop. 7); {@code sigma ==
 *       0} gives {@code +Infinity}.
 *   <li>{@link LaplaceEvent} with scale {@code b}: {@code log(alpha/(2alpha-1) e^{(alpha-1)/b} +
 *       (alpha-1)/(2alpha-1) e^{-alpha/b}) / (alpha-1)} (Mironov 2017, Prop. 6), evaluated without
 *       cancellation; {@code b == 0} gives {@code +Infinity}.
 *   <li>Pure {@link EpsilonDeltaEvent} ({@code delta == 0}): the Renyi divergence of binary
 *       randomized response with {@code p = e^epsilon / (1 + e^epsilon)}, {@code log((e^{alpha
 *       epsilon} + e^{(1 - alpha) epsilon}) / (1 + e^epsilon)) / (alpha - 1)} (Mironov 2017, Prop.
 *       5), see {@link #randomizedResponseRdp}. It bounds every epsilon-DP mechanism: each such
 *       mechanism's pair of output distributions is a post-processing of randomized response's
 *       (Kairouz, Oh &amp; Viswanath 2015, Thm. 2.1, with delta = 0), and Renyi divergence cannot
 *       grow under post-processing (van Erven &amp; Harremoes 2014, Thm. 9). It is below the
 *       earlier {@code min(epsilon, alpha epsilon^2 / 2)} (max-divergence, van Erven &amp;
 *       Harremoes 2014, Thm. 3; Bun &amp; Steinke 2016, Prop. 3.3), and the smaller of the two
 *       rounded-up values is used. Approximate events ({@code delta > 0}) are unsupported: their
 *       delta part has no Renyi bound.
 *   <li>{@link ZcdpEvent}: {@code alpha rho} (Bun &amp; Steinke 2016, Def. 1.1).
 *   <li>{@link PoissonSampledEvent} of a {@link GaussianEvent} (DP-SGD): the exact RDP of the
 *       sampled Gaussian mechanism (Mironov, Talwar &amp; Zhang 2019), exact binomial sum at
 *       integer orders and a tight quadrature at fractional orders, see {@code SampledGaussianRdp}
 *       and {@code docs/accounting-rdp.md}. Only under {@link
 *       NeighbouringRelation#ADD_OR_REMOVE_ONE}: that analysis is for add/remove neighbours.
 *       Sampling rate 1 is no sampling and accepts any supported inner event under either relation.
 *       Other inner events are unsupported.
 *   <li>{@link SelfComposedEvent} and {@link ComposedEvent}: sums, recursively. The whole tree is
 *       validated before anything changes.
 * </ul>
 *
 * <h2>Orders</h2>
 *
 * The default grid ({@link #defaultOrders()}, 177 orders) is the union of dp_accounting's and
 * Opacus' defaults plus a few orders that can only help: {@code 1.02, 1.04, 1.06, 1.08}; {@code
 * 1.1, 1.2, ..., 10.9}; {@code 11, 12, ..., 63}; {@code 64, 72, ..., 120}; {@code 128, 160, 192,
 * 224, 256, 320, 384, 448, 512, 640, 768, 896, 1024}. More orders never increase epsilon.
 *
 * <h2>Cost</h2>
 *
 * The state is one RDP value per order, so the cost of {@link #compose(PrivacyEvent)} never grows
 * with the history and {@link #epsilon(double)} is {@code O(#orders)}. The per-step vector of the
 * last (sampling rate, noise multiplier) seen is cached, so composing DP-SGD step by step costs one
 * vector addition per step.
 *
 * <h2>Rounding</h2>
 *
 * Every per-event value is rounded up (see {@code SampledGaussianRdp#ROUND_UP_RELATIVE} for the
 * sampled Gaussian), every addition and multiplication into the running vector rounds up, and the
 * conversion adds an explicit floating-point error bound: reported epsilon and delta are upper
 * bounds on what exact arithmetic would give.
 *
 * <p>Not thread-safe.
 */
public final class RdpAccountant extends AbstractAccountant<RdpAccountant> {

  /** Largest order accepted in a custom grid; integer orders cost one term per unit of order. */
  public static final double MAX_ORDER = 10_000.0;

  private static final double[] DEFAULT_ORDERS = buildDefaultOrders();

  /** Above {@code (alpha - 1) / b} of this size the Laplace formula is evaluated in log space. */
  private static final double LAPLACE_LOG_SPACE_FROM = 30.0;

  private final double[] orders;
  private final double[] rdp;
  private StepCurve lastSampledGaussian;

  /** An accountant for {@link NeighbouringRelation#ADD_OR_REMOVE_ONE} with the default orders. */
  public RdpAccountant() {
    this(NeighbouringRelation.ADD_OR_REMOVE_ONE);
  }

  /**
   * An accountant for the given relation with the default orders.
   *
   * @param relation the neighbouring relation, not null
   */
  public RdpAccountant(NeighbouringRelation relation) {
    this(relation, DEFAULT_ORDERS);
  }

  /**
   * An accountant for the given relation and Renyi orders.
   *
   * @param relation the neighbouring relation, not null
   * @param orders the orders, not null, non-empty, each finite and in {@code (1, }{@link
   *     #MAX_ORDER}{@code ]}, without duplicates; copied and sorted
   * @throws IllegalArgumentException naming the offending order
   */
  public RdpAccountant(NeighbouringRelation relation, double[] orders) {
    super(relation);
    this.orders = validatedOrders(orders);
    this.rdp = new double[this.orders.length];
  }

  private RdpAccountant(RdpAccountant other) {
    super(other);
    this.orders = other.orders;
    this.rdp = other.rdp.clone();
    this.lastSampledGaussian = other.lastSampledGaussian;
  }

  /**
   * The default Renyi orders (see the class documentation), increasing.
   *
   * @return a new copy of the grid
   */
  public static double[] defaultOrders() {
    return DEFAULT_ORDERS.clone();
  }

  /** {@return the orders of this accountant, increasing; a copy} */
  public double[] orders() {
    return orders.clone();
  }

  /**
   * The running RDP bound at each order of {@link #orders()}, in nats; {@code +Infinity} where no
   * finite bound holds.
   *
   * @return a new copy
   */
  public double[] rdp() {
    return rdp.clone();
  }

  @Override
  protected Optional<String> unsupportedPart(PrivacyEvent resolved) {
    return new Reasons(relation()).reason(resolved);
  }

  /** Adds the event's RDP to the running bound; the whole tree was validated first. */
  @Override
  protected void add(PrivacyEvent resolved) {
    double[] updated = rdp.clone();
    resolved.accept(new Accumulation(updated), 1.0);
    System.arraycopy(updated, 0, rdp, 0, rdp.length);
  }

  /**
   * {@inheritDoc}
   *
   * <p>{@code min over orders} of the Canonne-Kamath-Steinke bound, clamped at 0; 0 when the
   * Kullback-Leibler bound already gives total variation at most {@code delta} (see {@code
   * docs/accounting-rdp.md}); {@code +Infinity} for {@code delta == 0} unless nothing leaks.
   *
   * @throws IllegalArgumentException when {@code delta} is not in {@code [0, 1)} (NaN included)
   */
  @Override
  public double epsilon(double delta) {
    return epsilonAndOrder(delta).epsilon();
  }

  /**
   * The certified epsilon together with the order that attains it.
   *
   * @param delta target delta in {@code [0, 1)}
   * @return epsilon ({@code >= 0} or {@code +Infinity}) and its order ({@code NaN} when infinite)
   * @throws IllegalArgumentException when {@code delta} is not in {@code [0, 1)} (NaN included)
   */
  public EpsilonAndOrder epsilonAndOrder(double delta) {
    Checks.delta("delta", delta);
    return RdpConversion.epsilon(orders, rdp, delta);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when {@code epsilon} is negative, infinite or NaN
   */
  @Override
  public double delta(double epsilon) {
    Checks.nonNegativeFinite("epsilon", epsilon);
    return RdpConversion.delta(orders, rdp, epsilon);
  }

  @Override
  public RdpAccountant copy() {
    return new RdpAccountant(this);
  }

  @Override
  public String toString() {
    return "RdpAccountant[relation="
        + relation()
        + ", orders="
        + orders.length
        + ", events="
        + events().size()
        + "]";
  }

  // ---------------------------------------------------------------------------------------------

  /** Why an event has no Renyi-DP bound here (see the class documentation). */
  private static final class Reasons extends RenyiReasons {
    private final NeighbouringRelation relation;

    Reasons(NeighbouringRelation relation) {
      super("Renyi-DP");
      this.relation = relation;
    }

    @Override
    Optional<String> sampledReason(PoissonSampledEvent event) {
      if (relation != NeighbouringRelation.ADD_OR_REMOVE_ONE) {
        return Optional.of(
            "the Renyi-DP analysis of Poisson subsampling (Mironov, Talwar & Zhang 2019) holds for"
                + " add/remove-one neighbours, not for "
                + relation);
      }
      if (!(event.event() instanceof GaussianEvent)) {
        return Optional.of(
            "Poisson subsampling is analysed only for a Gaussian inner event, got "
                + event.event().getClass().getSimpleName());
      }
      return Optional.empty();
    }
  }

  /**
   * Adds a validated event's RDP into {@code target}, times its multiplicity (the context),
   * rounding up.
   */
  private final class Accumulation extends CompositionWalk<Double> {
    private final double[] target;

    Accumulation(double[] target) {
      this.target = target;
    }

    @Override
    protected Double repeatContext(Double times, long count) {
      return RoundUp.product(times, (double) count);
    }

    @Override
    public Void gaussian(GaussianEvent event, Double times) {
      double sigma = event.noiseMultiplier() / relation().sumSensitivityFactor();
      return addPerOrder(
          times,
          k ->
              sigma == 0.0
                  ? Double.POSITIVE_INFINITY
                  : RoundUp.relative(orders[k] / (2.0 * sigma * sigma), RoundUp.CLOSED_FORM_ERROR));
    }

    @Override
    public Void laplace(LaplaceEvent event, Double times) {
      double scale = event.noiseMultiplier() / relation().sumSensitivityFactor();
      return addPerOrder(times, k -> laplaceRdp(orders[k], scale));
    }

    @Override
    public Void epsilonDelta(EpsilonDeltaEvent event, Double times) {
      return addPerOrder(times, k -> randomizedResponseRdp(orders[k], event.epsilon()));
    }

    @Override
    public Void zcdp(ZcdpEvent event, Double times) {
      return addPerOrder(
          times, k -> RoundUp.relative(orders[k] * event.rho(), RoundUp.CLOSED_FORM_ERROR));
    }

    @Override
    public Void poissonSampled(PoissonSampledEvent event, Double times) {
      if (event.samplingRate() == 1.0) {
        return event.event().accept(this, times);
      }
      double sigma = ((GaussianEvent) event.event()).noiseMultiplier();
      double[] perStep = sampledGaussianCurve(event.samplingRate(), sigma);
      return addPerOrder(times, k -> perStep[k]);
    }

    /** {@code target[k] += times * perOrder(k)} at every order {@code k}, rounding up. */
    private Void addPerOrder(double times, IntToDoubleFunction perOrder) {
      for (int k = 0; k < orders.length; k++) {
        target[k] = RoundUp.sum(target[k], RoundUp.product(times, perOrder.applyAsDouble(k)));
      }
      return null;
    }
  }

  private double[] sampledGaussianCurve(double samplingRate, double noiseMultiplier) {
    StepCurve cached = lastSampledGaussian;
    if (cached != null
        && cached.samplingRate() == samplingRate
        && cached.noiseMultiplier() == noiseMultiplier) {
      return cached.rdp();
    }
    double[] curve = SampledGaussianRdp.perStep(samplingRate, noiseMultiplier, orders);
    lastSampledGaussian = new StepCurve(samplingRate, noiseMultiplier, curve);
    return curve;
  }

  /**
   * RDP of the Laplace mechanism with scale {@code b} (sensitivity 1) at order {@code alpha},
   * rounded up (Mironov 2017, Prop. 6). With {@code a = (alpha-1)/b} and {@code c = alpha/b}, the
   * argument of the log is {@code 1 + X}, {@code X = (alpha em(a) + (alpha-1) em(-c)) / (2 alpha -
   * 1)}, {@code em(x) = e^x - 1 - x >= 0}, because {@code alpha a = (alpha-1) c}; so {@code
   * log1p(X)} keeps full relative accuracy when the RDP is tiny.
   */
  static double laplaceRdp(double alpha, double b) {
    if (b == 0.0) {
      return Double.POSITIVE_INFINITY;
    }
    double alphaMinusOne = alpha - 1.0;
    double a = alphaMinusOne / b;
    double c = alpha / b;
    double twoAlphaMinusOne = alpha + alphaMinusOne;
    double value;
    if (a < LAPLACE_LOG_SPACE_FROM) {
      double x = (alpha * expm1MinusX(a) + alphaMinusOne * expm1MinusX(-c)) / twoAlphaMinusOne;
      value = Math.log1p(x) / alphaMinusOne;
    } else {
      double first = Math.log(alpha / twoAlphaMinusOne) + a;
      double second = Math.log(alphaMinusOne / twoAlphaMinusOne) - c;
      value = (first + Math.log1p(Math.exp(second - first))) / alphaMinusOne;
    }
    return RoundUp.relative(value, 4 * RoundUp.CLOSED_FORM_ERROR);
  }

  /**
   * RDP of order {@code alpha} of an epsilon-DP event, rounded up: the Renyi divergence of binary
   * randomized response, {@code D = log1p(X) / (alpha - 1)} with {@code X = (e^{alpha eps} + e^{(1
   * - alpha) eps}) / (1 + e^eps) - 1 = expm1(alpha eps) (1 - e^{-(alpha - 1) eps}) / (1 + e^eps)},
   * a product of positive factors (no cancellation, full relative accuracy when {@code D} is tiny),
   * evaluated in log space so that nothing overflows (Mironov 2017, Prop. 5; worst case over all
   * epsilon-DP mechanisms, see the class documentation). The result is never above the earlier
   * bound {@code min(eps, alpha eps^2 / 2)}, rounded up the same way: both are valid, and the
   * smaller is returned.
   *
   * @param alpha the order, {@code > 1}
   * @param epsilon the pure-DP parameter, finite and {@code >= 0}
   * @return the rounded-up RDP, {@code >= 0}
   */
  static double randomizedResponseRdp(double alpha, double epsilon) {
    double earlier =
        RoundUp.relative(
            Math.min(epsilon, 0.5 * alpha * epsilon * epsilon), RoundUp.CLOSED_FORM_ERROR);
    if (epsilon == 0.0) {
      return 0.0;
    }
    double alphaMinusOne = alpha - 1.0;
    // log X = log expm1(alpha eps) + log(1 - e^{-(alpha - 1) eps}) - log(1 + e^eps)
    double a = logExpm1(alpha * epsilon);
    double b = Math.log(-Math.expm1(-alphaMinusOne * epsilon));
    double c = epsilon + Math.log1p(Math.exp(-epsilon));
    double logX = a + b - c;
    double logOnePlusX = logX > 0 ? logX + Math.log1p(Math.exp(-logX)) : Math.log1p(Math.exp(logX));
    double value = logOnePlusX / alphaMinusOne;
    // Each of a, b, c is within a few ulps of its magnitude, so log X is within e = 4 u (|a| + |b|
    // + |c| + 1) absolutely. log(1 + e^y) has derivative sigmoid(y), so its relative error is at
    // most e sigmoid(y) / log(1 + e^y) <= e; the last operations add a few ulps.
    double logError = 4 * RoundUp.MACHINE_EPSILON * (Math.abs(a) + Math.abs(b) + Math.abs(c) + 1);
    double sigmoid = 1.0 / (1.0 + Math.exp(-logX));
    double error = logError * Math.min(1.0, sigmoid / logOnePlusX) + RoundUp.CLOSED_FORM_ERROR;
    double rounded = RoundUp.relative(value, error);
    double smaller = rounded >= 0 && rounded < earlier ? rounded : earlier;
    // Below about eps = 1e-154 both underflow to 0; the true divergence is positive.
    return smaller > 0 ? smaller : Double.MIN_VALUE;
  }

  /** {@code log(e^x - 1)} for {@code x > 0}, without overflow. */
  private static double logExpm1(double x) {
    return x + Math.log(-Math.expm1(-x));
  }

  /** {@code e^x - 1 - x} without cancellation: Taylor series for {@code |x| < 1/2}. */
  static double expm1MinusX(double x) {
    if (Math.abs(x) >= 0.5) {
      return Math.expm1(x) - x;
    }
    double term = 0.5 * x * x;
    double sum = term;
    for (int k = 3; k < 40 && Math.abs(term) > 1e-18 * sum; k++) {
      term *= x / k;
      sum += term;
    }
    return sum;
  }

  private static double[] validatedOrders(double[] orders) {
    Checks.notNull("orders", orders);
    Checks.require(orders.length > 0, "orders", "non-empty", Arrays.toString(orders));
    double[] sorted = orders.clone();
    for (int k = 0; k < sorted.length; k++) {
      Checks.require(
          sorted[k] > 1.0 && sorted[k] <= MAX_ORDER,
          "orders[" + k + "]",
          "finite and in (1, " + MAX_ORDER + "]",
          sorted[k]);
    }
    Arrays.sort(sorted);
    for (int k = 1; k < sorted.length; k++) {
      Checks.require(
          sorted[k] > sorted[k - 1], "orders", "free of duplicates", "two of " + sorted[k]);
    }
    return sorted;
  }

  private static double[] buildDefaultOrders() {
    double[] grid = new double[177];
    int n = 0;
    for (int x = 2; x <= 8; x += 2) {
      grid[n++] = 1.0 + x / 100.0;
    }
    for (int x = 1; x < 100; x++) {
      grid[n++] = 1.0 + x / 10.0; // the same doubles as dp_accounting's and Opacus' grids
    }
    for (int order = 11; order <= 63; order++) {
      grid[n++] = order;
    }
    for (int order = 64; order <= 120; order += 8) {
      grid[n++] = order;
    }
    for (int order : new int[] {128, 160, 192, 224, 256, 320, 384, 448, 512, 640, 768, 896, 1024}) {
      grid[n++] = order;
    }
    if (n != grid.length) {
      throw new AssertionError("default grid has " + n + " orders");
    }
    return grid;
  }

  /** The per-step RDP curve of one (sampling rate, noise multiplier) pair. */
  private record StepCurve(double samplingRate, double noiseMultiplier, double[] rdp) {}
}
