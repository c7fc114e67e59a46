package dev.sesame.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.testing.cli.SesameCli;
import dev.sesame.testing.cli.SesameCli.Result;
import dev.sesame.vault.AuditLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `sesame audit verify`: exit 0 and the head when intact, exit 3 and the line number when not. */
class AuditVerifyCliTest {
  @TempDir Path dir;
  private Path vault;
  private SesameCli sesame;

  @BeforeEach
  void writeLog() throws Exception {
    vault = dir.resolve("vault.json");
    AuditLog audit = new AuditLog(vault, Clock.systemUTC());
    for (String step : List.of("create", "test", "deploy", "finish")) {
      audit.append(new AuditLog.Entry("ops", "mail", step, "…0001", "ok", ""));
    }
    sesame = SesameCli.withTmpDir(Files.createDirectory(dir.resolve("tmp")));
  }

  @Test
  void anIntactLogExitsZeroWithCountAndHead() {
    Result result = sesame.run("audit", "verify", "--vault", vault.toString());

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).matches("audit log .*vault\\.json\\.audit: intact, 4 records, head [0-9a-f]{64}\n");
  }

  @Test
  void aReorderedLogExits3NamingTheLine() throws Exception {
    Path log = dir.resolve("vault.json.audit");
    List<String> lines = new ArrayList<>(Files.readAllLines(log));
    lines.add(lines.remove(1));
    Files.writeString(log, String.join("\n", lines) + "\n");

    Result result = sesame.run("audit", "verify", "--file", log.toString());

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
    assertThat(result.errLines()).hasSize(1);
    assertThat(result.err()).contains("broken at line 2");
  }

  @Test
  void noLogExits4() {
    Result result = sesame.run("audit", "verify", "--vault", dir.resolve("other.json").toString());

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(4);
  }
}
