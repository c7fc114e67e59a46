package dev.sesame.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.testing.ChildJava;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every byte of a non-ASCII secret survives whatever locale the caller has: systemd services and
 * cron jobs run with LANG unset, which the JVM treats as ASCII. Runs the real launcher
 * (scripts/sesame) under `env -i`, as such a job does, over a jar whose manifest points at the
 * test class path.
 */
class LocaleTest {
  /** A 2-byte (é), a 3-byte (€) and a 4-byte (U+1F600) UTF-8 character, and a quote for sh. */
  private static final String PASSWORD = "p\u00e9\u20ac'\uD83D\uDE00s";
  private static final byte[] PASSWORD_BYTES = PASSWORD.getBytes(StandardCharsets.UTF_8);

  @TempDir
  Path dir;
  private Path jar;
  private Path vault;
  private Path key;

  @BeforeEach
  void launcherOverTheShippedJar() throws IOException {
    // The jar and class-data archives users run; over the class directories when the build has not
    // made a fresh jar yet (a manifest-only jar pointing at them).
    Optional<Path> shipped = ChildJava.shippedJar();
    jar = shipped.orElse(dir.resolve("sesame.jar"));
    if (shipped.isEmpty()) {
      Manifest manifest = new Manifest();
      manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
      manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH,
          Arrays.stream(ChildJava.classPath().split(File.pathSeparator))
              .map(entry -> Path.of(entry).toUri().toString())
              .collect(Collectors.joining(" ")));
      try (OutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
        // the manifest is the whole jar
      }
    }
    vault = dir.resolve("vault.json");
    key = dir.resolve("vault.key");
  }

  @ParameterizedTest(name = "LANG={0}")
  @ValueSource(strings = {"unset", "C", "POSIX"})
  void putGetEnvExecAndRenderKeepEveryByte(String lang) throws Exception {
    assertThat(sesame(lang, new byte[0], "init", "--vault", vault.toString(), "--key-file", key.toString())
        .exitCode).isZero();
    byte[] stdin = (PASSWORD + "\n").getBytes(StandardCharsets.UTF_8);
    Run put = sesame(lang, stdin, "put", "relay", "--vault", vault.toString(), "--key-file", key.toString(),
        "--host", "smtp.example.com", "--port", "587", "--smtp-username", "mailer", "--smtp-password-stdin");
    assertThat(put.exitCode).as(put.err()).isZero();

    Run get = sesame(lang, new byte[0], "get", "relay", "--vault", vault.toString(), "--key-file", key.toString());
    assertThat(get.stdout).isEqualTo(concat(PASSWORD_BYTES, new byte[] {'\n'}));

    Run env = sesame(lang, new byte[0], "get", "relay", "--vault", vault.toString(), "--key-file", key.toString(),
        "--output", "env");
    Path envFile = dir.resolve("relay.env");
    Files.write(envFile, env.stdout);
    Run sourced = shell(lang, ". '" + envFile + "'; printf '%s' \"$SMTP_PASSWORD\"");
    assertThat(sourced.stdout).isEqualTo(PASSWORD_BYTES);

    Run exec = sesame(lang, new byte[0], "exec", "relay", "--vault", vault.toString(), "--key-file", key.toString(),
        "--", "sh", "-c", "printf '%s' \"$SMTP_PASSWORD\"; printf '|%s' \"${LANG-unset}\" >&2");
    assertThat(exec.exitCode).as(exec.err()).isZero();
    assertThat(exec.stdout).isEqualTo(PASSWORD_BYTES);
    assertThat(exec.err()).as("the child keeps the caller's locale").isEqualTo("|" + lang);

    Path template = dir.resolve("relay.tmpl");
    Files.writeString(template, "password=${smtp_password}\n", StandardCharsets.UTF_8);
    Path out = dir.resolve("relay.conf");
    Run render = sesame(lang, new byte[0], "render", "--vault", vault.toString(), "--key-file", key.toString(),
        "--entry", "relay", "--template", template.toString(), "--format", "raw", "--out", out.toString());
    assertThat(render.exitCode).as(render.err()).isZero();
    assertThat(Files.readAllBytes(out)).isEqualTo(concat("password=".getBytes(StandardCharsets.US_ASCII),
        PASSWORD_BYTES, new byte[] {'\n'}));
  }

  private Run sesame(String lang, byte[] stdin, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("env", "-i", "PATH=" + System.getenv("PATH"),
        "SESAME_JAR=" + jar, "JAVA_HOME=" + System.getProperty("java.home")));
    if (!lang.equals("unset")) {
      command.add("LANG=" + lang);
    }
    command.add(Path.of("scripts/sesame").toAbsolutePath().toString());
    command.addAll(List.of(args));
    return run(command, stdin);
  }

  private Run shell(String lang, String script) throws Exception {
    List<String> command = new ArrayList<>(List.of("env", "-i", "PATH=" + System.getenv("PATH")));
    if (!lang.equals("unset")) {
      command.add("LANG=" + lang);
    }
    command.addAll(List.of("sh", "-c", script));
    return run(command, new byte[0]);
  }

  private static Run run(List<String> command, byte[] stdin) throws Exception {
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
    try (OutputStream in = process.getOutputStream()) {
      in.write(stdin);
    }
    byte[] err = process.getErrorStream().readAllBytes();
    byte[] out = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), out, err);
  }

  private static byte[] concat(byte[]... parts) {
    int length = Arrays.stream(parts).mapToInt(part -> part.length).sum();
    byte[] all = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }

  private record Run(int exitCode, byte[] stdout, byte[] stderr) {
    String err() {
      return new String(stderr, StandardCharsets.UTF_8);
    }
  }
}
