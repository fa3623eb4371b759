package org.dp4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.pld.PldAccountant;
import org.dp4j.core.budget.PrivacyFilter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One integration test on a real standalone Spark cluster on 127.0.0.1: a master and two workers in
 * their own JVMs, whose executors (more JVMs) build their class path from {@code SPARK_HOME/jars};
 * that folder is made here from the test class path (links to the dependency jars, and jars of the
 * module's class folders). A driver JVM ({@link StandaloneClusterDriver}) submits the query, so the
 * plan, the execution spec and the functions are serialized to executors that draw their own noise.
 * Checks: both executors ran tasks; the secure run releases every group with plausible values,
 * drawn on the executors; the seeded NOT PRIVATE run equals the same query run here on {@code
 * local[2]} (bounding and release are deterministic functions of the seed), so the plan, the spec
 * and the functions survive serialization to other JVMs unchanged.
 */
class StandaloneClusterTest {

  private static final List<Process> PROCESSES = new ArrayList<>();

  @AfterAll
  static void stopCluster() {
    for (Process p : PROCESSES) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** SPARK_HOME/jars: links to the class path's jars and jars made from its class folders. */
  private static Path sparkHome(Path dir, List<String> classPath) throws IOException {
    Path jars = dir.resolve("jars");
    Files.createDirectories(jars);
    int n = 0;
    for (String entry : classPath) {
      Path source = Paths.get(entry);
      if (Files.isDirectory(source)) {
        jarOf(source, jars.resolve("classes-" + (n++) + ".jar"));
      } else if (entry.endsWith(".jar") && Files.isRegularFile(source)) {
        Path link = jars.resolve(source.getFileName());
        if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.createSymbolicLink(link, source.toAbsolutePath());
        }
      }
    }
    return dir;
  }

  private static void jarOf(Path classes, Path jar) throws IOException {
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream j = new JarOutputStream(out);
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        j.putNextEntry(
            new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
        Files.copy(f, j);
        j.closeEntry();
      }
    }
  }

  private static Process start(Path log, Map<String, String> env, List<String> command)
      throws IOException {
    ProcessBuilder b =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    b.environment().putAll(env);
    Process p = b.start();
    PROCESSES.add(p);
    return p;
  }

  private static List<String> java(String log4j, String classPath, String main, String... args) {
    List<String> c = new ArrayList<>();
    c.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    c.add("-Xmx512m");
    c.addAll(Arrays.asList(System.getProperty("dp4j.spark.jvmOptions", "").split(" ")));
    c.add(
        "-Dlog4j2.configurationFile="
            + Paths.get(System.getProperty("dp4j.test.resources", "src/test/resources"), log4j));
    c.add("-cp");
    c.add(classPath);
    c.add(main);
    c.addAll(Arrays.asList(args));
    c.removeIf(String::isBlank);
    return c;
  }

  private static void awaitLine(Path log, String text, long seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains(text)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no '" + text + "' in " + log + ":\n" + Files.readString(log));
  }

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void aQueryOnAStandaloneClusterWithTwoWorkers() throws Exception {
    Path dir = Paths.get("target", "spark-cluster").toAbsolutePath();
    Files.createDirectories(dir);
    List<String> classPath =
        Arrays.asList(
            System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
                .split(File.pathSeparator));
    Path home = sparkHome(dir.resolve("spark-home"), classPath);
    String jarsGlob = home.resolve("jars") + File.separator + "*";
    Map<String, String> env =
        Map.of(
            "SPARK_HOME",
            home.toString(),
            "SPARK_SCALA_VERSION",
            "2.13",
            "JAVA_HOME",
            System.getProperty("java.home"),
            "SPARK_LOCAL_IP",
            "127.0.0.1",
            "SPARK_WORKER_DIR",
            dir.resolve("work").toString());
    int port = freePort();
    String master = "spark://127.0.0.1:" + port;
    Path masterLog = dir.resolve("master.log");
    start(
        masterLog,
        env,
        java(
            "log4j2-cluster.properties",
            jarsGlob,
            "org.apache.spark.deploy.master.Master",
            "--host",
            "127.0.0.1",
            "--port",
            String.valueOf(port),
            "--webui-port",
            String.valueOf(freePort())));
    awaitLine(masterLog, "I have been elected leader", 90);
    for (int w = 0; w < 2; w++) {
      start(
          dir.resolve("worker" + w + ".log"),
          env,
          java(
              "log4j2-cluster.properties",
              jarsGlob,
              "org.apache.spark.deploy.worker.Worker",
              master,
              "--host",
              "127.0.0.1",
              "--cores",
              "1",
              "--memory",
              "700m",
              "--webui-port",
              String.valueOf(freePort()),
              "--work-dir",
              dir.resolve("work" + w).toString()));
    }
    for (int w = 0; w < 2; w++) {
      awaitLine(dir.resolve("worker" + w + ".log"), "Successfully registered with master", 90);
    }
    Path driverLog = dir.resolve("driver.log");
    Process driver =
        start(
            driverLog,
            env,
            java(
                "log4j2-test.properties",
                String.join(File.pathSeparator, classPath),
                StandaloneClusterDriver.class.getName(),
                master));
    assertTrue(driver.waitFor(180, TimeUnit.SECONDS), "driver timed out");
    List<String> lines = Files.readAllLines(driverLog, StandardCharsets.UTF_8);
    assertEquals(0, driver.exitValue(), String.join("\n", lines));

    Map<String, List<String>> runs = new TreeMap<>();
    for (String line : lines) {
      int tab = line.indexOf('\t');
      if (tab > 0) {
        runs.computeIfAbsent(line.substring(0, tab), k -> new ArrayList<>())
            .add(line.substring(tab + 1));
      }
    }
    Set<String> executors = new HashSet<>(Arrays.asList(runs.get("executors").get(0).split(",")));
    executors.remove("driver");
    assertEquals(2, executors.size(), "tasks ran on both workers' executors: " + executors);
    List<String> secure = runs.get("secure");
    assertEquals(8, secure.size(), "all 8 groups (625 units each) pass the threshold");
    assertNotEquals(new HashSet<>(secure), new HashSet<>(runs.get("seeded")));
    for (String row : secure) {
      double count = Double.parseDouble(row.split("\t")[1]);
      // 625 units per group with 4 rows each, at most 2 kept per group: 1250 rows (K = 2 keeps
      // every unit's groups); the noise's standard deviation is below 50, so 10 sd is 500.
      assertTrue(Math.abs(count - 1250) < 500, row);
    }
    // The seeded run on the cluster equals the same seeded query here on local[2].
    PrivacyFilter filter =
        PrivacyFilter.limited(new PldAccountant(), PrivacyBudget.approximate(1, 1e-6));
    List<String> local = new ArrayList<>();
    for (Row r :
        StandaloneClusterDriver.query(SparkTestSession.get())
            .randomness(Randomness.notPrivateSeeded(77))
            .build()
            .run(filter)
            .rows()) {
      local.add(r.mkString("\t"));
    }
    assertEquals(local, runs.get("seeded"));
  }
}
