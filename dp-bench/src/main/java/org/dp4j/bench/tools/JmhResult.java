package org.dp4j.bench.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dp4j.core.internal.Checks;

/**
 * One entry of JMH's JSON result file ({@code -rf json}), reduced to what the reports need: the
 * benchmark, its parameters and the per-iteration scores of every fork, summarised by median and
 * range.
 *
 * @param benchmark fully qualified {@code Class.method}
 * @param mode JMH's short mode name ({@code avgt}, {@code thrpt}, {@code ss})
 * @param params the {@code @Param} values, in file order
 * @param unit the score unit, e.g. {@code us/op}
 * @param iterations every measured iteration's score, all forks pooled
 * @param jdkVersion the forked JVM's version as JMH recorded it ({@code jdkVersion}), or the empty
 *     string when the file has none
 */
public record JmhResult(
    String benchmark,
    String mode,
    Map<String, String> params,
    String unit,
    double[] iterations,
    String jdkVersion) {

  /** Validates and copies. */
  public JmhResult {
    Checks.notNull("benchmark", benchmark);
    Checks.notNull("mode", mode);
    params = Map.copyOf(params);
    Checks.notNull("unit", unit);
    Checks.require(iterations.length > 0, "iterations", "non-empty", "[]");
    iterations = iterations.clone();
    Checks.notNull("jdkVersion", jdkVersion);
  }

  /** The method name, after the last dot. */
  public String method() {
    return benchmark.substring(benchmark.lastIndexOf('.') + 1);
  }

  /** The simple class name. */
  public String simpleClass() {
    String type = benchmark.substring(0, benchmark.lastIndexOf('.'));
    return type.substring(type.lastIndexOf('.') + 1);
  }

  /** Median of the iterations (mean of the middle two for an even count). */
  public double median() {
    double[] s = sorted();
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : s[n / 2 - 1] / 2 + s[n / 2] / 2;
  }

  /** Smallest iteration score. */
  public double min() {
    return sorted()[0];
  }

  /** Largest iteration score. */
  public double max() {
    double[] s = sorted();
    return s[s.length - 1];
  }

  /** A parameter's value, or the empty string when the benchmark has no such parameter. */
  public String param(String name) {
    return params.getOrDefault(name, "");
  }

  private double[] sorted() {
    double[] s = iterations.clone();
    Arrays.sort(s);
    return s;
  }

  /** Reads every entry of a JMH JSON file. */
  public static List<JmhResult> read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8));
  }

  /**
   * Parses JMH JSON text.
   *
   * @throws IllegalArgumentException when the text is not JSON of JMH's shape
   */
  @SuppressWarnings("unchecked")
  public static List<JmhResult> parse(String json) {
    Object root = new MiniJson(json).document();
    Checks.require(root instanceof List, "JMH JSON", "a top-level array", typeOf(root));
    List<JmhResult> results = new ArrayList<>();
    for (Object entry : (List<Object>) root) {
      Map<String, Object> e = (Map<String, Object>) entry;
      Map<String, Object> metric = (Map<String, Object>) e.get("primaryMetric");
      Map<String, String> params = new LinkedHashMap<>();
      Object p = e.get("params");
      if (p instanceof Map<?, ?> map) {
        map.forEach((k, v) -> params.put(String.valueOf(k), String.valueOf(v)));
      }
      List<Double> scores = new ArrayList<>();
      for (Object fork : (List<Object>) metric.get("rawData")) {
        for (Object score : (List<Object>) fork) {
          scores.add(score instanceof Double d ? d : Double.parseDouble(String.valueOf(score)));
        }
      }
      results.add(
          new JmhResult(
              (String) e.get("benchmark"),
              (String) e.get("mode"),
              params,
              (String) metric.get("scoreUnit"),
              scores.stream().mapToDouble(Double::doubleValue).toArray(),
              e.get("jdkVersion") instanceof String version ? version : ""));
    }
    return results;
  }

  private static String typeOf(Object o) {
    return o == null ? "null" : o.getClass().getSimpleName();
  }

  /** A small JSON reader: objects to maps, arrays to lists, numbers to doubles. */
  private static final class MiniJson {
    private final String text;
    private int pos;

    MiniJson(String text) {
      this.text = text;
    }

    Object document() {
      Object value = value();
      skip();
      Checks.require(pos == text.length(), "JMH JSON", "a single value", "trailing text at " + pos);
      return value;
    }

    private Object value() {
      skip();
      Checks.require(pos < text.length(), "JMH JSON", "complete", "end of text");
      char c = text.charAt(pos);
      if (c == '{') {
        pos++;
        Map<String, Object> map = new LinkedHashMap<>();
        skip();
        if (peek('}')) {
          return map;
        }
        do {
          skip();
          String key = string();
          skip();
          expect(':');
          map.put(key, value());
          skip();
        } while (consume(','));
        expect('}');
        return map;
      }
      if (c == '[') {
        pos++;
        List<Object> list = new ArrayList<>();
        skip();
        if (peek(']')) {
          return list;
        }
        do {
          list.add(value());
          skip();
        } while (consume(','));
        expect(']');
        return list;
      }
      if (c == '"') {
        return string();
      }
      for (String word : List.of("true", "false", "null")) {
        if (text.startsWith(word, pos)) {
          pos += word.length();
          return word.equals("null") ? null : Boolean.valueOf(word);
        }
      }
      int start = pos;
      while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
        pos++;
      }
      Checks.require(pos > start, "JMH JSON", "a value at offset " + start, "'" + c + "'");
      return Double.parseDouble(text.substring(start, pos));
    }

    private String string() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (true) {
        Checks.require(pos < text.length(), "JMH JSON", "a closed string", "end of text");
        char c = text.charAt(pos++);
        if (c == '"') {
          return out.toString();
        }
        if (c == '\\') {
          char e = text.charAt(pos++);
          switch (e) {
            case 'n' -> out.append('\n');
            case 't' -> out.append('\t');
            case 'r' -> out.append('\r');
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'u' -> {
              out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
              pos += 4;
            }
            default -> out.append(e);
          }
        } else {
          out.append(c);
        }
      }
    }

    private void skip() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
    }

    private boolean peek(char c) {
      if (pos < text.length() && text.charAt(pos) == c) {
        pos++;
        return true;
      }
      return false;
    }

    private boolean consume(char c) {
      return peek(c);
    }

    private void expect(char c) {
      Checks.require(
          pos < text.length() && text.charAt(pos) == c,
          "JMH JSON",
          "'" + c + "' at offset " + pos,
          pos < text.length() ? "'" + text.charAt(pos) + "'" : "end");
      pos++;
    }
  }
}
