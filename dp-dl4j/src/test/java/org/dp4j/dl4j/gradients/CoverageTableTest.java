package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.junit.jupiter.api.Test;

/**
 * The coverage table of {@code docs/dl4j.md} lists every concrete layer and graph-vertex
 * configuration class of the DL4J on the classpath exactly once, each with one of the known
 * methods: a DL4J upgrade that adds a layer, or a table row for a class that does not exist, fails
 * here.
 */
class CoverageTableTest {

  private static final Set<String> METHODS =
      Set.of("ghost", "layerwise", "ghost or layerwise", "as wrapped", "batch-of-one", "refused");

  private static final Pattern ROW = Pattern.compile("^\\| `([A-Za-z0-9]+)` \\| ([^|]+?) \\|");

  @Test
  void theTableListsEveryLayerAndVertexOfDl4jOnce() throws IOException, URISyntaxException {
    Map<String, String> table = table();
    Set<String> classes = concreteConfigurationClasses();
    assertEquals(classes, new TreeSet<>(table.keySet()), "the coverage table's rows");
    for (Map.Entry<String, String> row : table.entrySet()) {
      assertTrue(
          METHODS.contains(row.getValue()),
          row.getKey() + " has method '" + row.getValue() + "', not one of " + METHODS);
    }
  }

  /** The rows of the "Layer coverage" section: simple class name to method. */
  private static Map<String, String> table() throws IOException {
    List<String> lines = Files.readAllLines(repositoryFile("docs/dl4j.md"));
    Map<String, String> rows = new TreeMap<>();
    boolean inSection = false;
    List<String> duplicates = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("## ")) {
        inSection = line.equals("## Layer coverage");
        continue;
      }
      Matcher m = ROW.matcher(line);
      if (inSection && m.find()) {
        String method = m.group(2).replace("*", "").trim();
        if (rows.put(m.group(1), method) != null) {
          duplicates.add(m.group(1));
        }
      }
    }
    assertTrue(duplicates.isEmpty(), "rows listed twice: " + duplicates);
    assertTrue(!rows.isEmpty(), "docs/dl4j.md has no '## Layer coverage' table");
    return rows;
  }

  /** The simple names of DL4J's concrete {@link Layer} and {@link GraphVertex} classes. */
  private static Set<String> concreteConfigurationClasses() throws IOException, URISyntaxException {
    Path jar = Path.of(Layer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Set<String> names = new TreeSet<>();
    try (JarFile file = new JarFile(jar.toFile())) {
      for (JarEntry entry : Collections.list(file.entries())) {
        String name = entry.getName();
        if (!name.endsWith(".class")
            || name.contains("$")
            || !(name.startsWith("org/deeplearning4j/nn/conf/layers/")
                || name.startsWith("org/deeplearning4j/nn/conf/graph/"))) {
          continue;
        }
        String className = name.substring(0, name.length() - 6).replace('/', '.');
        Class<?> type;
        try {
          type = Class.forName(className, false, Layer.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
          continue; // a class whose optional dependencies are absent is not usable here
        }
        boolean concrete = !Modifier.isAbstract(type.getModifiers()) && !type.isInterface();
        if (concrete
            && (Layer.class.isAssignableFrom(type) || GraphVertex.class.isAssignableFrom(type))) {
          names.add(type.getSimpleName());
        }
      }
    }
    return names;
  }

  private static Path repositoryFile(String name) {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve(name))) {
        return d.resolve(name);
      }
    }
    throw new AssertionError(name + " not found above " + Path.of("").toAbsolutePath());
  }
}
