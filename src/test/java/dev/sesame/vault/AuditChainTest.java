package dev.sesame.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `audit verify`'s core: the first broken or missing link of the hash chain, by line number. */
class AuditChainTest {
  @TempDir Path dir;
  private Path log;

  @BeforeEach
  void writeFiveRecords() throws Exception {
    AuditLog audit = new AuditLog(dir.resolve("vault.json"), Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC));
    for (String step : List.of("create", "test", "deploy", "finish", "retire")) {
      audit.append(new AuditLog.Entry("ops", "mail", step, AuditLog.keyHint("AKIAEXAMPLE0001"), "ok", ""));
    }
    log = audit.file();
  }

  @Test
  void anUntouchedLogIsIntactAndNamesItsHead() throws Exception {
    AuditChain.Report report = AuditChain.verify(log, Optional.empty());

    assertThat(report.intact()).isTrue();
    assertThat(report.lines()).isEqualTo(5);
    assertThat(report.headHash()).matches("[0-9a-f]{64}");
  }

  @Test
  void anEditedLineBreaksTheLinkOfTheLineAfterIt() throws Exception {
    List<String> lines = lines();
    lines.set(1, lines.get(1).replace("\"test\"", "\"tested\""));
    write(lines);

    assertBreakAt(3);
  }

  @Test
  void aDeletedLineBreaksTheLinkWhereItWas() throws Exception {
    List<String> lines = lines();
    lines.remove(2);
    write(lines);

    assertBreakAt(3);
  }

  @Test
  void swappedLinesBreakTheFirstLinkTheyTouch() throws Exception {
    List<String> lines = lines();
    String second = lines.get(1);
    lines.set(1, lines.get(2));
    lines.set(2, second);
    write(lines);

    assertBreakAt(2);
  }

  @Test
  void aLogMissingItsFirstLineDoesNotStartTheChain() throws Exception {
    List<String> lines = lines();
    lines.remove(0);
    write(lines);

    AuditChain.Report report = assertBreakAt(1);
    assertThat(report.firstBreak().get().reason()).contains("does not start the chain");
  }

  @Test
  void aLineThatIsNotARecordIsReported() throws Exception {
    List<String> lines = lines();
    lines.add(3, "not json");
    write(lines);

    assertBreakAt(4);
  }

  @Test
  void aTruncatedLastLineIsReported() throws Exception {
    String text = Files.readString(log);
    Files.writeString(log, text.substring(0, text.length() - 10));

    assertBreakAt(5);
  }

  @Test
  void removingOrEditingTheNewestLineNeedsTheRecordedHeadToShow() throws Exception {
    String head = AuditChain.verify(log, Optional.empty()).headHash();
    List<String> lines = lines();
    lines.remove(4);
    write(lines);

    assertThat(AuditChain.verify(log, Optional.empty()).intact()).isTrue();
    AuditChain.Report withHead = AuditChain.verify(log, Optional.of(head));
    assertThat(withHead.intact()).isFalse();
    assertThat(withHead.firstBreak().get().reason()).contains("recorded head");
  }

  @Test
  void aRecordedHeadStaysValidAsTheLogGrows() throws Exception {
    String head = AuditChain.verify(log, Optional.empty()).headHash();
    new AuditLog(dir.resolve("vault.json"), Clock.systemUTC())
        .append(new AuditLog.Entry("ops", "mail", "create", "", "ok", ""));

    assertThat(AuditChain.verify(log, Optional.of(head)).intact()).isTrue();
  }

  @Test
  void noLogIsNotFound() {
    assertThatThrownBy(() -> AuditChain.verify(dir.resolve("none.audit"), Optional.empty()))
        .isInstanceOf(VaultException.NotFound.class);
  }

  private AuditChain.Report assertBreakAt(int line) throws Exception {
    AuditChain.Report report = AuditChain.verify(log, Optional.empty());
    assertThat(report.firstBreak()).as("break").isPresent();
    assertThat(report.firstBreak().get().line()).isEqualTo(line);
    return report;
  }

  private List<String> lines() throws Exception {
    return new ArrayList<>(Files.readAllLines(log, StandardCharsets.UTF_8));
  }

  private void write(List<String> lines) throws Exception {
    Files.writeString(log, String.join("\n", lines) + "\n");
  }
}
