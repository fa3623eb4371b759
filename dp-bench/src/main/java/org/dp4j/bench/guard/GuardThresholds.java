package org.dp4j.bench.guard;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.dp4j.core.internal.Checks;

/**
 * Reads the guard's checks from a properties file. Each check {@code NAME} is four keys:
 *
 * <pre>
 * check.NAME.hot = SimpleClassName.hotMethod
 * check.NAME.baseline = SimpleClassName.baselineMethod
 * check.NAME.reference-speed-ratio = 0.1
 * check.NAME.min-speed-ratio = 0.05
 * </pre>
 *
 * <p>Any other key, a missing key or a bad value is an error (no silently ignored typo). The
 * versioned file is {@code org/dp4j/bench/guard/thresholds.properties} on the classpath.
 */
public final class GuardThresholds {

  /** Classpath location of the versioned thresholds. */
  public static final String RESOURCE = "/org/dp4j/bench/guard/thresholds.properties";

  private static final String PREFIX = "check.";
  private static final List<String> FIELDS =
      List.of("hot", "baseline", "reference-speed-ratio", "min-speed-ratio");

  private GuardThresholds() {}

  /**
   * Loads the versioned thresholds from the classpath.
   *
   * @return the checks, ordered by name
   * @throws IllegalStateException when the resource is missing
   * @throws IllegalArgumentException when it is malformed
   */
  public static List<GuardCheck> loadDefault() {
    try (InputStream in = GuardThresholds.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing classpath resource " + RESOURCE);
      }
      return parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses properties text (ISO-8859-1 escapes as in {@link Properties#load(Reader)}, UTF-8). */
  public static List<GuardCheck> parse(InputStream in) throws IOException {
    Properties properties = new Properties();
    try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      properties.load(reader);
    }
    return parse(properties);
  }

  /**
   * Builds the checks from loaded properties.
   *
   * @param properties the keys described in the class comment
   * @return the checks, ordered by name; at least one
   * @throws IllegalArgumentException on an unknown key, a missing key, a non-numeric, NaN,
   *     infinite, zero or negative ratio, a minimum above its reference, or no check at all
   */
  public static List<GuardCheck> parse(Properties properties) {
    Checks.notNull("properties", properties);
    Set<String> names = new TreeSet<>();
    for (String key : properties.stringPropertyNames()) {
      String field = FIELDS.stream().filter(f -> key.endsWith("." + f)).findFirst().orElse(null);
      Checks.require(
          key.startsWith(PREFIX)
              && field != null
              && key.length() > PREFIX.length() + field.length() + 1,
          "threshold key",
          "check.NAME. followed by one of " + FIELDS,
          "'" + key + "'");
      names.add(key.substring(PREFIX.length(), key.length() - field.length() - 1));
    }
    Checks.require(!names.isEmpty(), "thresholds", "at least one check", "none");
    List<GuardCheck> checks = new ArrayList<>();
    for (String name : names) {
      String hot = required(properties, name, "hot");
      String baseline = required(properties, name, "baseline");
      double reference = number(name, "reference-speed-ratio", properties);
      double minimum = number(name, "min-speed-ratio", properties);
      checks.add(new GuardCheck(name, hot, baseline, reference, minimum));
    }
    return List.copyOf(checks);
  }

  private static double number(String name, String field, Properties properties) {
    String text = required(properties, name, field);
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          Checks.message(name + "." + field, "a number", "'" + text + "'"), e);
    }
  }

  private static String required(Properties properties, String name, String field) {
    String key = PREFIX + name + "." + field;
    String value = properties.getProperty(key);
    Checks.require(
        value != null && !value.isBlank(),
        key,
        "present and non-blank",
        value == null ? "nothing" : "'" + value + "'");
    return value.trim();
  }
}
