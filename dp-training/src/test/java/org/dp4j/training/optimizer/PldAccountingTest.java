package org.dp4j.training.optimizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.AccountantKind;
import org.dp4j.core.accounting.pld.PldAccountant;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.training.clipping.PerExampleGradients;
import org.dp4j.training.config.DpSgdConfig;
import org.dp4j.training.noise.GaussianTensorNoise;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/** The accountant is a choice: the same run accounted by PLD. */
class PldAccountingTest {

  private static DpSgdConfig.Builder mnist() {
    return DpSgdConfig.builder()
        .clipNorm(1.0)
        .noiseMultiplier(1.1)
        .targetDelta(1e-5)
        .datasetSize(60_000)
        .expectedBatchSize(256)
        .plannedSteps(1000);
  }

  @Test
  void pldStatementsAreNoLooserThanRdpAndTheFilterChargesTheSameSteps() {
    DpSgdConfig pld = mnist().accountant(AccountantKind.PLD).build();
    DpSgdConfig rdp = mnist().accountant(AccountantKind.RDP).build();
    double pldEpsilon = pld.privacyStatement().epsilon();
    double rdpEpsilon = rdp.privacyStatement().epsilon();
    // PLD is the tighter analysis of the same event (Koskela et al. 2020; Doroshenko et al. 2022).
    assertTrue(pldEpsilon > 0 && pldEpsilon <= rdpEpsilon, pldEpsilon + " vs " + rdpEpsilon);
    assertTrue(pld.privacyStatement().text().contains("PldAccountant"));

    PrivacyFilter filter =
        PrivacyFilter.limited(new PldAccountant(), PrivacyBudget.approximate(1.0, 1e-5));
    DpSgdOptimizer optimizer =
        DpSgdOptimizer.wrap(
            new Sgd(0.1), mnist().filter(filter).build(), GaussianTensorNoise.seededNotPrivate(1));
    INDArray params = Nd4j.create(DataType.FLOAT, 1, 4);
    for (int t = 0; t < 3; t++) {
      optimizer.step(params, PerExampleGradients.ofMatrix(Nd4j.create(DataType.FLOAT, 2, 4)));
    }
    double fresh = new PldAccountant().compose(pld.eventForSteps(3)).epsilon(1e-5);
    // Three one-step compositions against one three-fold composition of the same discretised
    // step: the same convolution, up to floating-point rounding.
    assertEquals(fresh, filter.spent(), 1e-12 * fresh);
  }
}
