package org.dp4j.core.accounting.pld;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/** Reads the reference CSVs under {@code org/dp4j/core/refdata/} (see REFDATA-README.md there). */
final class RefCsv {

  /** One data row, by column name. */
  record Row(int line, Map<String, String> cells) {

    double number(String column) {
      String v = text(column);
      if (v.isEmpty()) {
        throw new IllegalStateException("empty cell " + column + " at line " + line);
      }
      return Double.parseDouble(v);
    }

    /** Empty for an empty cell or one that is not a number (e.g. a skipped anchor). */
    OptionalDouble optionalNumber(String column) {
      String v = text(column);
      try {
        return v.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(Double.parseDouble(v));
      } catch (NumberFormatException e) {
        return OptionalDouble.empty();
      }
    }

    String text(String column) {
      String v = cells.get(column);
      if (v == null) {
        throw new IllegalStateException("no column " + column);
      }
      return v;
    }

    @Override
    public String toString() {
      return "line " + line;
    }
  }

  private RefCsv() {}

  static List<Row> read(String fileName) {
    String resource = "/org/dp4j/core/refdata/" + fileName;
    try (InputStream in = RefCsv.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String[] header = reader.readLine().split(",", -1);
      List<Row> rows = new ArrayList<>();
      String line;
      int number = 1;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        String[] cells = line.split(",", -1);
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < header.length; i++) {
          map.put(header[i], i < cells.length ? cells[i] : "");
        }
        rows.add(new Row(number, map));
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
