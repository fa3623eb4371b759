package org.dp4j.core.accounting.rdp;

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

/** Loads the reference CSVs (see REFDATA-README.md beside them) from the test classpath. */
final class RefData {

  private static final String ROOT = "/org/dp4j/core/refdata/";

  private RefData() {}

  /** One CSV row, read by column name. */
  record Row(Map<String, String> cells, int line) {

    String text(String column) {
      String value = cells.get(column);
      if (value == null) {
        throw new IllegalArgumentException("no column " + column);
      }
      return value;
    }

    /** Whether the cell is non-empty. */
    boolean has(String column) {
      return !text(column).isEmpty();
    }

    double number(String column) {
      String value = text(column);
      return value.equals("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(value);
    }

    long integer(String column) {
      return Long.parseLong(text(column));
    }

    @Override
    public String toString() {
      return "line " + line + " " + cells;
    }
  }

  /** All data rows of the named file. */
  static List<Row> load(String fileName) {
    try (InputStream in = RefData.class.getResourceAsStream(ROOT + fileName)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + ROOT + fileName);
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
        String[] fields = line.split(",", -1);
        Map<String, String> cells = new HashMap<>();
        for (int c = 0; c < header.length; c++) {
          cells.put(header[c], c < fields.length ? fields[c] : "");
        }
        rows.add(new Row(cells, number));
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
