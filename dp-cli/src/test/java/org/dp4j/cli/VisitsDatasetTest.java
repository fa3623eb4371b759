package org.dp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VisitsDatasetTest {

  @Test
  void theShippedFileIsExactlyTheGeneratorsOutput() {
    assertEquals(VisitsDataset.generate(), VisitsDataset.shipped());
  }

  @Test
  void itHasTheDocumentedShape() {
    List<String> lines = VisitsDataset.shipped().lines().toList();
    assertEquals("visitor_id,day,spent", lines.get(0));
    Set<String> visitors = new HashSet<>();
    Set<String> days = new HashSet<>();
    int above60 = 0;
    for (String line : lines.subList(1, lines.size())) {
      String[] c = line.split(",");
      visitors.add(c[0]);
      days.add(c[1]);
      double spent = Double.parseDouble(c[2]);
      assertTrue(spent >= 0, line);
      above60 += spent > 60 ? 1 : 0;
    }
    assertEquals(VisitsDataset.VISITORS, visitors.size());
    assertEquals(7, days.size());
    assertTrue(above60 > 0, "some amounts exceed the example's bound");
  }
}
