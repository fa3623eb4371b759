package org.dp4j.training.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.AccountantKind;
import org.dp4j.core.accounting.pld.PldAccountant;
import org.dp4j.core.accounting.rdp.RdpAccountant;
import org.dp4j.core.budget.BudgetMode;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.junit.jupiter.api.Test;

/**
 * The configuration owns the target, the accountant kind, the relation and the delta; the budget
 * filter is derived from it, and a given filter that disagrees cannot be built with it.
 */
class OneSourceOfTruthTest {

  private static final double DELTA = 1e-5;

  private static DpSgdConfig.Builder run() {
    return DpSgdConfig.builder()
        .clipNorm(1.0)
        .datasetSize(1000)
        .expectedBatchSize(50)
        .plannedSteps(40);
  }

  private static String message(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void theFilterIsDerivedFromTheTargetOrTheNoiseMultiplier() {
    PrivacyBudget target = PrivacyBudget.approximate(2.0, DELTA);
    DpSgdConfig targeted = run().target(target).build();
    assertEquals(Optional.of(AccountantKind.PLD), targeted.accountantKind(), "PLD by default");
    assertEquals(BudgetMode.LIMITED, targeted.filter().mode());
    assertEquals(Optional.of(target), targeted.filter().budget());
    assertEquals(PldAccountant.class, targeted.filter().accountantSnapshot().getClass());
    assertTrue(targeted.calibration().orElseThrow().forFilter().isEmpty());
    assertEquals(targeted.calibration().orElseThrow().forTarget(), targeted.noiseMultiplier());

    DpSgdConfig fixed =
        run().noiseMultiplier(1.0).targetDelta(DELTA).accountant(AccountantKind.RDP).build();
    assertEquals(BudgetMode.ODOMETER, fixed.filter().mode());
    assertEquals(DELTA, fixed.filter().targetDelta());
    assertEquals(RdpAccountant.class, fixed.filter().accountantSnapshot().getClass());
    assertTrue(fixed.calibration().isEmpty());
    assertEquals(RdpAccountant.class, fixed.privacyStatement().accountant());
    assertEquals(Optional.of(AccountantKind.RDP), fixed.privacyStatement().accountantKind());
  }

  /** The mismatches the configuration refuses: kind, delta and relation. */
  @Test
  void aFilterThatDisagreesWithTheConfigurationCannotBeBuiltWithIt() {
    PrivacyFilter pld =
        PrivacyFilter.limited(new PldAccountant(), PrivacyBudget.approximate(3, DELTA));
    assertEquals(
        "filter accountant must be a RdpAccountant (the configured accountant), got "
            + "PldAccountant",
        message(
            () ->
                run()
                    .target(PrivacyBudget.approximate(3, DELTA))
                    .accountant(AccountantKind.RDP)
                    .filter(pld)
                    .build()));
    assertEquals(
        "filter.targetDelta() must be equal to the configured delta 1.0E-6, got 1.0E-5",
        message(() -> run().target(PrivacyBudget.approximate(3, 1e-6)).filter(pld).build()));
    assertEquals(
        "filter.targetDelta() must be equal to the configured delta 1.0E-6, got 1.0E-5",
        message(() -> run().noiseMultiplier(1.0).targetDelta(1e-6).filter(pld).build()));
    PrivacyFilter replaceOne =
        PrivacyFilter.odometer(new RdpAccountant(NeighbouringRelation.REPLACE_ONE), DELTA);
    assertEquals(
        "filter accountant relation must be equal to the configured relation "
            + "ADD_OR_REMOVE_ONE, got REPLACE_ONE",
        message(
            () ->
                run()
                    .noiseMultiplier(1.0)
                    .relation(NeighbouringRelation.ADD_OR_REMOVE_ONE)
                    .filter(replaceOne)
                    .build()));
  }

  @Test
  void aGivenFiltersKindRelationAndDeltaAreTakenWhenNotSet() {
    PrivacyFilter rdp = PrivacyFilter.odometer(new RdpAccountant(), 1e-3);
    DpSgdConfig config = run().noiseMultiplier(1.0).filter(rdp).build();
    assertEquals(Optional.of(AccountantKind.RDP), config.accountantKind());
    assertEquals(1e-3, config.targetDelta());
    assertEquals(NeighbouringRelation.ADD_OR_REMOVE_ONE, config.relation());
    assertEquals(rdp, config.filter());
    assertEquals(RdpAccountant.class, config.newAccountant().getClass());
  }

  /**
   * A limited filter that already holds spends calibrates the noise to what it can still afford:
   * the run's target alone would overspend it, so the filter's remainder sets the noise.
   */
  @Test
  void aPartlySpentFilterCalibratesToWhatItCanStillAfford() {
    PrivacyBudget budget = PrivacyBudget.approximate(3.0, DELTA);
    PrivacyFilter filter = PrivacyFilter.limited(new RdpAccountant(), budget);
    DpSgdConfig earlier = run().noiseMultiplier(1.5).filter(filter).build();
    filter.spend(earlier.eventForSteps(40), "an earlier run");
    double spent = filter.spent();
    assertTrue(spent > 0.5 && spent < 2.5, "spent " + spent);

    DpSgdConfig greedy = run().target(PrivacyBudget.approximate(10, DELTA)).filter(filter).build();
    Calibration calibration = greedy.calibration().orElseThrow();
    assertTrue(calibration.filterSetsTheNoise(), calibration.toString());
    assertEquals(calibration.forFilter().getAsDouble(), greedy.noiseMultiplier());
    double after = filter.accountantSnapshot().compose(greedy.eventForSteps(40)).epsilon(DELTA);
    assertTrue(after <= 3.0 && after > 2.99, "the whole budget, within the bracket: " + after);
    assertTrue(greedy.privacyStatement().epsilon() <= 10);

    DpSgdConfig modest = run().target(PrivacyBudget.approximate(0.2, DELTA)).filter(filter).build();
    assertFalse(modest.calibration().orElseThrow().filterSetsTheNoise());
    assertEquals(modest.calibration().orElseThrow().forTarget(), modest.noiseMultiplier());
    assertTrue(modest.privacyStatement().epsilon() <= 0.2);
    assertEquals(1, filter.operationCount(), "calibrating charges nothing");
  }

  @Test
  void aFilterThatCannotAffordThePlannedStepsIsRefusedAndChargedNothing() {
    PrivacyFilter filter =
        PrivacyFilter.limited(new RdpAccountant(), PrivacyBudget.approximate(3.0, DELTA));
    DpSgdConfig spender = run().noiseMultiplier(1.0).filter(filter).build();
    filter.spend(spender.eventForSteps(5), "most of the budget");
    long operations = filter.operationCount();
    // Rate 1 leaves no amplification: 2^38 steps at the largest noise multiplier the
    // calibration tries (1e6) cost about 2.7 alone, within the run's target of 10 but more than
    // the filter's remainder.
    PrivacyBudgetExceededException e =
        assertThrows(
            PrivacyBudgetExceededException.class,
            () ->
                DpSgdConfig.builder()
                    .clipNorm(1.0)
                    .datasetSize(10)
                    .expectedBatchSize(10)
                    .plannedSteps(1L << 38)
                    .target(PrivacyBudget.approximate(10.0, DELTA))
                    .filter(filter)
                    .build());
    assertTrue(e.label().startsWith("the planned 274877906944 steps"), e.label());
    assertEquals(operations, filter.operationCount());
  }
}
