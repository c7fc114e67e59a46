package dev.sesame.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one atomic replace: what a candidate looks like before its rename, and what is left after. */
class AtomicReplaceTest {
  @TempDir
  Path dir;

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theCandidateIsOwnerOnlyWholeAndBesideTheTargetBeforeTheRename() throws Exception {
    Path target = Files.write(dir.resolve("app.conf"), bytes("old"));
    List<String> seen = new ArrayList<>();
    AtomicReplace.replace(target, bytes("new"), candidate -> {
      seen.add(PosixFilePermissions.toString(Files.getPosixFilePermissions(candidate)));
      seen.add(Files.readString(candidate));
      seen.add(String.valueOf(candidate.getParent().equals(dir)));
      seen.add(String.valueOf(AtomicReplace.leftoversOf(target).contains(candidate)));
      seen.add(Files.readString(target));
    });
    assertThat(seen).containsExactly("rw-------", "new", "true", "true", "old");
    assertThat(Files.readString(target)).isEqualTo("new");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-------");
    assertThat(AtomicReplace.leftoversOf(target)).isEmpty();
  }

  @Test
  void aFinalModeIsSetBeforeTheRename() throws Exception {
    Path target = dir.resolve("textfile.prom");
    AtomicReplace.replace(target, bytes("x 1\n"), PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-r--r--");
  }

  @Test
  void aFailedStepLeavesTheTargetAndNoCandidate() throws Exception {
    Path target = Files.write(dir.resolve("app.conf"), bytes("old"));
    assertThatThrownBy(() -> AtomicReplace.replace(target, bytes("new"), candidate -> {
      throw new IOException("chown refused");
    })).hasMessage("chown refused");
    assertThat(Files.readString(target)).isEqualTo("old");
    try (var names = Files.list(dir)) {
      assertThat(names).containsExactly(target);
    }
  }

  @Test
  void leftoversAreOnlyThisTargetsCandidates() throws Exception {
    Path target = dir.resolve("app.conf");
    Path candidate = AtomicReplace.writeCandidate(target, bytes("half"));
    Files.write(dir.resolve(".app.conf.bak.0123456789ab" + AtomicReplace.CANDIDATE_SUFFIX), bytes("b"));
    Files.write(dir.resolve(".app.conf.not-hex-at-all" + AtomicReplace.CANDIDATE_SUFFIX), bytes("c"));
    Files.write(dir.resolve(".other.conf.0123456789ab" + AtomicReplace.CANDIDATE_SUFFIX), bytes("d"));
    assertThat(AtomicReplace.leftoversOf(target)).containsExactlyInAnyOrder(candidate,
        dir.resolve(".app.conf.bak.0123456789ab" + AtomicReplace.CANDIDATE_SUFFIX));
  }
}
