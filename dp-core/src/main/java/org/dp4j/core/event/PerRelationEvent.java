package org.dp4j.core.event;

import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.internal.Checks;
import org.dp4j.core.internal.CompositionWalk;

/**
 * The cost of one release stated separately for each {@link NeighbouringRelation}: an accountant
 * under {@code ADD_OR_REMOVE_ONE} charges {@link #addOrRemoveOne()}, one under {@code REPLACE_ONE}
 * charges {@link #replaceOne()}, and neither rescales what it takes.
 *
 * <p>Each branch is stated <em>for its own relation</em>. Inside a branch, a {@link GaussianEvent}
 * or {@link LaplaceEvent} noise multiplier is the noise scale divided by the query's sensitivity
 * under that branch's relation, and an {@link EpsilonDeltaEvent} or {@link ZcdpEvent} is the
 * guarantee under that relation. This differs from a plain {@code GaussianEvent}, whose multiplier
 * is relative to the add/remove sensitivity of a sum and which a replace-one accountant therefore
 * rescales by {@link NeighbouringRelation#sumSensitivityFactor()} (see {@link PrivacyEvent}).
 *
 * <p>Mechanisms that know their query (a bounded sum, a mean, randomized response) report a
 * per-relation event with the exact cost under each relation; mechanisms whose sensitivity the
 * caller states report {@link #sameForBoth(PrivacyEvent)}: the caller's sensitivity is the one
 * under the relation of the filter the release is charged to.
 *
 * <p>A branch may compose events ({@link ComposedEvent}, {@link SelfComposedEvent}) but must not
 * contain a {@link PoissonSampledEvent}: amplification by subsampling is a property of how the
 * whole release is run, analysed under {@code ADD_OR_REMOVE_ONE} only, so a sampled release is
 * written {@code PoissonSampledEvent(q, PerRelationEvent(...))} instead. Branches do not nest
 * another {@code PerRelationEvent}.
 *
 * @param addOrRemoveOne the cost under {@link NeighbouringRelation#ADD_OR_REMOVE_ONE}, not null
 * @param replaceOne the cost under {@link NeighbouringRelation#REPLACE_ONE}, not null
 */
public record PerRelationEvent(PrivacyEvent addOrRemoveOne, PrivacyEvent replaceOne)
    implements PrivacyEvent {

  private static final BranchCheck BRANCH_CHECK = new BranchCheck();

  /**
   * Validates both branches (see the class documentation).
   *
   * @param addOrRemoveOne the cost under {@link NeighbouringRelation#ADD_OR_REMOVE_ONE}, not null
   * @param replaceOne the cost under {@link NeighbouringRelation#REPLACE_ONE}, not null
   * @throws IllegalArgumentException when a branch contains a {@code PoissonSampledEvent} or
   *     another {@code PerRelationEvent}
   */
  public PerRelationEvent {
    checkBranch("addOrRemoveOne", Checks.notNull("addOrRemoveOne", addOrRemoveOne));
    checkBranch("replaceOne", Checks.notNull("replaceOne", replaceOne));
  }

  @Override
  public <R, C> R accept(EventVisitor<R, C> visitor, C context) {
    return visitor.perRelation(this, context);
  }

  /**
   * The cost of one release under each relation, each stated for its relation.
   *
   * @param addOrRemoveOne the cost under add/remove-one neighbours
   * @param replaceOne the cost under replace-one neighbours
   * @return the event
   * @throws IllegalArgumentException when a branch contains a Poisson-sampled or a per-relation
   *     event
   */
  public static PerRelationEvent of(PrivacyEvent addOrRemoveOne, PrivacyEvent replaceOne) {
    return new PerRelationEvent(addOrRemoveOne, replaceOne);
  }

  /**
   * The same statement under both relations: {@code event} is the cost under whichever relation the
   * accountant uses, taken as stated (a Gaussian or Laplace multiplier is relative to the
   * sensitivity under that relation and is not rescaled). For mechanisms whose sensitivity the
   * caller states for the filter's relation.
   *
   * @param event the cost, not null
   * @return {@code PerRelationEvent(event, event)}
   */
  public static PerRelationEvent sameForBoth(PrivacyEvent event) {
    return new PerRelationEvent(event, event);
  }

  /**
   * The branch for {@code relation}.
   *
   * @param relation the relation, not null
   * @return {@link #addOrRemoveOne()} or {@link #replaceOne()}
   */
  public PrivacyEvent branch(NeighbouringRelation relation) {
    return switch (Checks.notNull("relation", relation)) {
      case ADD_OR_REMOVE_ONE -> addOrRemoveOne;
      case REPLACE_ONE -> replaceOne;
    };
  }

  private static void checkBranch(String name, PrivacyEvent event) {
    event.accept(BRANCH_CHECK, name);
  }

  /** Rejects sampling and nested per-relation events anywhere in a branch named by the context. */
  private static final class BranchCheck extends CompositionWalk<String> {

    @Override
    public Void gaussian(GaussianEvent event, String name) {
      return null;
    }

    @Override
    public Void laplace(LaplaceEvent event, String name) {
      return null;
    }

    @Override
    public Void epsilonDelta(EpsilonDeltaEvent event, String name) {
      return null;
    }

    @Override
    public Void zcdp(ZcdpEvent event, String name) {
      return null;
    }

    @Override
    public Void poissonSampled(PoissonSampledEvent event, String name) {
      throw new IllegalArgumentException(
          Checks.message(
              name,
              "free of PoissonSampledEvent (sample the whole release: PoissonSampledEvent(q,"
                  + " PerRelationEvent(...)))",
              event));
    }

    @Override
    public Void perRelation(PerRelationEvent event, String name) {
      throw new IllegalArgumentException(
          Checks.message(name, "free of nested PerRelationEvent", event));
    }
  }
}
