package org.dp4j.core.accounting.pld;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.accounting.PrivacyAccountant;
import org.dp4j.core.accounting.UnsupportedEventException;
import org.dp4j.core.event.ComposedEvent;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.LaplaceEvent;
import org.dp4j.core.event.PoissonSampledEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.event.SelfComposedEvent;
import org.dp4j.core.event.ZcdpEvent;
import org.dp4j.core.internal.Checks;
import org.dp4j.core.internal.EventLog;
import org.dp4j.core.internal.RelationResolution;

/**
 * A numerical accountant over privacy loss distributions (PLDs): the tightest general-purpose
 * accountant in dp4j for Gaussian, Laplace, (epsilon, delta) and Poisson-subsampled events (Meiser
 * &amp; Mohammadi 2018; Sommer, Meiser &amp; Mohammadi 2019; Koskela, Jalko &amp; Honkela 2020,
 * 2021; Google DP team, "Privacy Loss Distributions", 2021).
 *
 * <p><b>Method.</b> Each distinct event is turned into its dominating pair of output distributions
 * and discretised onto a loss grid of spacing {@code h} by connect-the-dots (Doroshenko et al.
 * 2022), which over-approximates the pair's hockey-stick curve; repeated events are composed by
 * raising their FFT to the repetition count, distinct events by FFT convolution; tails outside the
 * computed window are bounded (Chernoff) and charged to delta, and so is a bound on the FFT's
 * rounding error (Higham 2002, Thm. 24.2, propagated through every power and convolution). The
 * result is an upper bound on delta at every epsilon, hence on epsilon at every delta; the
 * remaining rounding (of tails and splits, relative 1e-15 per mass) is covered by the relative
 * {@link #EPSILON_ROUNDING_SLACK} added to every epsilon. At extreme targets (delta below about
 * 1e-12) the rounding bound dominates and epsilon may be {@code +inf}. Under {@link NeighbouringRelation#ADD_OR_REMOVE_ONE} both orders of a neighbouring
 * pair are accounted (the "remove" and "add" PLDs differ for subsampled events) and the worse is
 * reported, as in Google's {@code dp_accounting}.
 *
 * <p><b>Grid.</b> With the no-argument and relation-only constructors, {@code h} is chosen from the
 * events when a result is first needed: {@code h = min(0.1 * min_i sd_i, 0.01)}, where {@code sd_i}
 * is the standard deviation of event {@code i}'s one-step privacy loss (a connect-the-dots bias of
 * order {@code h^2 / sd^2} per step, below 0.2% of epsilon on the reference grid), shrunk so that
 * it divides the atom location ({@code 1/b} or epsilon) of the smallest unsampled Laplace or
 * (epsilon, delta) event. The grid is coarsened by factors of 2 (more pessimistic, never less) only
 * when it would exceed the memory guards (2^20 points per step, 2^22 per composition); beyond about
 * 1e11 repetitions of one event that fails and epsilon is reported as {@code +inf}. A fixed {@code
 * valueDiscretizationInterval} is used as given (subject to the same guards).
 *
 * <p><b>Cost.</b> Results are computed lazily and cached until the next {@link #compose}: a
 * DP-SGD composition of 10,000 subsampled Gaussian steps takes some tens of milliseconds, further
 * {@code epsilon}/{@code delta} queries microseconds to a millisecond. Identical events are merged
 * regardless of order (composition is commutative), so recording one event per training step
 * costs one FFT exponentiation per query. {@link #copy()} shares the immutable cached PLDs.
 *
 * <p><b>Events.</b> {@link GaussianEvent}, {@link LaplaceEvent}, {@link EpsilonDeltaEvent} (as the
 * worst mechanism with that guarantee), {@link PoissonSampledEvent} of those three (nested sampling
 * multiplies the rates), {@link SelfComposedEvent} and {@link ComposedEvent}. Not supported: {@link
 * ZcdpEvent} (a zCDP guarantee does not determine a PLD), Poisson sampling of a composite event, and
 * Poisson sampling under {@link NeighbouringRelation#REPLACE_ONE}. Under {@code REPLACE_ONE},
 * Gaussian and Laplace noise multipliers are divided by {@link
 * NeighbouringRelation#sumSensitivityFactor()}. A noise multiplier of 0 is a mechanism without
 * noise: infinite loss (epsilon {@code +inf}), or loss {@code +inf} with probability {@code q} when
 * Poisson-sampled; so is, pessimistically, a multiplier below 1e-6 (whose loss exceeds 1e11).
 *
 * <p>Not thread-safe.
 */
public final class PldAccountant implements PrivacyAccountant {

  /** The default neighbouring relation. */
  public static final NeighbouringRelation DEFAULT_RELATION = NeighbouringRelation.ADD_OR_REMOVE_ONE;

  /** Adaptive grid: spacing as a fraction of the smallest one-step loss standard deviation. */
  public static final double ADAPTIVE_SD_FRACTION = 0.1;

  /** Adaptive grid: largest spacing used. */
  public static final double ADAPTIVE_MAX_INTERVAL = 0.01;

  /** Relative upward rounding of every reported epsilon, covering floating-point error. */
  public static final double EPSILON_ROUNDING_SLACK = 1e-6;

  /** Largest one-step grid before the spacing is coarsened, in points. */
  private static final long ONE_STEP_POINTS_LIMIT = 1L << 20;

  /** Largest composition result before the spacing is coarsened, in points. */
  private static final long WINDOW_POINTS_LIMIT = PldComposition.MAX_FFT;

  /** Doublings of the spacing tried before giving up (reporting no guarantee). */
  private static final int MAX_COARSENINGS = 200;

  /**
   * Below this noise multiplier a Gaussian or Laplace event is treated as noiseless (infinite loss,
   * which is pessimistic): its loss, of order {@code 1 / s^2}, exceeds 1e11 anyway.
   */
  private static final double MIN_NOISE_MULTIPLIER = 1e-6;

  /** Bound on cached one-step PLDs kept per accountant. */
  private static final int ONE_STEP_CACHE_LIMIT = 64;

  private final NeighbouringRelation relation;
  /** The fixed spacing, or NaN for the adaptive rule. */
  private final double fixedInterval;
  private final EventLog log;
  /** Distinct leaf events and their total repetition counts, in first-seen order. */
  private final LinkedHashMap<Leaf, Long> leaves;
  private final Map<CacheKey, DiscretePld> oneStepCache;
  private Result result;

  /** An accountant for {@link NeighbouringRelation#ADD_OR_REMOVE_ONE} with the adaptive grid. */
  public PldAccountant() {
    this(DEFAULT_RELATION);
  }

  /**
   * An accountant for the given relation with the adaptive grid.
   *
   * @param relation the neighbouring relation, not null
   * @throws NullPointerException when {@code relation} is null
   */
  public PldAccountant(NeighbouringRelation relation) {
    this(Double.NaN, relation);
  }

  /**
   * An accountant with a fixed grid spacing.
   *
   * @param relation the neighbouring relation, not null
   * @param valueDiscretizationInterval the loss grid spacing {@code h} (nats), positive and finite;
   *     smaller is tighter and slower (Google's {@code dp_accounting} defaults to 1e-4)
   * @throws IllegalArgumentException when the interval is not positive and finite (NaN included)
   * @throws NullPointerException when {@code relation} is null
   */
  public PldAccountant(NeighbouringRelation relation, double valueDiscretizationInterval) {
    this(
        Checks.positiveFinite("valueDiscretizationInterval", valueDiscretizationInterval),
        relation);
  }

  /** The common constructor: {@code fixedInterval} is NaN for the adaptive grid. */
  private PldAccountant(double fixedInterval, NeighbouringRelation relation) {
    this.relation = Checks.notNull("relation", relation);
    this.fixedInterval = fixedInterval;
    this.log = new EventLog();
    this.leaves = new LinkedHashMap<>();
    this.oneStepCache = new HashMap<>();
  }

  private PldAccountant(PldAccountant other) {
    this.relation = other.relation;
    this.fixedInterval = other.fixedInterval;
    this.log = other.log.copy();
    this.leaves = new LinkedHashMap<>(other.leaves);
    this.oneStepCache = new HashMap<>(other.oneStepCache);
    this.result = other.result;
  }

  @Override
  public NeighbouringRelation relation() {
    return relation;
  }

  /**
   * The fixed grid spacing, or empty when the adaptive rule is used (see the class documentation).
   */
  public OptionalDouble valueDiscretizationInterval() {
    return Double.isNaN(fixedInterval) ? OptionalDouble.empty() : OptionalDouble.of(fixedInterval);
  }

  @Override
  public Optional<String> unsupportedReason(PrivacyEvent event) {
    Checks.notNull("event", event);
    try {
      flatten(RelationResolution.resolve(event, relation), 1, new LinkedHashMap<>());
      return Optional.empty();
    } catch (Unsupported e) {
      return Optional.of(e.getMessage());
    }
  }

  @Override
  public PldAccountant compose(PrivacyEvent event) {
    Checks.notNull("event", event);
    LinkedHashMap<Leaf, Long> added = new LinkedHashMap<>();
    try {
      flatten(RelationResolution.resolve(event, relation), 1, added);
    } catch (Unsupported e) {
      throw new UnsupportedEventException("PldAccountant", event, e.getMessage());
    }
    // Check the merged counts before changing anything.
    LinkedHashMap<Leaf, Long> merged = new LinkedHashMap<>(leaves);
    for (Map.Entry<Leaf, Long> e : added.entrySet()) {
      long sum;
      try {
        sum = Math.addExact(merged.getOrDefault(e.getKey(), 0L), e.getValue());
      } catch (ArithmeticException overflow) {
        throw new UnsupportedEventException(
            "PldAccountant", event, "the total repetition count exceeds " + Long.MAX_VALUE);
      }
      merged.put(e.getKey(), sum);
    }
    log.add(event);
    leaves.clear();
    leaves.putAll(merged);
    if (!added.isEmpty()) {
      result = null;
    }
    return this;
  }

  @Override
  public PldAccountant compose(PrivacyEvent event, long count) {
    Checks.positive("count", count);
    return compose(count == 1 ? event : new SelfComposedEvent(event, count));
  }

  /**
   * {@inheritDoc}
   *
   * @param delta target delta, in {@code [0, 1)}; NaN is rejected
   * @return the smallest epsilon whose delta on the (pessimistic) discretised PLD is at most {@code
   *     delta}, the larger of the two directions; 0 for an empty accountant; {@code +inf} when the
   *     mass of infinite loss exceeds {@code delta}
   * @throws IllegalArgumentException when {@code delta} is outside {@code [0, 1)}
   */
  @Override
  public double epsilon(double delta) {
    Checks.delta("delta", delta);
    Result r = result();
    double eps = r.remove.epsilon(delta);
    if (r.add != r.remove) {
      eps = Math.max(eps, r.add.epsilon(delta));
    }
    if (eps == 0.0 || eps == Double.POSITIVE_INFINITY) {
      return eps;
    }
    return Math.nextUp(eps * (1.0 + EPSILON_ROUNDING_SLACK));
  }

  /**
   * {@inheritDoc}
   *
   * @param epsilon target epsilon, finite and {@code >= 0}; NaN is rejected
   * @return the hockey-stick divergence of the discretised PLD at {@code epsilon}, the larger of
   *     the two directions, in {@code [0, 1]}
   * @throws IllegalArgumentException when {@code epsilon} is negative, infinite or NaN
   */
  @Override
  public double delta(double epsilon) {
    Checks.nonNegativeFinite("epsilon", epsilon);
    Result r = result();
    double d = r.remove.delta(epsilon);
    if (r.add != r.remove) {
      d = Math.max(d, r.add.delta(epsilon));
    }
    return d;
  }

  @Override
  public List<PrivacyEvent> events() {
    return log.snapshot();
  }

  @Override
  public PldAccountant copy() {
    return new PldAccountant(this);
  }

  /**
   * The grid spacing of the current result (computing it if needed): the fixed interval, or the
   * adaptive one. For diagnostics and documentation; NaN for an empty accountant.
   */
  public double effectiveInterval() {
    Result r = result();
    return r.interval;
  }

  // ---------------------------------------------------------------------------------------------
  // Event flattening

  /** A distinct mechanism: its dominating pairs in the two orders (the same object if symmetric). */
  private record Leaf(LossPair remove, LossPair add) {}

  private record CacheKey(LossPair pair, double interval) {}

  /** Thrown internally with the reason an event is unsupported. */
  private static final class Unsupported extends Exception {
    private static final long serialVersionUID = 1L;

    Unsupported(String reason) {
      super(reason, null, false, false);
    }
  }

  private void flatten(PrivacyEvent event, long multiplicity, Map<Leaf, Long> into)
      throws Unsupported {
    if (event instanceof SelfComposedEvent self) {
      long m;
      try {
        m = Math.multiplyExact(multiplicity, self.count());
      } catch (ArithmeticException overflow) {
        throw new Unsupported("the total repetition count exceeds " + Long.MAX_VALUE);
      }
      flatten(self.event(), m, into);
    } else if (event instanceof ComposedEvent composed) {
      for (PrivacyEvent e : composed.events()) {
        flatten(e, multiplicity, into);
      }
    } else {
      Leaf leaf = leafOf(event);
      long sum;
      try {
        sum = Math.addExact(into.getOrDefault(leaf, 0L), multiplicity);
      } catch (ArithmeticException overflow) {
        throw new Unsupported("the total repetition count exceeds " + Long.MAX_VALUE);
      }
      into.put(leaf, sum);
    }
  }

  private Leaf leafOf(PrivacyEvent event) throws Unsupported {
    if (event instanceof PoissonSampledEvent sampled) {
      if (relation != NeighbouringRelation.ADD_OR_REMOVE_ONE) {
        throw new Unsupported(
            "Poisson subsampling is analysed under ADD_OR_REMOVE_ONE (Zhu, Dong & Wang 2022); no"
                + " dominating pair for " + relation + " is implemented");
      }
      double rate = sampled.samplingRate();
      PrivacyEvent inner = sampled.event();
      while (inner instanceof PoissonSampledEvent nested) {
        // Poisson sampling of a Poisson sample is Poisson sampling with the product rate.
        rate *= nested.samplingRate();
        inner = nested.event();
      }
      if (!(rate > 0)) {
        throw new Unsupported("the product of nested sampling rates underflows to 0");
      }
      LossPair base = basePair(inner, true);
      if (rate == 1.0) {
        return new Leaf(base, base);
      }
      return new Leaf(
          new SubsampledLossPair(rate, base, SubsampledLossPair.Direction.REMOVE),
          new SubsampledLossPair(rate, base, SubsampledLossPair.Direction.ADD));
    }
    LossPair base = basePair(event, false);
    return new Leaf(base, base);
  }

  /** The symmetric dominating pair of an unsampled mechanism. */
  private LossPair basePair(PrivacyEvent event, boolean sampled) throws Unsupported {
    double factor = relation.sumSensitivityFactor();
    if (event instanceof GaussianEvent g) {
      double s = g.noiseMultiplier() / factor;
      return s >= MIN_NOISE_MULTIPLIER ? new GaussianLossPair(s) : new RevealingLossPair();
    }
    if (event instanceof LaplaceEvent l) {
      double b = l.noiseMultiplier() / factor;
      return b >= MIN_NOISE_MULTIPLIER ? new LaplaceLossPair(b) : new RevealingLossPair();
    }
    if (event instanceof EpsilonDeltaEvent ed) {
      return new RandomizedResponseLossPair(ed.epsilon(), ed.delta());
    }
    if (event instanceof ZcdpEvent) {
      throw new Unsupported("a zCDP guarantee does not determine a privacy loss distribution");
    }
    if (sampled) {
      throw new Unsupported(
          "Poisson sampling of a composite event (" + event.getClass().getSimpleName()
              + ") is not a composition of sampled events; sample each mechanism separately");
    }
    throw new Unsupported("unknown event type " + event.getClass().getSimpleName());
  }

  // ---------------------------------------------------------------------------------------------
  // Evaluation

  /** The composed PLDs of both orders; {@code add == remove} when every leaf is symmetric. */
  private record Result(DiscretePld remove, DiscretePld add, double interval) {}

  private Result result() {
    if (result == null) {
      result = compute();
    }
    return result;
  }

  private Result compute() {
    if (leaves.isEmpty()) {
      DiscretePld none = DiscretePld.identity(1.0);
      return new Result(none, none, Double.NaN);
    }
    double h = Double.isNaN(fixedInterval) ? adaptiveInterval() : fixedInterval;
    boolean symmetric = true;
    for (Leaf leaf : leaves.keySet()) {
      symmetric &= leaf.remove() == leaf.add();
    }
    for (int attempt = 0; attempt < MAX_COARSENINGS; attempt++) {
      try {
        DiscretePld remove = composeAll(h, true);
        DiscretePld add = symmetric ? remove : composeAll(h, false);
        return new Result(remove, add, h);
      } catch (GridTooLarge e) {
        h *= 2.0;
      }
    }
    // Only astronomically many repetitions (about 1e11 and more) get here: claim nothing (sound).
    DiscretePld none = DiscretePld.infinite(h);
    return new Result(none, none, h);
  }

  private double adaptiveInterval() {
    double sd = Double.POSITIVE_INFINITY;
    for (Leaf leaf : leaves.keySet()) {
      for (LossPair pair : new LossPair[] {leaf.remove(), leaf.add()}) {
        double s = pair.lossStandardDeviation();
        if (s > 0 && s < sd) {
          sd = s;
        }
      }
    }
    double h = Math.min(ADAPTIVE_MAX_INTERVAL, ADAPTIVE_SD_FRACTION * sd);
    // Align the grid with the atoms of unsampled Laplace and (epsilon, delta) events, so that
    // their point masses (and all their sums) sit on grid points: connect-the-dots is exact there.
    double atom = Double.POSITIVE_INFINITY;
    for (Leaf leaf : leaves.keySet()) {
      double a = Double.NaN;
      if (leaf.remove() instanceof LaplaceLossPair lap) {
        a = 1.0 / lap.scale();
      } else if (leaf.remove() instanceof RandomizedResponseLossPair rr) {
        a = rr.epsilon();
      }
      if (a > 0 && a < atom) {
        atom = a;
      }
    }
    if (atom < Double.POSITIVE_INFINITY) {
      h = atom / Math.ceil(atom / h);
    }
    return h;
  }

  /** Signals that the grid at the current spacing exceeds a memory guard. */
  private static final class GridTooLarge extends Exception {
    private static final long serialVersionUID = 1L;

    GridTooLarge() {
      super(null, null, false, false);
    }
  }

  private DiscretePld composeAll(double h, boolean removeOrder) throws GridTooLarge {
    List<DiscretePld> parts = new ArrayList<>();
    // A canonical order, so that the result does not depend on the order of composition even in
    // the last bit.
    List<Map.Entry<Leaf, Long>> ordered = new ArrayList<>(leaves.entrySet());
    ordered.sort(Map.Entry.comparingByKey(Comparator.comparing(Leaf::toString)));
    for (Map.Entry<Leaf, Long> e : ordered) {
      LossPair pair = removeOrder ? e.getKey().remove() : e.getKey().add();
      DiscretePld one = oneStep(pair, h);
      // Cheap feasibility screen (speed only): the composed window spans at least about +/- 8
      // standard deviations of the sum; far beyond the memory guard there is no point in trying.
      if (16 * Math.sqrt((double) e.getValue()) * one.standardDeviation() / h
          > WINDOW_POINTS_LIMIT) {
        throw new GridTooLarge();
      }
      try {
        parts.add(PldComposition.selfCompose(one, e.getValue()));
      } catch (ArithmeticException | IllegalStateException tooLarge) {
        // Grid indices overflow, or a stage exceeds the memory guard: coarsen.
        throw new GridTooLarge();
      }
    }
    DiscretePld total = parts.get(0);
    for (int i = 1; i < parts.size(); i++) {
      if ((long) total.size() + parts.get(i).size() > WINDOW_POINTS_LIMIT) {
        throw new GridTooLarge();
      }
      try {
        total = PldComposition.convolve(total, parts.get(i));
      } catch (ArithmeticException | IllegalStateException tooLarge) {
        throw new GridTooLarge();
      }
    }
    return total;
  }

  private DiscretePld oneStep(LossPair pair, double h) throws GridTooLarge {
    CacheKey key = new CacheKey(pair, h);
    DiscretePld cached = oneStepCache.get(key);
    if (cached != null) {
      return cached;
    }
    if (ConnectTheDots.gridPoints(pair, h) > ONE_STEP_POINTS_LIMIT) {
      throw new GridTooLarge();
    }
    DiscretePld one = ConnectTheDots.discretize(pair, h).trimmed(PldComposition.TRIM_TAIL);
    if (oneStepCache.size() >= ONE_STEP_CACHE_LIMIT) {
      oneStepCache.clear();
    }
    oneStepCache.put(key, one);
    return one;
  }
}
