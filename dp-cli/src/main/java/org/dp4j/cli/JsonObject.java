package org.dp4j.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A flat JSON object with fields in insertion order, numbers by the convention of {@link Json};
 * enough for the CLI's {@code --json} output.
 */
final class JsonObject {

  private final Map<String, String> fields = new LinkedHashMap<>();

  JsonObject put(String name, String value) {
    fields.put(name, value == null ? "null" : quote(value));
    return this;
  }

  /**
   * A number by the CLI's convention ({@link Json}): finite values as JSON numbers; an infinity or
   * NaN as {@code null} plus the field {@code "<name>_non_finite"} naming it.
   */
  JsonObject put(String name, double value) {
    fields.put(name, Json.number(value));
    if (!Double.isFinite(value)) {
      fields.put(Json.nonFiniteSnakeKey(name), quote(Json.nonFiniteName(value)));
    }
    return this;
  }

  JsonObject put(String name, boolean value) {
    fields.put(name, Boolean.toString(value));
    return this;
  }

  JsonObject put(String name, long value) {
    fields.put(name, Long.toString(value));
    return this;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    fields.forEach(
        (k, v) -> {
          if (sb.length() > 1) {
            sb.append(", ");
          }
          sb.append(quote(k)).append(": ").append(v);
        });
    return sb.append('}').toString();
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
