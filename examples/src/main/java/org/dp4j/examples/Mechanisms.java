package org.dp4j.examples;

import java.util.SplittableRandom;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.rdp.RdpAccountant;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.mechanisms.ConfidenceInterval;
import org.dp4j.mechanisms.DiscreteLaplaceMechanism;
import org.dp4j.mechanisms.GaussianMechanism;
import org.dp4j.mechanisms.LaplaceMechanism;
import org.dp4j.mechanisms.aggregation.BoundedMean;
import org.dp4j.mechanisms.aggregation.BoundedQuantile;
import org.dp4j.mechanisms.aggregation.Bounds;
import org.dp4j.mechanisms.aggregation.NoiseKind;
import org.dp4j.mechanisms.aggregation.NoisyStatistic;
import org.dp4j.mechanisms.selection.ExponentialMechanism;
import org.dp4j.mechanisms.selection.RandomizedResponse;

/**
 * The mechanisms of dp-mechanisms on a small made-up survey, every release charged to one budget:
 * noisy counts and sums, bounded aggregations with confidence intervals, private selection and
 * randomized response. Every mechanism draws its noise from a secure source (AES-256-CTR) and is
 * safe against floating-point attacks.
 */
public final class Mechanisms {

  private static final String[] FRUITS = {"apple", "banana", "cherry", "durian"};

  private Mechanisms() {}

  /**
   * Runs the example.
   *
   * @param args none
   */
  public static void main(String[] args) {
    // The data: 5,000 people, each with an age and a favourite fruit (made up, fixed seed).
    SplittableRandom data = new SplittableRandom(2024);
    int people = 5_000;
    double[] ages = new double[people];
    int[] fruit = new int[people];
    long[] fruitCounts = new long[FRUITS.length];
    for (int i = 0; i < people; i++) {
      ages[i] = Math.min(99, Math.max(18, 42 + 15 * data.nextGaussian()));
      fruit[i] = data.nextInt(10) < 4 ? 1 : data.nextInt(FRUITS.length);
      fruitCounts[fruit[i]]++;
    }

    // One budget for everything below; each release is charged before it happens.
    PrivacyFilter budget =
        PrivacyFilter.limited(new RdpAccountant(), PrivacyBudget.approximate(2.0, 1e-6));

    // Counts: one person changes a count by at most 1 (L1 sensitivity 1).
    LaplaceMechanism laplace = LaplaceMechanism.of(PrivacyBudget.pure(0.2), 1.0);
    double noisyPeople = laplace.addNoise(people, budget, "number of people");
    ConfidenceInterval interval = laplace.confidenceInterval(noisyPeople, 0.95);
    System.out.printf(
        "people: %.0f, 95%% interval [%.1f, %.1f]%n",
        noisyPeople, interval.lower(), interval.upper());
    DiscreteLaplaceMechanism integerCount = DiscreteLaplaceMechanism.of(PrivacyBudget.pure(0.2), 1);
    long over60 = 0;
    for (double age : ages) {
      over60 += age >= 60 ? 1 : 0;
    }
    System.out.printf(
        "people aged 60 or more: %d (integer noise)%n",
        integerCount.addNoise(over60, budget, "people aged 60+"));

    // A sum with Gaussian noise: ages are clamped to [18, 99], so one person moves it by 99.
    GaussianMechanism gaussian = GaussianMechanism.of(PrivacyBudget.approximate(0.3, 1e-7), 99);
    double ageSum = 0;
    for (double age : ages) {
      ageSum += age;
    }
    System.out.printf("sum of ages: %.0f%n", gaussian.addNoise(ageSum, budget, "sum of ages"));

    // Bounded aggregations clamp each value to bounds chosen without looking at the data.
    Bounds ageBounds = new Bounds(18, 99);
    NoisyStatistic mean =
        BoundedMean.of(PrivacyBudget.pure(0.3), ageBounds, NoiseKind.LAPLACE)
            .release(ages, 0.95, budget, "mean age");
    System.out.printf(
        "mean age: %.2f, 95%% interval [%.2f, %.2f]%n",
        mean.value(), mean.confidenceInterval().lower(), mean.confidenceInterval().upper());
    double median =
        BoundedQuantile.of(PrivacyBudget.pure(0.3), ageBounds)
            .release(ages, 0.5, budget, "median age");
    System.out.printf("median age: %.2f%n", median);

    // Private selection: the most popular fruit, by the exponential mechanism (utility = count,
    // sensitivity 1).
    double[] utilities = new double[FRUITS.length];
    for (int f = 0; f < FRUITS.length; f++) {
      utilities[f] = fruitCounts[f];
    }
    int favourite =
        ExponentialMechanism.of(PrivacyBudget.pure(0.2), 1.0)
            .select(utilities, budget, "favourite fruit");
    System.out.println("most popular fruit: " + FRUITS[favourite]);

    // Local privacy: each person answers through randomized response; the analyst only sees the
    // randomized answers and estimates the frequencies from them. Each answer is epsilon-DP for
    // the person who gave it, so it is not charged to the central budget above.
    RandomizedResponse response = RandomizedResponse.of(PrivacyBudget.pure(1.0), FRUITS.length);
    long[] reports = new long[FRUITS.length];
    for (int i = 0; i < people; i++) {
      reports[response.respond(fruit[i])]++;
    }
    double[] estimated = response.estimateFrequencies(reports);
    for (int f = 0; f < FRUITS.length; f++) {
      System.out.printf(
          "  %-7s estimated share %5.3f (made-up truth %5.3f)%n",
          FRUITS[f], estimated[f], (double) fruitCounts[f] / people);
    }

    System.out.printf(
        "spent epsilon %.4f of 2 (delta 1e-6) in %d releases%n",
        budget.spent(), budget.operationCount());
  }
}
