package dev.sesame.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The format a finding is reported in, from the file's name, folder and first line. */
class FileFormatTest {
  private static FileFormat of(String path, String firstLine) {
    byte[] head = firstLine.getBytes(StandardCharsets.US_ASCII);
    return FileFormat.guess(Path.of(path), head, head.length);
  }

  @Test
  void namesAndFoldersOfTheMailStack() {
    assertThat(of("/etc/exim4/passwd.client", "")).isEqualTo(FileFormat.EXIM_PASSWD);
    assertThat(of("/etc/exim/sesame-smtp.passwd", "")).isEqualTo(FileFormat.EXIM_PASSWD);
    assertThat(of("/etc/exim4/conf.d/auth/30_exim4-config_examples", "")).isEqualTo(FileFormat.EXIM);
    assertThat(of("/etc/exim.conf.local", "")).isEqualTo(FileFormat.EXIM);
    assertThat(of("/etc/postfix/sasl_passwd", "")).isEqualTo(FileFormat.POSTFIX);
    assertThat(of("/var/www/config/mail.inc", "")).isEqualTo(FileFormat.PHP);
    assertThat(of("/var/www/config/settings", "<?php")).isEqualTo(FileFormat.PHP);
    assertThat(of("/srv/app/.env.production", "")).isEqualTo(FileFormat.ENV);
    assertThat(of("/etc/default/mailer", "")).isEqualTo(FileFormat.ENV);
    assertThat(of("/etc/systemd/system/mailer.service.d/override.conf", "")).isEqualTo(FileFormat.SYSTEMD);
    assertThat(of("/usr/local/bin/send-report", "#!/bin/bash")).isEqualTo(FileFormat.SHELL);
    assertThat(of("/root/notes.txt", "")).isEqualTo(FileFormat.TEXT);
  }

  @Test
  void aBackupIsTheFormatOfTheFileItCopies() {
    assertThat(of("/etc/exim/sesame-smtp.passwd.bak", "")).isEqualTo(FileFormat.EXIM_PASSWD);
    assertThat(of("/etc/postfix/sasl_passwd.orig", "")).isEqualTo(FileFormat.POSTFIX);
    assertThat(of("/var/www/mail.php~", "")).isEqualTo(FileFormat.PHP);
  }
}
