package org.dp4j.core.accounting.rdp;

import java.util.ArrayList;
import java.util.List;

/** The default order grids of the two anchors, as described in REFDATA-README.md. */
final class AnchorGrids {

  private AnchorGrids() {}

  /** dp_accounting 0.6.0: 1.1, 1.2, ..., 10.9, 11, ..., 63, 128, 256, 512, 1024 (156 orders). */
  static double[] dpAccounting() {
    List<Double> orders = fractionalPart();
    for (int order = 11; order <= 63; order++) {
      orders.add((double) order);
    }
    for (int order : new int[] {128, 256, 512, 1024}) {
      orders.add((double) order);
    }
    return toArray(orders);
  }

  /** Opacus 1.5.4: 1.1, 1.2, ..., 10.9, 12, ..., 63 (151 orders; no 11, nothing above 63). */
  static double[] opacus() {
    List<Double> orders = fractionalPart();
    for (int order = 12; order <= 63; order++) {
      orders.add((double) order);
    }
    return toArray(orders);
  }

  private static List<Double> fractionalPart() {
    List<Double> orders = new ArrayList<>();
    for (int x = 1; x < 100; x++) {
      orders.add(1.0 + x / 10.0);
    }
    return orders;
  }

  private static double[] toArray(List<Double> orders) {
    return orders.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
