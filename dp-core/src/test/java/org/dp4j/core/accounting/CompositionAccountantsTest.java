package org.dp4j.core.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.event.ComposedEvent;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.LaplaceEvent;
import org.dp4j.core.event.PoissonSampledEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.event.ZcdpEvent;
import org.dp4j.core.testing.RefData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Basic, advanced (DRV) and optimal (KOV) composition against {@code composition.csv}. */
class CompositionAccountantsTest {

  static Stream<RefData.Row> rows() {
    return RefData.load("composition.csv").stream();
  }

  static Stream<Supplier<PrivacyAccountant>> accountants() {
    return Stream.of(
        BasicCompositionAccountant::new,
        AdvancedCompositionAccountant::new,
        OptimalCompositionAccountant::new);
  }

  @ParameterizedTest
  @MethodSource("rows")
  void basicCompositionIsTheSum(RefData.Row row) {
    double eps0 = row.number("eps0");
    long k = (long) row.number("k");
    double expected = row.number("eps_basic_composition");
    PrivacyAccountant pure =
        new BasicCompositionAccountant().compose(EpsilonDeltaEvent.pure(eps0), k);
    assertEquals(expected, pure.epsilon(0.0), 1e-12 * expected);
    // Laplace with scale 1/eps0 and sensitivity 1 is eps0-DP.
    double scale = row.number("laplace_scale_for_laplace_columns");
    PrivacyAccountant laplace =
        new BasicCompositionAccountant().compose(new LaplaceEvent(scale), k);
    assertEquals(expected, laplace.epsilon(0.0), 1e-12 * expected);
  }

  @ParameterizedTest
  @MethodSource("rows")
  void advancedCompositionIsTheBetterOfDrvAndBasic(RefData.Row row) {
    double eps0 = row.number("eps0");
    long k = (long) row.number("k");
    double delta = row.number("delta_target");
    double expected = row.number("eps_min_basic_advanced");
    double eps =
        new AdvancedCompositionAccountant().compose(EpsilonDeltaEvent.pure(eps0), k).epsilon(delta);
    assertEquals(expected, eps, 1e-12 * expected, row::toString);
    double drv = row.number("eps_advanced_composition_drv");
    if (drv < row.number("eps_basic_composition")) {
      assertEquals(drv, eps, 1e-12 * drv, row::toString);
    }
  }

  @ParameterizedTest
  @MethodSource("rows")
  void optimalCompositionMatchesExactKov(RefData.Row row) {
    double eps0 = row.number("eps0");
    long k = (long) row.number("k");
    double delta = row.number("delta_target");
    double expected = row.number("eps_optimal_kov_exact_mpmath");
    OptimalCompositionAccountant kov = new OptimalCompositionAccountant();
    kov.compose(EpsilonDeltaEvent.pure(eps0), k);
    double eps = kov.epsilon(delta);
    assertEquals(expected, eps, 1e-6 * expected, row::toString);
    assertTrue(kov.delta(eps) <= delta, row::toString);
    // Optimal composition never loses to basic or advanced composition.
    assertTrue(eps <= row.number("eps_min_basic_advanced") * (1 + 1e-12), row::toString);
  }

  @Test
  void optimalCompositionWithDeltaZeroIsBasic() {
    OptimalCompositionAccountant kov = new OptimalCompositionAccountant();
    kov.compose(EpsilonDeltaEvent.pure(0.5), 10);
    assertEquals(5.0, kov.epsilon(0.0), 1e-12);
  }

  @Test
  void optimalCompositionAccountsForApproximateMechanisms() {
    OptimalCompositionAccountant kov = new OptimalCompositionAccountant();
    kov.compose(EpsilonDeltaEvent.approximate(0.1, 1e-7), 100);
    double eps = kov.epsilon(1e-5);
    // k * delta0 = 1e-5 uses up the whole delta: only infinity remains.
    assertEquals(Double.POSITIVE_INFINITY, kov.epsilon(0.99e-5));
    OptimalCompositionAccountant pure = new OptimalCompositionAccountant();
    pure.compose(EpsilonDeltaEvent.pure(0.1), 100);
    assertTrue(eps > pure.epsilon(1e-5));
    assertTrue(kov.delta(eps) <= 1e-5 * (1 + 1e-12));
  }

  @Test
  void optimalCompositionRejectsMixedMechanismsAndStaysUnchanged() {
    OptimalCompositionAccountant kov = new OptimalCompositionAccountant();
    kov.compose(EpsilonDeltaEvent.pure(0.5), 3);
    double before = kov.epsilon(1e-6);
    UnsupportedEventException e =
        assertThrows(
            UnsupportedEventException.class, () -> kov.compose(EpsilonDeltaEvent.pure(0.25)));
    assertTrue(e.getMessage().contains("use AdvancedCompositionAccountant"), e.getMessage());
    assertEquals(3, kov.count());
    assertEquals(before, kov.epsilon(1e-6));
    assertEquals(1, kov.events().size());
  }

  @ParameterizedTest
  @MethodSource("accountants")
  void rejectsGaussianAndZcdpWithoutChangingState(Supplier<PrivacyAccountant> factory) {
    PrivacyAccountant accountant = factory.get().compose(EpsilonDeltaEvent.pure(1.0));
    List<PrivacyEvent> before = accountant.events();
    double eps = accountant.epsilon(1e-6);
    for (PrivacyEvent bad :
        List.of(
            new GaussianEvent(1.0),
            new ZcdpEvent(0.1),
            ComposedEvent.of(EpsilonDeltaEvent.pure(1.0), new GaussianEvent(2.0)))) {
      assertTrue(!accountant.supports(bad));
      assertThrows(UnsupportedEventException.class, () -> accountant.compose(bad));
      assertEquals(before, accountant.events());
      assertEquals(eps, accountant.epsilon(1e-6));
    }
  }

  @ParameterizedTest
  @MethodSource("accountants")
  void emptyAccountantSpendsNothing(Supplier<PrivacyAccountant> factory) {
    PrivacyAccountant accountant = factory.get();
    assertEquals(0.0, accountant.epsilon(1e-5));
    assertEquals(0.0, accountant.epsilon(0.0));
    assertEquals(0.0, accountant.delta(0.0));
  }

  @ParameterizedTest
  @MethodSource("accountants")
  void replaceOneDoublesLaplaceSensitivity(Supplier<PrivacyAccountant> factory) {
    // Each factory gives ADD_OR_REMOVE_ONE; compare with a REPLACE_ONE twin.
    PrivacyAccountant addRemove = factory.get();
    PrivacyAccountant replace = twin(addRemove, NeighbouringRelation.REPLACE_ONE);
    addRemove.compose(new LaplaceEvent(1.0), 5);
    replace.compose(new LaplaceEvent(2.0), 5);
    assertEquals(addRemove.epsilon(1e-6), replace.epsilon(1e-6), 1e-12);
    // Poisson amplification is an add/remove result only.
    assertTrue(!replace.supports(new PoissonSampledEvent(0.1, new LaplaceEvent(1.0))));
  }

  @ParameterizedTest
  @MethodSource("accountants")
  void poissonSubsamplingAmplifies(Supplier<PrivacyAccountant> factory) {
    PrivacyAccountant accountant = factory.get();
    accountant.compose(new PoissonSampledEvent(0.01, EpsilonDeltaEvent.pure(1.0)));
    double expected = Math.log1p(0.01 * Math.expm1(1.0));
    assertEquals(expected, accountant.epsilon(0.0), 1e-12);
  }

  @ParameterizedTest
  @MethodSource("accountants")
  void copyIsIndependent(Supplier<PrivacyAccountant> factory) {
    PrivacyAccountant accountant = factory.get().compose(EpsilonDeltaEvent.pure(0.3), 2);
    PrivacyAccountant copy = accountant.copy();
    copy.compose(EpsilonDeltaEvent.pure(0.3));
    assertEquals(1, accountant.events().size());
    assertEquals(2, copy.events().size());
    assertTrue(copy.epsilon(1e-6) > accountant.epsilon(1e-6));
  }

  @ParameterizedTest
  @MethodSource("accountants")
  void rejectsBadTargets(Supplier<PrivacyAccountant> factory) {
    PrivacyAccountant accountant = factory.get();
    for (double bad : new double[] {Double.NaN, -0.1, 1.0, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> accountant.epsilon(bad));
      assertEquals("delta must be in [0, 1), got " + bad, e.getMessage());
    }
    for (double bad : new double[] {Double.NaN, -0.1, Double.POSITIVE_INFINITY}) {
      assertThrows(IllegalArgumentException.class, () -> accountant.delta(bad));
    }
    assertThrows(NullPointerException.class, () -> accountant.compose(null));
    assertThrows(
        IllegalArgumentException.class, () -> accountant.compose(EpsilonDeltaEvent.pure(1), 0));
  }

  @Test
  void infiniteLossIsReportedAsInfinity() {
    for (PrivacyAccountant accountant :
        List.of(
            new BasicCompositionAccountant(),
            new AdvancedCompositionAccountant(),
            new OptimalCompositionAccountant())) {
      accountant.compose(new LaplaceEvent(0.0));
      assertEquals(
          Double.POSITIVE_INFINITY,
          accountant.epsilon(1e-5),
          accountant.getClass().getSimpleName());
      assertEquals(1.0, accountant.delta(100.0), accountant.getClass().getSimpleName());
    }
  }

  @Test
  void advancedDeltaInvertsEpsilon() {
    AdvancedCompositionAccountant accountant = new AdvancedCompositionAccountant();
    accountant.compose(EpsilonDeltaEvent.pure(0.01), 1000);
    double eps = accountant.epsilon(1e-6);
    assertTrue(eps < 10.0); // advanced beats basic here
    assertEquals(1e-6, accountant.delta(eps), 1e-12);
  }

  private static PrivacyAccountant twin(
      PrivacyAccountant accountant, NeighbouringRelation relation) {
    if (accountant instanceof BasicCompositionAccountant) {
      return new BasicCompositionAccountant(relation);
    }
    if (accountant instanceof AdvancedCompositionAccountant) {
      return new AdvancedCompositionAccountant(relation);
    }
    return new OptimalCompositionAccountant(relation);
  }
}
