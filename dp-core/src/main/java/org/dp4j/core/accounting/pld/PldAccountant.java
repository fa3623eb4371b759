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
import org.dp4j.core.accounting.rdp.RdpAccountant;
import org.dp4j.core.event.ComposedEvent;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.EventVisitor;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.LaplaceEvent;
import org.dp4j.core.event.PerRelationEvent;
import org.dp4j.core.event.PoissonSampledEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.event.SelfComposedEvent;
import org.dp4j.core.event.ZcdpEvent;
import org.dp4j.core.internal.AbstractAccountant;
import org.dp4j.core.internal.Checks;
import org.dp4j.core.internal.CompositionWalk;

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
 * 1e-12) the rounding bound dominates and epsilon may be {@code +inf}. Under {@link
 * NeighbouringRelation#ADD_OR_REMOVE_ONE} both orders of a neighbouring pair are accounted (the
 * "remove" and "add" PLDs differ for subsampled events) and the worse is reported, as in Google's
 * {@code dp_accounting}.
 *
 * <p><b>Grid.</b> With the no-argument and relation-only constructors every distinct event gets its
 * own spacing, chosen when a result is first needed: {@code h_i = min(0.1 * sd_i, 0.01)}, where
 * {@code sd_i} is the standard deviation of its one-step privacy loss (the smaller of the two
 * orders), so that connect-the-dots adds a variance of at most {@code h_i^2 / 4}, 0.25% of {@code
 * sd_i^2}, per step. For unsampled Laplace and (epsilon, delta) events {@code h_i} is shrunk to
 * divide the atom location ({@code 1/b} or epsilon) and rounded so that the grid point reached
 * never lies below the atom: the atoms and all their sums sit on grid points, where
 * connect-the-dots is exact, and no atom mass is sent to {@code +inf} by rounding. The spacing is
 * raised when the event's one-step grid would exceed 2^16 points or its composition window 2^18
 * points (up to {@code 0.1 * sd_i} this keeps the same accuracy; beyond, the grid counts as
 * coarsened). Each event is composed with itself on its own grid; the results are then moved by
 * connect-the-dots (pessimistic, see {@code DiscretePld#regridded}) onto the largest of the
 * spacings, or a 2^-16 share of the summed spans if that is larger, and convolved. A fixed {@code
 * valueDiscretizationInterval} is used for every event as given.
 *
 * <p><b>Limits and the Renyi-DP bound.</b> A spacing below {@link #MIN_INTERVAL} is raised to it,
 * and a grid that would exceed the memory guards (2^20 points per step, 2^22 per composition) is
 * coarsened (more pessimistic, never less); very large repetition counts may find no grid at all,
 * and at tiny deltas the FFT rounding allowance may exceed delta. So the accountant also evaluates
 * the Renyi-DP bound of the same events ({@link RdpAccountant} with its default orders, about a
 * millisecond, once per result) and reports the smaller of the two upper bounds; {@link
 * #epsilonBound(double)} says which one it was and how the grid came out.
 *
 * <p><b>Events.</b> {@link GaussianEvent}, {@link LaplaceEvent}, {@link EpsilonDeltaEvent} (as the
 * worst mechanism with that guarantee), {@link PoissonSampledEvent} of those three (nested sampling
 * multiplies the rates), {@link SelfComposedEvent} and {@link ComposedEvent}. Not supported: {@link
 * ZcdpEvent} (a zCDP guarantee does not determine a PLD), Poisson sampling of a composite event,
 * and Poisson sampling under {@link NeighbouringRelation#REPLACE_ONE}. Under {@code REPLACE_ONE},
 * Gaussian and Laplace noise multipliers are divided by {@link
 * NeighbouringRelation#sumSensitivityFactor()}. A noise multiplier of 0 is a mechanism without
 * noise: infinite loss (epsilon {@code +inf}), or loss {@code +inf} with probability {@code q} when
 * Poisson-sampled; so is, pessimistically, a multiplier below 1e-6 (whose loss exceeds 1e11), which
 * counts as a coarsened grid (the Renyi-DP bound usually gives the answer then).
 *
 * <p>Not thread-safe.
 */
public final class PldAccountant extends AbstractAccountant<PldAccountant> {

  /** The default neighbouring relation. */
  public static final NeighbouringRelation DEFAULT_RELATION =
      NeighbouringRelation.ADD_OR_REMOVE_ONE;

  /** Adaptive grid: spacing as a fraction of the smallest one-step loss standard deviation. */
  public static final double ADAPTIVE_SD_FRACTION = 0.1;

  /** Adaptive grid: largest spacing used. */
  public static final double ADAPTIVE_MAX_INTERVAL = 0.01;

  /** Relative upward rounding of every reported epsilon, covering floating-point error. */
  public static final double EPSILON_ROUNDING_SLACK = 1e-6;

  /**
   * Smallest spacing used, in nats: finer targets (events whose loss varies by less than about
   * 1e-11) are raised to it, which only makes their grid coarser than its accuracy target.
   */
  public static final double MIN_INTERVAL = 1e-12;

  /** Adaptive grid: most points of the one-step grid of an event (see {@code composeLeaf}). */
  static final double ADAPTIVE_STEP_POINTS = 1 << 16;

  /**
   * Adaptive grid: largest composition window of one event, in points, before its spacing is raised
   * (up to its accuracy target {@code 0.1 * sd}); bounds the FFT work per event.
   */
  static final long ADAPTIVE_WINDOW_POINTS = 1L << 18;

  /**
   * Adaptive grid: the distinct events are convolved on a spacing of at least their total span
   * divided by this many points.
   */
  static final long FINAL_POINTS = 1L << 16;

  /** Failed self-compositions of one event before it is declared unrepresentable. */
  private static final int MAX_FAILED_COMPOSITIONS = 4;

  /** One-step grids from this size on are probed first by {@link #probedInterval}. */
  private static final double PROBE_FROM_POINTS = 1 << 14;

  /** Size of the probe grid of {@link #probedInterval}, in points. */
  private static final double PROBE_POINTS = 1 << 12;

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

  /** The fixed spacing, or NaN for the adaptive rule. */
  private final double fixedInterval;

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
    super(relation);
    this.fixedInterval = fixedInterval;
    this.leaves = new LinkedHashMap<>();
    this.oneStepCache = new HashMap<>();
  }

  private PldAccountant(PldAccountant other) {
    super(other);
    this.fixedInterval = other.fixedInterval;
    this.leaves = new LinkedHashMap<>(other.leaves);
    this.oneStepCache = new HashMap<>(other.oneStepCache);
    this.result = other.result;
  }

  /**
   * {@return the fixed grid spacing, or empty when the adaptive rule is used} See the class
   * documentation.
   */
  public OptionalDouble valueDiscretizationInterval() {
    return Double.isNaN(fixedInterval) ? OptionalDouble.empty() : OptionalDouble.of(fixedInterval);
  }

  @Override
  protected Optional<String> unsupportedPart(PrivacyEvent resolved) {
    try {
      merged(flattened(resolved));
      return Optional.empty();
    } catch (Unsupported e) {
      return Optional.of(e.getMessage());
    }
  }

  @Override
  protected void add(PrivacyEvent resolved) {
    Map<Leaf, Long> added = flattened(resolved);
    Map<Leaf, Long> merged = merged(added);
    leaves.clear();
    leaves.putAll(merged);
    if (!added.isEmpty()) {
      result = null;
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>The same number as {@link #epsilonBound(double)}{@code .epsilon()}.
   *
   * @param delta target delta, in {@code [0, 1)}; NaN is rejected
   * @return the smallest epsilon whose delta on the (pessimistic) discretised PLD is at most {@code
   *     delta}, the larger of the two directions, or the Renyi-DP bound of the same events if that
   *     is smaller; 0 for an empty accountant; {@code +inf} when both are infinite (for example
   *     when the mass of infinite loss exceeds {@code delta})
   * @throws IllegalArgumentException when {@code delta} is outside {@code [0, 1)}
   */
  @Override
  public double epsilon(double delta) {
    return epsilonBound(delta).epsilon();
  }

  /**
   * The epsilon certified at {@code delta} together with the analysis that certified it: the
   * smaller of the PLD bound and the Renyi-DP bound of the same events (both upper bounds), and how
   * the PLD grid came out (see {@link PldEpsilon}).
   *
   * @param delta target delta, in {@code [0, 1)}; NaN is rejected
   * @return the epsilon and its source
   * @throws IllegalArgumentException when {@code delta} is outside {@code [0, 1)}
   */
  public PldEpsilon epsilonBound(double delta) {
    Checks.delta("delta", delta);
    Result r = result();
    double pld = pldEpsilon(r, delta);
    RdpAccountant fallback = r.rdp();
    double rdp = fallback == null ? Double.NaN : fallback.epsilon(delta);
    if (rdp < pld) {
      return new PldEpsilon(rdp, PldEpsilon.Bound.RDP, r.grid, pld, rdp);
    }
    return new PldEpsilon(pld, PldEpsilon.Bound.PLD, r.grid, pld, rdp);
  }

  private static double pldEpsilon(Result r, double delta) {
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
   *     the two directions, or the Renyi-DP delta of the same events if that is smaller, in {@code
   *     [0, 1]}
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
    RdpAccountant fallback = r.rdp();
    return fallback == null ? d : Math.min(d, fallback.delta(epsilon));
  }

  @Override
  public PldAccountant copy() {
    return new PldAccountant(this);
  }

  /**
   * {@return the grid spacing of the current result (computing it if needed)} It is the spacing on
   * which the events were finally convolved together (the largest of the per-event spacings, see
   * the class documentation), or the fixed interval. For diagnostics and documentation; NaN for an
   * empty accountant and when no grid represents the composition.
   */
  public double effectiveInterval() {
    Result r = result();
    return r.interval;
  }

  // ---------------------------------------------------------------------------------------------
  // Event flattening

  /**
   * A distinct mechanism: its dominating pairs in the two orders (the same object if symmetric).
   */
  private record Leaf(LossPair remove, LossPair add) {

    static Leaf symmetric(LossPair pair) {
      return new Leaf(pair, pair);
    }
  }

  private record CacheKey(LossPair pair, double interval) {}

  /** Thrown internally with the reason an event is unsupported. */
  private static final class Unsupported extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unsupported(String reason) {
      super(reason, null, false, false);
    }

    static Unsupported countOverflow() {
      return new Unsupported("the total repetition count exceeds " + Long.MAX_VALUE);
    }
  }

  /**
   * The distinct leaves of a resolved event with their repetition counts, in first-seen order.
   *
   * @throws Unsupported when some part has no dominating pair here, or a count overflows
   */
  private LinkedHashMap<Leaf, Long> flattened(PrivacyEvent resolved) {
    Flattening flattening = new Flattening();
    resolved.accept(flattening, 1L);
    return flattening.leaves;
  }

  /**
   * This accountant's leaves with {@code added}'s counts added, checked before anything changes.
   *
   * @throws Unsupported when a total count overflows
   */
  private LinkedHashMap<Leaf, Long> merged(Map<Leaf, Long> added) {
    LinkedHashMap<Leaf, Long> merged = new LinkedHashMap<>(leaves);
    for (Map.Entry<Leaf, Long> e : added.entrySet()) {
      merged.put(e.getKey(), addCounts(merged.getOrDefault(e.getKey(), 0L), e.getValue()));
    }
    return merged;
  }

  private static long addCounts(long a, long b) {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException overflow) {
      throw Unsupported.countOverflow();
    }
  }

  /** Collects the leaves of an event; the context is the multiplicity of the event visited. */
  private final class Flattening extends CompositionWalk<Long> {
    final LinkedHashMap<Leaf, Long> leaves = new LinkedHashMap<>();

    @Override
    protected Long repeatContext(Long multiplicity, long count) {
      try {
        return Math.multiplyExact(multiplicity, count);
      } catch (ArithmeticException overflow) {
        throw Unsupported.countOverflow();
      }
    }

    @Override
    public Void gaussian(GaussianEvent event, Long multiplicity) {
      return add(Leaf.symmetric(gaussianPair(event)), multiplicity);
    }

    @Override
    public Void laplace(LaplaceEvent event, Long multiplicity) {
      return add(Leaf.symmetric(laplacePair(event)), multiplicity);
    }

    @Override
    public Void epsilonDelta(EpsilonDeltaEvent event, Long multiplicity) {
      return add(Leaf.symmetric(randomizedResponsePair(event)), multiplicity);
    }

    @Override
    public Void zcdp(ZcdpEvent event, Long multiplicity) {
      throw zcdpUnsupported();
    }

    @Override
    public Void poissonSampled(PoissonSampledEvent event, Long multiplicity) {
      if (relation() != NeighbouringRelation.ADD_OR_REMOVE_ONE) {
        throw new Unsupported(
            "Poisson subsampling is analysed under ADD_OR_REMOVE_ONE (Zhu, Dong & Wang 2022); no"
                + " dominating pair for "
                + relation()
                + " is implemented");
      }
      return add(event.event().accept(new SampledLeaf(), event.samplingRate()), multiplicity);
    }

    private Void add(Leaf leaf, long multiplicity) {
      leaves.put(leaf, addCounts(leaves.getOrDefault(leaf, 0L), multiplicity));
      return null;
    }
  }

  /**
   * The leaf of a mechanism run on a Poisson sample; the context is the sampling rate. Poisson
   * sampling of a Poisson sample is Poisson sampling with the product of the rates.
   */
  private final class SampledLeaf implements EventVisitor<Leaf, Double> {

    @Override
    public Leaf gaussian(GaussianEvent event, Double rate) {
      return sampled(rate, gaussianPair(event));
    }

    @Override
    public Leaf laplace(LaplaceEvent event, Double rate) {
      return sampled(rate, laplacePair(event));
    }

    @Override
    public Leaf epsilonDelta(EpsilonDeltaEvent event, Double rate) {
      return sampled(rate, randomizedResponsePair(event));
    }

    @Override
    public Leaf zcdp(ZcdpEvent event, Double rate) {
      throw zcdpUnsupported();
    }

    @Override
    public Leaf poissonSampled(PoissonSampledEvent event, Double rate) {
      double product = rate * event.samplingRate();
      if (!(product > 0)) {
        throw new Unsupported("the product of nested sampling rates underflows to 0");
      }
      return event.event().accept(this, product);
    }

    @Override
    public Leaf selfComposed(SelfComposedEvent event, Double rate) {
      throw compositeUnsupported(event);
    }

    @Override
    public Leaf composed(ComposedEvent event, Double rate) {
      throw compositeUnsupported(event);
    }

    @Override
    public Leaf perRelation(PerRelationEvent event, Double rate) {
      throw compositeUnsupported(event);
    }

    private Leaf sampled(double rate, LossPair base) {
      if (rate == 1.0) {
        return Leaf.symmetric(base);
      }
      return new Leaf(
          new SubsampledLossPair(rate, base, SubsampledLossPair.Direction.REMOVE),
          new SubsampledLossPair(rate, base, SubsampledLossPair.Direction.ADD));
    }

    private Unsupported compositeUnsupported(PrivacyEvent event) {
      return new Unsupported(
          "Poisson sampling of a composite event ("
              + event.getClass().getSimpleName()
              + ") is not a composition of sampled events; sample each mechanism separately");
    }
  }

  private static Unsupported zcdpUnsupported() {
    return new Unsupported("a zCDP guarantee does not determine a privacy loss distribution");
  }

  /** The dominating pair of a Gaussian mechanism (noiseless below the smallest multiplier). */
  private LossPair gaussianPair(GaussianEvent event) {
    double s = event.noiseMultiplier() / relation().sumSensitivityFactor();
    return s >= MIN_NOISE_MULTIPLIER ? new GaussianLossPair(s) : new RevealingLossPair(s == 0);
  }

  /** The dominating pair of a Laplace mechanism (noiseless below the smallest multiplier). */
  private LossPair laplacePair(LaplaceEvent event) {
    double b = event.noiseMultiplier() / relation().sumSensitivityFactor();
    return b >= MIN_NOISE_MULTIPLIER ? new LaplaceLossPair(b) : new RevealingLossPair(b == 0);
  }

  /** The worst mechanism with an (epsilon, delta) guarantee: randomized response. */
  private static LossPair randomizedResponsePair(EpsilonDeltaEvent event) {
    return new RandomizedResponseLossPair(event.epsilon(), event.delta());
  }

  // ---------------------------------------------------------------------------------------------
  // Evaluation

  /**
   * The composed PLDs of both orders ({@code add == remove} when every leaf is symmetric), the
   * spacing they were convolved on, how the grid came out, and the Renyi-DP accountant of the same
   * events, built on first use from a snapshot of them (so a copy sharing this result gets the same
   * one). Not thread-safe, like the accountant.
   */
  private static final class Result {
    final DiscretePld remove;
    final DiscretePld add;
    final double interval;
    final PldEpsilon.Grid grid;
    private final List<PrivacyEvent> events;
    private final NeighbouringRelation relation;
    private boolean rdpBuilt;
    private RdpAccountant rdp;

    Result(
        DiscretePld remove,
        DiscretePld add,
        double interval,
        PldEpsilon.Grid grid,
        List<PrivacyEvent> events,
        NeighbouringRelation relation) {
      this.remove = remove;
      this.add = add;
      this.interval = interval;
      this.grid = grid;
      this.events = events;
      this.relation = relation;
    }

    /** The Renyi-DP accountant of the events, or null when some event has no Renyi-DP bound. */
    RdpAccountant rdp() {
      if (!rdpBuilt) {
        rdp = rdpOf(events, relation);
        rdpBuilt = true;
      }
      return rdp;
    }
  }

  /** One leaf composed with itself: both orders on one spacing. */
  private record Part(DiscretePld remove, DiscretePld add, double interval, boolean coarsened) {}

  private Result result() {
    if (result == null) {
      result = compute();
    }
    return result;
  }

  private Result compute() {
    if (leaves.isEmpty()) {
      DiscretePld none = DiscretePld.identity(1.0);
      return new Result(none, none, Double.NaN, PldEpsilon.Grid.AS_CHOSEN, List.of(), relation());
    }
    // A canonical order, so that the result does not depend on the order of composition even in
    // the last bit.
    List<Map.Entry<Leaf, Long>> ordered = new ArrayList<>(leaves.entrySet());
    ordered.sort(Map.Entry.comparingByKey(Comparator.comparing(Leaf::toString)));
    List<Part> parts = new ArrayList<>();
    boolean coarsened = false;
    boolean symmetric = true;
    double interval = 0.0;
    double width = 0.0;
    for (Map.Entry<Leaf, Long> e : ordered) {
      Leaf leaf = e.getKey();
      Part part = composeLeaf(leaf, e.getValue());
      if (part == null) {
        return unrepresentable();
      }
      parts.add(part);
      coarsened |= part.coarsened() || standsInForTinyNoise(leaf);
      symmetric &= part.remove() == part.add();
      interval = Math.max(interval, part.interval());
      width += Math.max(span(part.remove()), span(part.add()));
    }
    if (parts.size() > 1 && Double.isNaN(fixedInterval)) {
      // The final convolution needs no finer grid than a 2^-16 share of the summed spans: moving
      // a part onto it shifts that part's loss by less than one step, while the spans (and
      // epsilon) scale with the spread of the whole sum.
      interval = Math.max(interval, width / FINAL_POINTS);
    }
    for (int attempt = 0; attempt < MAX_COARSENINGS; attempt++) {
      try {
        DiscretePld remove = combine(parts, true, interval);
        DiscretePld add = symmetric ? remove : combine(parts, false, interval);
        PldEpsilon.Grid grid = coarsened ? PldEpsilon.Grid.COARSENED : PldEpsilon.Grid.AS_CHOSEN;
        return new Result(remove, add, interval, grid, events(), relation());
      } catch (ArithmeticException | IllegalStateException tooLarge) {
        interval *= 2.0;
        coarsened = true;
      }
    }
    return unrepresentable();
  }

  /** No grid represents the composition: no PLD bound, only the Renyi-DP one (if any). */
  private Result unrepresentable() {
    DiscretePld none = DiscretePld.infinite(1.0);
    return new Result(
        none, none, Double.NaN, PldEpsilon.Grid.UNREPRESENTABLE, events(), relation());
  }

  /** A revealing pair used for noise too small for any grid (pessimistic, not exact). */
  private static boolean standsInForTinyNoise(Leaf leaf) {
    return isApproximateRevealing(leaf.remove()) || isApproximateRevealing(leaf.add());
  }

  private static boolean isApproximateRevealing(LossPair pair) {
    if (pair instanceof SubsampledLossPair sampled) {
      return isApproximateRevealing(sampled.inner());
    }
    return pair instanceof RevealingLossPair revealing && !revealing.exact();
  }

  private static double span(DiscretePld pld) {
    return (pld.size() - 1) * pld.interval();
  }

  /**
   * The Renyi-DP accountant of {@code events} under {@code relation}; null when some event has no
   * Renyi-DP bound there.
   */
  private static RdpAccountant rdpOf(List<PrivacyEvent> events, NeighbouringRelation relation) {
    RdpAccountant rdp = new RdpAccountant(relation);
    for (PrivacyEvent event : events) {
      if (!rdp.supports(event)) {
        return null;
      }
      rdp.compose(event);
    }
    return rdp;
  }

  /** The parts moved onto one grid (connect-the-dots, pessimistic) and convolved. */
  private static DiscretePld combine(List<Part> parts, boolean removeOrder, double interval) {
    DiscretePld total = null;
    for (Part part : parts) {
      DiscretePld pld =
          (removeOrder ? part.remove() : part.add()).regridded(interval, WINDOW_POINTS_LIMIT);
      if (total == null) {
        total = pld;
      } else {
        if ((long) total.size() + pld.size() > WINDOW_POINTS_LIMIT) {
          throw new IllegalStateException("the composition exceeds the memory guard");
        }
        total = PldComposition.convolve(total, pld);
      }
    }
    return total;
  }

  /**
   * {@code count} repetitions of one leaf, both orders, on the leaf's own spacing: its accuracy
   * target (see the class documentation), raised as little as needed to fit the memory guards; null
   * when no spacing fits.
   */
  private Part composeLeaf(Leaf leaf, long count) {
    LossPair remove = leaf.remove();
    LossPair add = leaf.add();
    boolean symmetric = remove == add;
    double atom = symmetric ? atomOf(remove) : Double.NaN;
    double target;
    double accurateUpTo;
    double windowBudget;
    if (Double.isNaN(fixedInterval)) {
      double sd =
          Math.min(
              positiveOrInfinity(remove.lossStandardDeviation()),
              positiveOrInfinity(add.lossStandardDeviation()));
      double h = Math.min(ADAPTIVE_MAX_INTERVAL, ADAPTIVE_SD_FRACTION * sd);
      target = alignToAtom(atom, Math.max(h, MIN_INTERVAL), false);
      accurateUpTo = Math.max(target, ADAPTIVE_SD_FRACTION * sd);
      // A one-step grid needs no more than 2^16 points: more only arises when one order's loss
      // barely varies while the other's spreads widely (small noise under sampling), and such a
      // grid would cost seconds; the coarser spacing is reported as such when it exceeds 0.1 sd.
      double span = Math.max(remove.highLoss() - remove.lowLoss(), add.highLoss() - add.lowLoss());
      if (span / ADAPTIVE_STEP_POINTS > target) {
        target = alignToAtom(atom, span / ADAPTIVE_STEP_POINTS, true);
      }
      windowBudget = ADAPTIVE_WINDOW_POINTS;
    } else {
      target = fixedInterval;
      accurateUpTo = fixedInterval;
      windowBudget = WINDOW_POINTS_LIMIT;
    }
    double h = probedInterval(remove, add, count, target, windowBudget, atom);
    int failedCompositions = 0;
    for (int attempt = 0; attempt < MAX_COARSENINGS && h < Double.POSITIVE_INFINITY; attempt++) {
      double points =
          Math.max(ConnectTheDots.gridPoints(remove, h), ConnectTheDots.gridPoints(add, h));
      if (!(points <= ONE_STEP_POINTS_LIMIT)) {
        h = coarser(h, points / ONE_STEP_POINTS_LIMIT, atom);
        continue;
      }
      try {
        DiscretePld oneRemove = oneStep(remove, h);
        DiscretePld oneAdd = symmetric ? oneRemove : oneStep(add, h);
        long[] windowRemove = null;
        long[] windowAdd = null;
        if (count > 1) {
          double window;
          if (count <= PldComposition.MAX_DIRECT_POWER) {
            // Computed once here and reused by the composition.
            windowRemove = PldComposition.window(oneRemove, count);
            windowAdd = symmetric ? windowRemove : PldComposition.window(oneAdd, count);
            window =
                Math.max(
                    PldComposition.windowPoints(oneRemove, windowRemove),
                    PldComposition.windowPoints(oneAdd, windowAdd));
          } else {
            window =
                Math.max(
                    PldComposition.windowPoints(oneRemove, count),
                    PldComposition.windowPoints(oneAdd, count));
          }
          if (!(window <= windowBudget)) {
            h = coarser(h, window / windowBudget, atom);
            continue;
          }
        }
        DiscretePld composedRemove = PldComposition.selfCompose(oneRemove, count, windowRemove);
        DiscretePld composedAdd =
            symmetric ? composedRemove : PldComposition.selfCompose(oneAdd, count, windowAdd);
        return new Part(composedRemove, composedAdd, h, h > accurateUpTo * (1 + 1e-9));
      } catch (ArithmeticException | IllegalStateException tooLarge) {
        // Grid indices overflow, or a stage exceeds the memory guard (the window estimate was too
        // small). Each such try can cost a full FFT: give up after a few (bounded work).
        if (++failedCompositions >= MAX_FAILED_COMPOSITIONS) {
          return null;
        }
        h = coarser(h, 2.0, atom);
      }
    }
    return null;
  }

  /**
   * {@code h}, or a coarser spacing when a cheap probe shows that the composition window at {@code
   * h} would far exceed the budget: discretising a one-step grid of up to 2^16 points (2^20 with a
   * fixed spacing) only to find that it must be coarsened costs more than the composition itself.
   * The probe discretises on a grid of {@link #PROBE_POINTS} points, whose window (in nats)
   * over-estimates the true one (a coarser grid only spreads the loss); half of it is used, and the
   * caller still checks the real window. Only speed depends on this, never soundness.
   */
  private double probedInterval(
      LossPair remove, LossPair add, long count, double h, double windowBudget, double atom) {
    double points =
        Math.max(ConnectTheDots.gridPoints(remove, h), ConnectTheDots.gridPoints(add, h));
    if (count == 1 || !(points > PROBE_FROM_POINTS)) {
      return h;
    }
    double span = Math.max(remove.highLoss() - remove.lowLoss(), add.highLoss() - add.lowLoss());
    double probe = span / PROBE_POINTS;
    if (!(probe > h && probe < Double.POSITIVE_INFINITY)) {
      return h;
    }
    double window;
    try {
      window =
          Math.max(
                  PldComposition.windowPoints(oneStep(remove, probe), count),
                  PldComposition.windowPoints(oneStep(add, probe), count))
              * probe;
    } catch (IllegalStateException tooLarge) {
      return h;
    }
    double needed = 0.5 * window / windowBudget;
    return needed > h && needed < Double.POSITIVE_INFINITY ? alignToAtom(atom, needed, true) : h;
  }

  private static double positiveOrInfinity(double x) {
    return x > 0 ? x : Double.POSITIVE_INFINITY;
  }

  /**
   * A spacing at least {@code factor} (at least 1.1, 2 when {@code factor} is not finite) times
   * {@code h}, aligned to the atom when it can be.
   */
  private static double coarser(double h, double factor, double atom) {
    double f = factor < Double.POSITIVE_INFINITY ? Math.max(1.1, 1.05 * factor) : 2.0;
    return alignToAtom(atom, h * f, true);
  }

  /**
   * The atom location of an unsampled Laplace ({@code 1/b}) or randomized-response ({@code
   * epsilon}) pair, NaN for other pairs.
   */
  private static double atomOf(LossPair pair) {
    if (pair instanceof LaplaceLossPair laplace) {
      return 1.0 / laplace.scale();
    }
    if (pair instanceof RandomizedResponseLossPair rr) {
      return rr.epsilon();
    }
    return Double.NaN;
  }

  /**
   * A spacing {@code atom / n} for a whole number {@code n} of steps, the largest not above {@code
   * h} ({@code up == false}) or the smallest at least about {@code h} ({@code up == true}; up to
   * the rounding of {@code atom / n}), so that the atom's point mass, and all its sums under
   * composition, fall on grid points, where connect-the-dots is exact. It is rounded up until
   * {@code n * spacing >= atom} holds exactly (an FMA decides), so the grid point {@code n} never
   * lies below the atom; that rounding moves the atom's mass up by at most a few ulps
   * (pessimistic). Returns {@code h} itself when there is no atom or it cannot be aligned (an atom
   * below the spacing, or more than 2^52 steps).
   */
  static double alignToAtom(double atom, double h, boolean up) {
    if (!(atom > 0 && atom < Double.POSITIVE_INFINITY)) {
      return h;
    }
    double n = up ? Math.floor(atom / h) : Math.ceil(atom / h);
    if (!(n >= 1 && n <= 0x1p52)) {
      return h;
    }
    double aligned = atom / n;
    while (Math.fma(n, aligned, -atom) < 0) {
      aligned = Math.nextUp(aligned);
    }
    return aligned;
  }

  private DiscretePld oneStep(LossPair pair, double h) {
    CacheKey key = new CacheKey(pair, h);
    DiscretePld cached = oneStepCache.get(key);
    if (cached != null) {
      return cached;
    }
    DiscretePld one = ConnectTheDots.discretize(pair, h).trimmed(PldComposition.TRIM_TAIL);
    if (oneStepCache.size() >= ONE_STEP_CACHE_LIMIT) {
      oneStepCache.clear();
    }
    oneStepCache.put(key, one);
    return one;
  }
}
