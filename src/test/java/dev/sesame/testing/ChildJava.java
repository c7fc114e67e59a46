package dev.sesame.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * How tests start a JVM of their own (the CLI, a kill-test loop, a TLS server): the command line
 * scripts/sesame would give it, over this test JVM's class path.
 *
 * <p>When the build has made the shipped jar and its class-data archive (pom.xml builds both before
 * the tests), a child runs from target/sesame.jar with target/sesame.jsa mapped, as users run it:
 * no signed Bouncy Castle jar to verify and most classes pre-parsed, about half the CPU of a start
 * over target/classes. The test classes and test-only jars follow the jar on the class path. When
 * the jar is missing or older than target/classes (a test run from an IDE after an edit), children
 * run over the class directories instead, and this says so once on stderr.
 */
public final class ChildJava {
  private static final Path CLASSES = Path.of("target", "classes").toAbsolutePath();
  private static final Path JAR = Path.of("target", "sesame.jar").toAbsolutePath();
  private static final Path ARCHIVE = Path.of("target", "sesame.jsa").toAbsolutePath();
  /** C1 only and no perf-data file: these children do milliseconds of work; the encoding is scripts/sesame's. */
  private static final List<String> BASE_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
      "-Dfile.encoding=UTF-8");
  private static final boolean SHIPPED_JAR_FRESH = shippedJarIsFresh();
  private static final List<String> JVM_FLAGS = jvmFlags();
  private static final String CLASS_PATH = childClassPath();

  private ChildJava() {}

  /** The java launcher of the JDK running the tests. */
  public static String binary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** JAVA, the flags, any EXTRA_FLAGS, {@code -cp}, the class path and MAIN_CLASS. */
  public static List<String> command(List<String> extraFlags, String mainClass) {
    List<String> command = new ArrayList<>();
    command.add(binary());
    command.addAll(flags());
    command.addAll(extraFlags);
    command.add("-cp");
    command.add(classPath());
    command.add(mainClass);
    return command;
  }

  /** {@link #command} with no extra flags. */
  public static List<String> command(String mainClass) {
    return command(List.of(), mainClass);
  }

  /** The same command as one line for sh, every word single-quoted. */
  public static String shellCommand(String mainClass) {
    return command(mainClass).stream().map(ChildJava::shellQuote).collect(Collectors.joining(" "));
  }

  /** The JVM flags, with the class-data archive when the shipped jar is in use. */
  public static List<String> flags() {
    return JVM_FLAGS;
  }

  private static List<String> jvmFlags() {
    List<String> flags = new ArrayList<>(BASE_FLAGS);
    if (SHIPPED_JAR_FRESH) {
      // As scripts/sesame: -Xshare:auto falls back quietly should the archive not match this JVM.
      flags.addAll(List.of("-Xshare:auto", "-XX:SharedArchiveFile=" + ARCHIVE, "-Xlog:cds=off",
          "-Xlog:cds+dynamic=off"));
    }
    return List.copyOf(flags);
  }

  /**
   * This JVM's class path, every entry absolute (children may run in another folder), with the
   * shipped jar first in place of target/classes when it is fresh.
   */
  public static String classPath() {
    return CLASS_PATH;
  }

  private static String childClassPath() {
    Stream<Path> entries = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(entry -> Path.of(entry).toAbsolutePath());
    if (SHIPPED_JAR_FRESH) {
      // The archive records the class path it was dumped with (the jar alone), and a child must
      // start with the same entries; the rest may follow. The jars the shaded jar already holds
      // stay off: each class or resource a library probes for and does not find would otherwise
      // open every one of them (about 90 ms of CPU per child).
      Set<Path> shaded = runtimeClassPath();
      entries = Stream.concat(Stream.of(JAR),
          entries.filter(entry -> !entry.equals(CLASSES) && !shaded.contains(entry)));
    }
    return entries.map(Path::toString).collect(Collectors.joining(File.pathSeparator));
  }

  /** The shipped jar (for scripts/sesame's SESAME_JAR), when children use it; else empty. */
  public static Optional<Path> shippedJar() {
    return SHIPPED_JAR_FRESH ? Optional.of(JAR) : Optional.empty();
  }

  /** The runtime class path Maven passes (pom.xml, maven-dependency-plugin); empty when not run by Maven. */
  private static Set<Path> runtimeClassPath() {
    String runtime = System.getProperty("sesame.runtime.classpath", "");
    if (runtime.isEmpty() || runtime.startsWith("${")) {
      return Set.of();
    }
    return Arrays.stream(runtime.split(File.pathSeparator))
        .map(entry -> Path.of(entry).toAbsolutePath())
        .collect(Collectors.toUnmodifiableSet());
  }

  private static boolean shippedJarIsFresh() {
    if (!Files.isRegularFile(JAR) || !Files.isRegularFile(ARCHIVE)) {
      System.err.println("child JVMs run over target/classes: no " + JAR + " with its class-data archive yet"
          + " (mvn verify and mvn test build them before the tests)");
      return false;
    }
    try (Stream<Path> classes = Files.walk(CLASSES)) {
      FileTime jarTime = Files.getLastModifiedTime(JAR);
      boolean stale = classes.anyMatch(file -> modified(file).compareTo(jarTime) > 0);
      if (stale) {
        System.err.println("child JVMs run over target/classes: " + JAR + " is older than the classes"
            + " (mvn test rebuilds it)");
      }
      return !stale;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String shellQuote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }
}
