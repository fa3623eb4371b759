package org.dp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java programs in the README, {@code docs/dl4j.md} and {@code docs/audit.md} compile against
 * the library, run twice in a row in the same working directory (the second run reopens the ledger
 * the first one created), and print what their comments and the text around them claim.
 *
 * <p>A {@code java} block that declares a public class is a program. A block without a class is a
 * variation of the last whole program before it: its {@code import} lines are added to the
 * program's, and its other lines replace the program's last statements from the line that starts
 * with {@code DpTrainer trainer} to the one that prints the privacy statement. A block with elided
 * code ({@code ...}) is an excerpt and is not run. Identical programs in several documents run
 * once.
 */
class ReadmeExampleTest {

  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern CLASS_NAME = Pattern.compile("public class (\\w+)");

  /** A trailing comment made only of numbers, e.g. {@code // 2.1616} or {@code // 1.5, 2.25}. */
  private static final Pattern CLAIMED =
      Pattern.compile("//\\s*(\\d+\\.\\d+(?:,\\s*\\d+\\.\\d+)*)\\s*$", Pattern.MULTILINE);

  /** The core program's ledger line: how many spends the ledger holds. */
  private static final Pattern LEDGER_SPENDS =
      Pattern.compile("ledger: (\\d+) spend\\(s\\), epsilon ");

  /** The training ledger's line: the epsilon it holds after the run. */
  private static final Pattern LEDGER_EPSILON =
      Pattern.compile("ledger: epsilon ([0-9.]+) spent in all");

  /** The trainer's privacy statement. */
  private static final Pattern STATEMENT =
      Pattern.compile(
          "\\(epsilon = ([0-9.]+), delta = 1\\.00e-05\\)-DP for 234 steps of DP-SGD with noise "
              + "multiplier [0-9.]+, accounted by PldAccountant\\. Unit of privacy: one training "
              + "example");

  /** Outputs of both runs of each program already run, by source text. */
  private static final Map<String, List<String>> RUNS = new HashMap<>();

  @TempDir static Path dir;

  @Test
  void readmeProgramsCompileRunTwiceAndPrintWhatTheyClaim() throws Exception {
    List<String> programs = programs("README.md");
    assertEquals(
        3,
        programs.size(),
        "the README's programs: training, training on a ledger, " + "accounting and mechanisms");
    assertTrainsPrivately(programs.get(0));
    assertTrainsOnALedger(programs.get(1));

    String core = programs.get(2);
    List<String> claimed = claimedNumbers(core);
    assertTrue(claimed.containsAll(List.of("2.1616", "1.9796")), "claimed numbers: " + claimed);
    List<String> outputs = runTwice(core);
    for (int run = 1; run <= 2; run++) {
      String out = outputs.get(run - 1);
      for (String number : claimed) {
        assertTrue(out.contains(number), "run " + run + " must print " + number + ":\n" + out);
      }
      Matcher ledger = LEDGER_SPENDS.matcher(out);
      assertTrue(ledger.find(), "run " + run + " must report the ledger:\n" + out);
      assertEquals(
          run,
          Integer.parseInt(ledger.group(1)),
          "run " + run + " must see every spend of the runs before it:\n" + out);
    }
  }

  @Test
  void dl4jGuideProgramsCompileRunTwiceAndPrintWhatTheyClaim() throws Exception {
    List<String> programs = programs("docs/dl4j.md");
    assertEquals(
        3,
        programs.size(),
        "docs/dl4j.md's programs: training, training on a ledger, training a ComputationGraph");
    assertTrainsPrivately(programs.get(0));
    assertTrainsOnALedger(programs.get(1));
    assertTrainsAGraphPrivately(programs.get(2));
  }

  /**
   * docs/audit.md's program audits a correct run. It is run at confidence {@code 1 - 1e-6} instead
   * of the documented 0.95, so that each of its two runs reports a violation with probability at
   * most {@code 1e-6} (the bound's guarantee); everything else is run as documented.
   */
  @Test
  void auditGuideProgramCompilesRunsTwiceAndFindsNoViolation() throws Exception {
    List<String> programs = programs("docs/audit.md");
    assertEquals(1, programs.size(), "docs/audit.md's program: an audit of the digits MLP");
    String documented = programs.get(0);
    String confident = documented.replace(".confidence(0.95)", ".confidence(1 - 1e-6)");
    assertFalse(confident.equals(documented), "the program must state its confidence");
    for (String out : runTwice(confident)) {
      assertTrue(out.contains("claimed epsilon: ") && out.contains("at delta 1.00e-05"), out);
      assertTrue(out.contains("verdict: no violation found"), out);
    }
  }

  /** The quick start: the three statements train, and the statement meets the target. */
  private static void assertTrainsPrivately(String program) throws Exception {
    assertTrue(
        program.contains(
            "    DpTrainer trainer = DpTrainer.builder(network, trainData)\n"
                + "        .target(PrivacyBudget.approximate(3,"
                + " 1e-5)).batchSize(64).epochs(15).build();\n"
                + "    trainer.train();\n"
                + "    System.out.println(trainer.privacyStatement());\n"),
        program);
    for (String out : runTwice(program)) {
      Matcher statement = STATEMENT.matcher(out);
      assertTrue(statement.find(), out);
      double epsilon = Double.parseDouble(statement.group(1));
      assertTrue(epsilon <= 3.0 && epsilon > 2.99, out);
    }
  }

  /** The ComputationGraph variation spends the same target through the same builder. */
  private static void assertTrainsAGraphPrivately(String program) throws Exception {
    assertTrue(program.contains("DpTrainer.builder(graph, trainData)"), program);
    for (String out : runTwice(program)) {
      Matcher statement = STATEMENT.matcher(out);
      assertTrue(statement.find(), out);
      double epsilon = Double.parseDouble(statement.group(1));
      assertTrue(epsilon <= 3.0 && epsilon > 2.99, out);
    }
  }

  /** The ledger variation: the second run reopens the ledger the first created. */
  private static void assertTrainsOnALedger(String program) throws Exception {
    List<String> outputs = runTwice(program);
    double[] ledger = new double[2];
    for (int run = 0; run < 2; run++) {
      String out = outputs.get(run);
      assertTrue(STATEMENT.matcher(out).find(), out);
      Matcher total = LEDGER_EPSILON.matcher(out);
      assertTrue(total.find(), out);
      ledger[run] = Double.parseDouble(total.group(1));
    }
    assertTrue(
        ledger[0] <= 3.0 && ledger[1] > ledger[0] && ledger[1] <= 5.0,
        "the second run adds to the first run's ledger: " + ledger[0] + ", " + ledger[1]);
  }

  private static List<String> claimedNumbers(String program) {
    List<String> claimed = new ArrayList<>();
    Matcher m = CLAIMED.matcher(program);
    while (m.find()) {
      for (String number : m.group(1).split(",")) {
        claimed.add(number.trim());
      }
    }
    return claimed;
  }

  /**
   * The runnable programs of a document, variations spliced into the last whole program before
   * them.
   */
  private static List<String> programs(String document) throws IOException {
    Matcher block =
        JAVA_BLOCK.matcher(Files.readString(repositoryFile(document), StandardCharsets.UTF_8));
    List<String> programs = new ArrayList<>();
    String base = null; // the last whole program: variations replace its statements
    while (block.find()) {
      String code = block.group(1);
      if (code.contains("...")) {
        continue;
      }
      if (CLASS_NAME.matcher(code).find()) {
        base = code;
        programs.add(code);
      } else {
        assertFalse(base == null, document + ": a variation needs a program before it");
        programs.add(splice(base, code));
      }
    }
    return programs;
  }

  /**
   * {@code program} with {@code variation}'s imports added and its statements in place of the
   * program's from {@code DpTrainer trainer} to the privacy statement, indented as they were; the
   * class is renamed so that both can run.
   */
  private static String splice(String program, String variation) {
    List<String> imports = new ArrayList<>();
    List<String> body = new ArrayList<>();
    for (String line : variation.split("\n")) {
      if (line.startsWith("import ")) {
        imports.add(line);
      } else if (!line.isBlank() || !body.isEmpty()) {
        body.add(line);
      }
    }
    int from = program.indexOf("    DpTrainer trainer");
    String last = "System.out.println(trainer.privacyStatement());\n";
    int to = program.indexOf(last, from) + last.length();
    assertTrue(from > 0 && to > from, "the program must end with the quick start's statements");
    StringBuilder statements = new StringBuilder();
    for (String line : body) {
      statements.append(line.isBlank() ? "" : "    " + line).append('\n');
    }
    String spliced =
        String.join("\n", imports)
            + "\n"
            + program.substring(0, from)
            + statements.toString().stripTrailing()
            + "\n"
            + program.substring(to);
    Matcher name = CLASS_NAME.matcher(spliced);
    assertTrue(name.find());
    return name.replaceFirst("public class " + name.group(1) + "Variation");
  }

  private static Path repositoryFile(String name) {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve(name)) && Files.isDirectory(d.resolve("dp-cli"))) {
        return d.resolve(name);
      }
    }
    throw new AssertionError(name + " not found above " + Path.of("").toAbsolutePath());
  }

  /** Compiles {@code program} and runs it twice in one new working directory, or recalls that. */
  private static List<String> runTwice(String program) throws Exception {
    List<String> known = RUNS.get(program);
    if (known != null) {
      return known;
    }
    Matcher name = CLASS_NAME.matcher(program);
    assertTrue(name.find(), "a program must declare a public class");
    String className = name.group(1);
    Path home = Files.createTempDirectory(dir, className);
    Path classes = compile(home, className, program);
    Path work = Files.createDirectories(home.resolve("work"));
    List<String> outputs = List.of(run(classes, className, work), run(classes, className, work));
    RUNS.put(program, outputs);
    return outputs;
  }

  private static Path compile(Path home, String className, String program) throws IOException {
    Path sources = Files.createDirectories(home.resolve("src"));
    Path classes = Files.createDirectories(home.resolve("classes"));
    Path source = Files.writeString(sources.resolve(className + ".java"), program);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertTrue(javac != null, "tests need a JDK (javax.tools)");
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      List<String> options =
          List.of(
              "-proc:none",
              "-d",
              classes.toString(),
              "-classpath",
              System.getProperty("java.class.path"));
      boolean ok =
          javac
              .getTask(null, files, diagnostics, options, null, files.getJavaFileObjects(source))
              .call();
      assertTrue(ok, "the program must compile: " + diagnostics.getDiagnostics() + "\n" + program);
    }
    return classes;
  }

  /** Runs the program in a new JVM whose working directory is {@code work}; returns its output. */
  private static String run(Path classes, String className, Path work)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = classes + File.pathSeparator + System.getProperty("java.class.path");
    Path log = Files.createTempFile(work.getParent(), className, ".out");
    Process process =
        new ProcessBuilder(
                java,
                "-Xmx256m",
                "-Dorg.bytedeco.javacpp.maxphysicalbytes=1G",
                "-cp",
                classPath,
                className)
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    process.getOutputStream().close();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(className + " did not finish within 120 s");
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), "exit status; output:\n" + out);
    assertFalse(out.isBlank());
    return out;
  }
}
