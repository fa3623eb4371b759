package org.dp4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The embedded example of {@code dp4j aggregate}: synthetic visits to a shop during one week,
 * generated reproducibly by {@link #generate()} (seed {@value #SEED}) and shipped as {@code
 * datasets/visits.csv.gz} (see {@code datasets/visits-README.md}). Columns: {@code visitor_id}
 * (V00001..), {@code day} (2024-03-04 .. 2024-03-10), {@code spent} (euros, 2 decimals, 0 when
 * nothing was bought, a few above 60).
 */
final class VisitsDataset {

  static final String RESOURCE = "datasets/visits.csv.gz";
  static final long SEED = 20240304L;
  static final int VISITORS = 2000;
  static final LocalDate FIRST_DAY = LocalDate.of(2024, 3, 4);

  /** Relative footfall Monday..Sunday. */
  private static final double[] DAY_WEIGHT = {0.8, 0.9, 1.0, 1.0, 1.4, 1.8, 0.6};

  private VisitsDataset() {}

  /**
   * The dataset as CSV text with a header. Each visitor visits 1 + Poisson(1.5) times (a few
   * regulars 10 to 25 times), on days drawn by footfall; a visit buys nothing with probability 0.2,
   * else spends a log-normal amount (median 18 euros).
   */
  static String generate() {
    SplittableRandom random = new SplittableRandom(SEED);
    StringBuilder csv = new StringBuilder("visitor_id,day,spent\n");
    double total = 0;
    for (double w : DAY_WEIGHT) {
      total += w;
    }
    for (int v = 1; v <= VISITORS; v++) {
      int visits = random.nextDouble() < 0.02 ? 10 + random.nextInt(16) : 1 + poisson(random, 1.5);
      for (int i = 0; i < visits; i++) {
        double u = random.nextDouble() * total;
        int day = 0;
        while (u >= DAY_WEIGHT[day]) {
          u -= DAY_WEIGHT[day];
          day++;
        }
        double spent =
            random.nextDouble() < 0.2 ? 0.0 : Math.exp(Math.log(18) + 0.8 * gaussian(random));
        csv.append(
            String.format(Locale.ROOT, "V%05d,%s,%.2f%n", v, FIRST_DAY.plusDays(day), spent));
      }
    }
    return csv.toString();
  }

  /** The shipped file's text. */
  static String shipped() {
    try (InputStream raw = VisitsDataset.class.getResourceAsStream(RESOURCE)) {
      if (raw == null) {
        throw new IllegalStateException("embedded resource " + RESOURCE + " is missing");
      }
      return new String(new GZIPInputStream(raw).readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies the shipped file to {@code target} (a {@code .csv.gz} Spark reads directly). */
  static void extract(Path target) throws IOException {
    try (InputStream raw = VisitsDataset.class.getResourceAsStream(RESOURCE)) {
      if (raw == null) {
        throw new IllegalStateException("embedded resource " + RESOURCE + " is missing");
      }
      Files.copy(raw, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Writes {@link #generate()} gzipped to {@code args[0]}: how the shipped file was made.
   *
   * @param args the output file
   * @throws IOException when it cannot be written
   */
  public static void main(String[] args) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(Path.of(args[0])))) {
      out.write(generate().getBytes(StandardCharsets.UTF_8));
    }
  }

  private static int poisson(SplittableRandom random, double mean) {
    double limit = Math.exp(-mean);
    double product = random.nextDouble();
    int k = 0;
    while (product > limit) {
      product *= random.nextDouble();
      k++;
    }
    return k;
  }

  /** A standard normal by Box-Muller (data generation only: no privacy role). */
  private static double gaussian(SplittableRandom random) {
    return Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
        * Math.cos(2 * Math.PI * random.nextDouble());
  }
}
