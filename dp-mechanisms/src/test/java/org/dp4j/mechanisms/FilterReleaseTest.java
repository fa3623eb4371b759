package org.dp4j.mechanisms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.BasicCompositionAccountant;
import org.dp4j.core.accounting.rdp.RdpAccountant;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.mechanisms.aggregation.BoundedMean;
import org.dp4j.mechanisms.aggregation.BoundedQuantile;
import org.dp4j.mechanisms.aggregation.Bounds;
import org.dp4j.mechanisms.aggregation.NoiseKind;
import org.dp4j.mechanisms.selection.ExponentialMechanism;
import org.dp4j.mechanisms.selection.RandomizedResponse;
import org.dp4j.mechanisms.testing.SeededNoise;
import org.junit.jupiter.api.Test;

/** Releases that spend from a {@link PrivacyFilter} first, and release nothing when it refuses. */
class FilterReleaseTest {

  private static PrivacyFilter pureFilter(double epsilon) {
    return PrivacyFilter.limited(new BasicCompositionAccountant(), PrivacyBudget.pure(epsilon));
  }

  @Test
  void laplaceSpendsBeforeReleasingAndStopsAtTheBudget() {
    PrivacyFilter filter = pureFilter(1.0);
    LaplaceMechanism m = LaplaceMechanism.of(PrivacyBudget.pure(0.4), 1.0, SeededNoise.uniform(1));
    LaplaceMechanism twin =
        LaplaceMechanism.of(PrivacyBudget.pure(0.4), 1.0, SeededNoise.uniform(1));
    assertEquals(twin.addNoise(5.0), m.addNoise(5.0, filter, "first"));
    assertEquals(twin.addNoise(5.0), m.addNoise(5.0, filter, "second"));
    assertEquals(0.8, filter.spent(), 1e-12);
    assertThrows(PrivacyBudgetExceededException.class, () -> m.addNoise(5.0, filter, "third"));
    assertEquals(0.8, filter.spent(), 1e-12);
    // Nothing was sampled by the refused call: the mechanism's stream still matches its twin.
    assertEquals(twin.addNoise(5.0), m.addNoise(5.0));
  }

  @Test
  void badValuesSpendNothing() {
    PrivacyFilter filter = pureFilter(1.0);
    LaplaceMechanism m = LaplaceMechanism.of(PrivacyBudget.pure(0.4), 1.0, SeededNoise.uniform(2));
    assertThrows(IllegalArgumentException.class, () -> m.addNoise(Double.NaN, filter, "nan"));
    assertThrows(NullPointerException.class, () -> m.addNoise(1.0, null, "no filter"));
    assertEquals(0.0, filter.spent());
    ExponentialMechanism em =
        ExponentialMechanism.of(PrivacyBudget.pure(0.5), 1.0, SeededNoise.uniform(3));
    assertThrows(IllegalArgumentException.class, () -> em.select(new double[0], filter, "empty"));
    assertEquals(0.0, filter.spent());
  }

  @Test
  void gaussianSpendsFromAnRdpFilter() {
    PrivacyFilter filter =
        PrivacyFilter.limited(new RdpAccountant(), PrivacyBudget.approximate(1.0, 1e-5));
    GaussianMechanism m =
        GaussianMechanism.of(PrivacyBudget.approximate(0.5, 1e-6), 1.0, SeededNoise.uniform(4));
    int released = 0;
    try {
      for (int i = 0; i < 100; i++) {
        m.addNoise(0.0, filter, "gaussian " + i);
        released++;
      }
    } catch (PrivacyBudgetExceededException expected) {
      // the budget ran out
    }
    assertTrue(released >= 1 && released < 100, "released " + released);
    assertTrue(filter.spent() <= 1.0);
  }

  @Test
  void selectionAndAggregationsSpendTheirEvents() {
    PrivacyFilter filter = pureFilter(3.0);
    ExponentialMechanism em =
        ExponentialMechanism.of(PrivacyBudget.pure(0.5), 1.0, SeededNoise.uniform(5));
    em.select(new double[] {1, 2, 3}, filter, "select");
    em.select(new double[] {1, 2, 3}, filter, "select again");
    BoundedMean mean =
        BoundedMean.of(
            PrivacyBudget.pure(1.0), new Bounds(0, 1), NoiseKind.LAPLACE, SeededNoise.uniform(7));
    mean.release(new double[] {0.5}, 0.9, filter, "mean");
    assertEquals(2.0, filter.spent(), 1e-12);
    BoundedQuantile quantile =
        BoundedQuantile.of(PrivacyBudget.pure(1.5), new Bounds(0, 1), 17, SeededNoise.uniform(8));
    assertThrows(
        PrivacyBudgetExceededException.class,
        () -> quantile.release(new double[] {0.5}, 0.5, filter, "median"));
    assertEquals(2.0, filter.spent(), 1e-12);
  }

  @Test
  void randomizedResponseIsRefusedUnderAddOrRemoveAndChargedUnderReplaceOne() {
    PrivacyBudget budget = PrivacyBudget.pure(0.5);
    RandomizedResponse rr = RandomizedResponse.of(budget, 2, SeededNoise.uniform(6));
    RandomizedResponse twin = RandomizedResponse.of(budget, 2, SeededNoise.uniform(6));
    PrivacyFilter addOrRemove = pureFilter(3.0);
    assertThrows(PrivacyBudgetExceededException.class, () -> rr.respond(1, addOrRemove, "rr"));
    assertEquals(0.0, addOrRemove.spent());
    PrivacyFilter replaceOne =
        PrivacyFilter.limited(
            new BasicCompositionAccountant(NeighbouringRelation.REPLACE_ONE),
            PrivacyBudget.pure(1.0));
    assertEquals(twin.respond(1), rr.respond(1, replaceOne, "rr"), "the refusal drew nothing");
    assertEquals(0.5, replaceOne.spent(), 1e-12);
  }
}
