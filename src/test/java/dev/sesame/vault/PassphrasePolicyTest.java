package dev.sesame.vault;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PassphrasePolicyTest {
  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void fourRandomWordsPass() {
    assertThatCode(() -> PassphrasePolicy.checkNew(utf8("copper violin meadow fractal"), false)).doesNotThrowAnyException();
    assertThatCode(() -> PassphrasePolicy.checkNew(utf8("Grüße aus Köln, 42 Türme"), false)).doesNotThrowAnyException();
  }

  @Test
  void aShortPassphraseIsRefusedUnlessAllowed() {
    assertThatThrownBy(() -> PassphrasePolicy.checkNew(utf8("x"), false))
        .hasMessage("the new passphrase has 1 characters; at least 12 are needed (four or more random words make"
            + " a good one), or pass --allow-weak-passphrase");
    assertThatCode(() -> PassphrasePolicy.checkNew(utf8("x"), true)).doesNotThrowAnyException();
  }

  @Test
  void aLongButGuessablePassphraseIsRefusedWithoutQuotingIt() {
    assertThatThrownBy(() -> PassphrasePolicy.checkNew(utf8("password1234"), false))
        .hasMessageStartingWith("the new passphrase is too easy to guess (about 10^")
        .hasMessageEndingWith("use four or more random words, or pass --allow-weak-passphrase")
        .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getMessage()).doesNotContain("password1234"));
    assertThatThrownBy(() -> PassphrasePolicy.checkNew(utf8("aaaaaaaaaaaaaaaaaaaa"), false))
        .hasMessageStartingWith("the new passphrase is too easy to guess");
  }

  @Test
  void nulControlCharactersAndBadUtf8AreRefusedEvenWhenWeakIsAllowed() {
    assertThatThrownBy(() -> PassphrasePolicy.checkNew(utf8("copper violin\0meadow fractal"), true))
        .hasMessage("the new passphrase contains a NUL byte");
    assertThatThrownBy(() -> PassphrasePolicy.checkNew(utf8("copper violin\u001bmeadow fractal"), true))
        .hasMessage("the new passphrase contains a control character");
    assertThatThrownBy(() -> PassphrasePolicy.checkNew(new byte[] {'a', (byte) 0xff, 'b'}, true))
        .hasMessage("the new passphrase is not valid UTF-8");
    assertThatThrownBy(() -> PassphrasePolicy.checkNew(new byte[] {(byte) 0xc0, (byte) 0xaf}, true))
        .hasMessage("the new passphrase is not valid UTF-8");
  }

  @Test
  void charactersAreCountedNotBytesOrUtf16Units() {
    // 12 emoji: 48 UTF-8 bytes, 24 UTF-16 units, 12 characters.
    assertThatCode(() -> PassphrasePolicy.checkNew(utf8("🦊🐙🦉🐝🦀🐢🦔🐬🦩🐌🦦🐞"), false)).doesNotThrowAnyException();
    assertThatThrownBy(() -> PassphrasePolicy.checkNew(utf8("🦊🐙🦉🐝🦀🐢🦔🐬🦩🐌🦦"), false))
        .hasMessageStartingWith("the new passphrase has 11 characters");
  }
}
