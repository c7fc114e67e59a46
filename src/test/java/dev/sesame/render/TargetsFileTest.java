package dev.sesame.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetsFileTest {
  @TempDir Path dir;

  @Test
  void readsTablesAndResolvesRelativePaths() throws Exception {
    Path file = dir.resolve("targets.toml");
    Files.writeString(file, """
        # two targets
        [[target]]
        entry = "ses"
        template = "templates/passwd.client"
        out = "/etc/exim4/passwd.client"
        format = "exim-passwd"
        mode = "0640"
        owner = "root"
        group = "Debian-exim"

        [[target]]
        entry = "ses"
        template = "/abs/php.tpl"
        out = "out/mail.php"
        format = "php"
        check = "php -l {}"
        restart = "systemctl reload php-fpm"
        health = "true"
        follow_symlinks = true
        """);
    List<Target> targets = TargetsFile.read(file);
    assertThat(targets).hasSize(2);
    Target a = targets.get(0);
    assertThat(a.template()).isEqualTo(dir.resolve("templates/passwd.client"));
    assertThat(a.format()).isEqualTo(Format.EXIM_PASSWD);
    assertThat(a.mode()).contains(0640);
    assertThat(a.group()).contains("Debian-exim");
    Target b = targets.get(1);
    assertThat(b.out()).isEqualTo(dir.resolve("out/mail.php"));
    assertThat(b.check()).contains("php -l {}");
    assertThat(b.mode()).isEqualTo(Optional.empty());
    assertThat(b.followSymlinks()).isTrue();
  }

  @Test
  void unknownKeysAndBadModesAreRefused() throws Exception {
    Path file = dir.resolve("t.toml");
    Files.writeString(file, "[[target]]\nentry='a'\ntemplate='t'\nout='o'\nformat='raw'\nrestrat='x'\n");
    assertThatThrownBy(() -> TargetsFile.read(file)).hasMessageContaining("restrat");
    Files.writeString(file, "[[target]]\nentry='a'\ntemplate='t'\nout='o'\nformat='raw'\nmode=640\n");
    assertThatThrownBy(() -> TargetsFile.read(file)).hasMessageContaining("octal");
    Files.writeString(file, "[[target]]\nentry='a'\ntemplate='t'\nout='o'\nformat='yaml'\n");
    assertThatThrownBy(() -> TargetsFile.read(file)).hasMessageContaining("unknown format");
    Files.writeString(file, "[[target]]\nentry='a'\n");
    assertThatThrownBy(() -> TargetsFile.read(file)).hasMessageContaining("missing 'format'");
  }

  @Test
  void kindDefaultsToFileAndNamesTheCpanelBlocks() throws Exception {
    Path file = dir.resolve("k.toml");
    Files.writeString(file, "[[target]]\nentry='a'\ntemplate='t'\nout='o'\nformat='exim'\n"
        + "kind='cpanel-exim-local'\n[[target]]\nentry='a'\ntemplate='t'\nout='p'\nformat='raw'\n");
    List<Target> targets = TargetsFile.read(file);
    assertThat(targets.get(0).kind()).isEqualTo(Target.Kind.CPANEL_EXIM_LOCAL);
    assertThat(targets.get(1).kind()).isEqualTo(Target.Kind.FILE);
    Files.writeString(file, "[[target]]\nentry='a'\ntemplate='t'\nout='o'\nformat='exim'\nkind='blocks'\n");
    assertThatThrownBy(() -> TargetsFile.read(file)).hasMessageContaining("kind must be");
  }
}
