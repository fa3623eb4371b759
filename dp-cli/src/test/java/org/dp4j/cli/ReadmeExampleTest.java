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
import java.util.List;
import java.util.Locale;
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
 * The Java program in the repository's README compiles against the library, runs twice in a row in
 * the same working directory (the second run reopens the ledger the first one created), and prints
 * the numbers its comments claim.
 */
class ReadmeExampleTest {

  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern CLASS_NAME = Pattern.compile("public class (\\w+)");

  /** A trailing comment made only of numbers, e.g. {@code // 2.1616} or {@code // 1.5, 2.25}. */
  private static final Pattern CLAIMED =
      Pattern.compile("//\\s*(\\d+\\.\\d+(?:,\\s*\\d+\\.\\d+)*)\\s*$", Pattern.MULTILINE);

  private static final Pattern LEDGER_LINE =
      Pattern.compile("ledger: (\\d+) spend\\(s\\), epsilon ");

  @TempDir Path dir;

  @Test
  void readmeProgramCompilesRunsTwiceAndPrintsTheClaimedNumbers() throws Exception {
    String program = readmeProgram();
    Matcher name = CLASS_NAME.matcher(program);
    assertTrue(name.find(), "the README's Java block must declare a public class");
    String className = name.group(1);

    Path classes = compile(className, program);

    List<String> claimed = new ArrayList<>();
    Matcher m = CLAIMED.matcher(program);
    while (m.find()) {
      for (String number : m.group(1).split(",")) {
        claimed.add(number.trim());
      }
    }
    assertTrue(claimed.containsAll(List.of("2.1616", "1.9796")), "claimed numbers: " + claimed);

    Path work = Files.createDirectories(dir.resolve("work"));
    for (int run = 1; run <= 2; run++) {
      String out = run(classes, className, work);
      for (String number : claimed) {
        assertTrue(out.contains(number), "run " + run + " must print " + number + ":\n" + out);
      }
      Matcher ledger = LEDGER_LINE.matcher(out);
      assertTrue(ledger.find(), "run " + run + " must report the ledger:\n" + out);
      assertEquals(
          run,
          Integer.parseInt(ledger.group(1)),
          "run " + run + " must see every spend of the runs before it:\n" + out);
    }
    assertTrue(Files.exists(work.resolve("budget.ledger")));
  }

  /** The README's Java code block (the repository root is a parent of the module directory). */
  private static String readmeProgram() throws IOException {
    Path readme = null;
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("README.md")) && Files.isDirectory(d.resolve("dp-cli"))) {
        readme = d.resolve("README.md");
        break;
      }
    }
    assertTrue(readme != null, "README.md not found above " + Path.of("").toAbsolutePath());
    Matcher block = JAVA_BLOCK.matcher(Files.readString(readme, StandardCharsets.UTF_8));
    List<String> blocks = new ArrayList<>();
    while (block.find()) {
      blocks.add(block.group(1));
    }
    assertEquals(1, blocks.size(), "the README must hold exactly one Java block");
    return blocks.get(0);
  }

  private Path compile(String className, String program) throws IOException {
    Path sources = Files.createDirectories(dir.resolve("src"));
    Path classes = Files.createDirectories(dir.resolve("classes"));
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
      assertTrue(ok, "the README's program must compile: " + diagnostics.getDiagnostics());
    }
    return classes;
  }

  /** Runs the program in a new JVM whose working directory is {@code work}; returns its output. */
  private static String run(Path classes, String className, Path work)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = classes + File.pathSeparator + System.getProperty("java.class.path");
    Process process =
        new ProcessBuilder(java, "-Xmx256m", "-cp", classPath, className)
            .directory(work.toFile())
            .redirectErrorStream(true)
            .start();
    process.getOutputStream().close();
    if (!process.waitFor(120, TimeUnit.SECONDS)) { // its few lines fit the pipe's buffer
      process.destroyForcibly();
      throw new AssertionError("the README's program did not finish within 120 s");
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), "exit status; output:\n" + out);
    assertFalse(out.isBlank());
    return out;
  }
}
