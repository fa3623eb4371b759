package org.dp4j.core.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Reads the reference CSVs copied from {@code ../shared/refdata} into test resources ({@code
 * org/dp4j/core/refdata/}, provenance in {@code REFDATA-README.md} beside them). The files have a
 * header row, no quoting, and empty cells for "not computed".
 */
public final class RefData {

  private RefData() {}

  /** One row, looked up by column name. */
  public record Row(String file, int line, Map<String, String> cells) {

    /** The raw cell; fails if the column does not exist. */
    public String text(String column) {
      String v = cells.get(column);
      if (v == null) {
        throw new IllegalArgumentException(file + " has no column " + column);
      }
      return v;
    }

    /** The cell as a double; fails if empty. {@code inf} parses as infinity. */
    public double number(String column) {
      return optional(column)
          .orElseThrow(
              () -> new IllegalStateException(file + ":" + line + " " + column + " is empty"));
    }

    /** The cell as a double, or empty when the cell is empty. */
    public OptionalDouble optional(String column) {
      String v = text(column).trim();
      if (v.isEmpty()) {
        return OptionalDouble.empty();
      }
      return OptionalDouble.of(
          switch (v) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(v);
          });
    }

    @Override
    public String toString() {
      return file + ":" + line + " " + cells;
    }
  }

  /** All rows of {@code org/dp4j/core/refdata/<fileName>}. */
  public static List<Row> load(String fileName) {
    String resource = "/org/dp4j/core/refdata/" + fileName;
    try (InputStream in = RefData.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("missing test resource " + resource);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      List<String> header = Arrays.asList(reader.readLine().split(",", -1));
      List<Row> rows = new ArrayList<>();
      String line;
      int number = 1;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        String[] parts = line.split(",", -1);
        if (parts.length != header.size()) {
          throw new IllegalStateException(
              fileName
                  + ":"
                  + number
                  + " has "
                  + parts.length
                  + " cells, header has "
                  + header.size());
        }
        Map<String, String> cells = new HashMap<>();
        for (int i = 0; i < parts.length; i++) {
          cells.put(header.get(i), parts[i]);
        }
        rows.add(new Row(fileName, number, Map.copyOf(cells)));
      }
      return List.copyOf(rows);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
