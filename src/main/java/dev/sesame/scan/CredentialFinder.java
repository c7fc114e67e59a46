package dev.sesame.scan;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds SES credentials in the text of one file, whatever its syntax: Exim's {@code client_send}
 * and macros, Debian's passwd.client, PHP properties, arrays and {@code define()}, Postfix
 * sasl_passwd, env files, shell scripts, URLs. A finding is a secret of a recognised shape
 * ({@link SecretShapes}) with an access key id on the same line or within
 * {@value #PAIRING_WINDOW} lines; a secret access key also counts without one when its own line
 * names it a secret ({@code AWS_SECRET_ACCESS_KEY=...}). The SMTP host, port and Region nearest to
 * the secret are taken along for {@code import}.
 */
final class CredentialFinder {
  /** How many lines apart an access key id and its secret may be (PHPMailer sets them a few apart). */
  static final int PAIRING_WINDOW = 10;

  // email-smtp.REGION.amazonaws.com, its FIPS twin, and VPC endpoint names
  // (vpce-ID.email-smtp.REGION.vpce.amazonaws.com).
  private static final Pattern HOST = Pattern.compile(
      "(?i)(?<![a-z0-9.-])((?:vpce-[a-z0-9-]+\\.)?email-smtp(?:-fips)?\\.([a-z0-9-]+)\\.(?:vpce\\.)?amazonaws\\.com)"
          + "(?![a-z0-9-])");
  // "port = 587", "'port' => 587", "SMTP_PORT=587", "Port: 587", "define('SMTP_PORT', 587)".
  private static final Pattern PORT_SETTING =
      Pattern.compile("(?i)port['\"\\]]?\\s*(?:=>|=|:|,|\\s)\\s*['\"]?(\\d{2,4})(?!\\d)");
  // "[email-smtp...amazonaws.com]:587", "...amazonaws.com:587", Debian's "host::587".
  private static final Pattern PORT_AFTER_HOST = Pattern.compile("(?i)amazonaws\\.com\\]?::?(\\d{2,4})(?!\\d)");
  private static final Pattern REGION_SETTING = Pattern.compile(
      "(?i)region['\"\\]]?\\s*(?:=>|=|:|,|\\s)\\s*['\"]?([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\\d)(?![a-z0-9])");
  private static final Set<Integer> SES_PORTS = Set.of(25, 587, 2587, 465, 2465);

  private CredentialFinder() {}

  /** Whether TEXT can hold a finding at all: a cheap test that spares most files the full scan. */
  static boolean mayHoldCredential(byte[] text, int length) {
    return indexOf(text, length, "AKIA") >= 0 || containsIgnoreCase(text, length, "secret");
  }

  /** Every credential in TEXT, in line order. */
  static List<FoundCredential> find(String text) {
    List<Line> lines = new ArrayList<>();
    int start = 0;
    int number = 1;
    while (start <= text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      String raw = text.substring(start, end > start && text.charAt(end - 1) == '\r' ? end - 1 : end);
      lines.add(Line.parse(number++, raw));
      start = end + 1;
    }
    List<FoundCredential> matches = new ArrayList<>();
    for (Line line : lines) {
      for (Secret secret : line.secrets) {
        Optional<String> keyId = nearestKeyId(lines, line.number);
        if (keyId.isEmpty() && !(secret.kind == Kind.SECRET_ACCESS_KEY && line.namesASecret)) {
          continue;
        }
        Optional<String> host = nearest(lines, line.number, l -> l.host);
        Optional<String> region = host.flatMap(CredentialFinder::regionOfHost)
            .or(() -> nearest(lines, line.number, l -> l.region));
        Optional<Integer> port = nearest(lines, line.number, l -> l.port);
        matches.add(new FoundCredential(line.number, secret.kind, keyId.orElse(""), secret.value, host,
            port.map(OptionalInt::of).orElse(OptionalInt.empty()), region));
      }
    }
    return matches;
  }

  /** The Region in an SES SMTP host name (email-smtp.REGION.amazonaws.com and its variants). */
  static Optional<String> regionOfHost(String host) {
    Matcher m = HOST.matcher(host);
    return m.matches() ? Optional.of(m.group(2).toLowerCase(Locale.ROOT)) : Optional.empty();
  }

  private static Optional<String> nearestKeyId(List<Line> lines, int number) {
    return nearest(lines, number, PAIRING_WINDOW, l -> l.keyId);
  }

  private static <T> Optional<T> nearest(List<Line> lines, int number, Function<Line, Optional<T>> value) {
    return nearest(lines, number, lines.size(), value);
  }

  /** The value closest to line NUMBER within WINDOW lines; on a tie the one above (names precede values). */
  private static <T> Optional<T> nearest(List<Line> lines, int number, int window,
      Function<Line, Optional<T>> value) {
    int index = number - 1;
    for (int distance = 0; distance <= window; distance++) {
      if (index - distance >= 0) {
        Optional<T> above = value.apply(lines.get(index - distance));
        if (above.isPresent()) {
          return above;
        }
      }
      if (distance > 0 && index + distance < lines.size()) {
        Optional<T> below = value.apply(lines.get(index + distance));
        if (below.isPresent()) {
          return below;
        }
      }
      if (index - distance < 0 && index + distance >= lines.size()) {
        break;
      }
    }
    return Optional.empty();
  }

  private record Secret(Kind kind, String value) {
    @Override
    public String toString() {
      return "Secret[" + kind.wireName() + ", REDACTED]";
    }
  }

  /** What one line holds: secrets of a known shape, and the facts that may go with them. */
  private static final class Line {
    final int number;
    final List<Secret> secrets = new ArrayList<>(0);
    Optional<String> keyId = Optional.empty();
    Optional<String> host = Optional.empty();
    Optional<Integer> port = Optional.empty();
    Optional<String> region = Optional.empty();
    boolean namesASecret;

    private Line(int number) {
      this.number = number;
    }

    static Line parse(int number, String raw) {
      Line line = new Line(number);
      Set<Secret> secrets = new LinkedHashSet<>();
      for (String variant : variants(raw)) {
        line.scan(variant, secrets);
      }
      line.secrets.addAll(secrets);
      line.namesASecret = raw.toLowerCase(Locale.ROOT).contains("secret");
      return line;
    }

    private void scan(String text, Set<Secret> found) {
      if (keyId.isEmpty()) {
        for (int at = text.indexOf("AKIA"); at >= 0; at = text.indexOf("AKIA", at + 1)) {
          if (SecretShapes.isAccessKeyIdAt(text, at)) {
            keyId = Optional.of(text.substring(at, at + SecretShapes.ACCESS_KEY_ID_LENGTH));
            break;
          }
        }
      }
      int i = 0;
      while (i < text.length()) {
        if (!SecretShapes.isBase64Char(text.charAt(i))) {
          i++;
          continue;
        }
        int end = i;
        while (end < text.length() && SecretShapes.isBase64Char(text.charAt(end))) {
          end++;
        }
        // A token glued to more base64 (padding, a longer blob) is something else.
        boolean bounded = (end >= text.length() || text.charAt(end) != '=');
        String token = text.substring(i, end);
        if (bounded && SecretShapes.isSesSmtpPassword(token)) {
          found.add(new Secret(Kind.SES_SMTP_PASSWORD, token));
        } else if (bounded && SecretShapes.looksLikeSecretAccessKey(token)) {
          found.add(new Secret(Kind.SECRET_ACCESS_KEY, token));
        }
        i = end;
      }
      if (host.isEmpty()) {
        Matcher m = HOST.matcher(text);
        if (m.find()) {
          host = Optional.of(m.group(1).toLowerCase(Locale.ROOT));
        }
      }
      if (port.isEmpty()) {
        port = sesPort(PORT_AFTER_HOST.matcher(text)).or(() -> sesPort(PORT_SETTING.matcher(text)));
      }
      if (region.isEmpty()) {
        Matcher m = REGION_SETTING.matcher(text);
        if (m.find()) {
          region = Optional.of(m.group(1).toLowerCase(Locale.ROOT));
        }
      }
    }

    private static Optional<Integer> sesPort(Matcher m) {
      while (m.find()) {
        int port = Integer.parseInt(m.group(1));
        if (SES_PORTS.contains(port)) {
          return Optional.of(port);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * The line as written, and as a reader would see its value when it is escaped: JSON's
   * {@code \/} and URL percent-encoding ({@code %2B}, {@code %2F} in an SMTP URL's password).
   */
  static List<String> variants(String raw) {
    String unescaped = raw.indexOf("\\/") >= 0 ? raw.replace("\\/", "/") : raw;
    String decoded = unescaped.indexOf('%') >= 0 ? percentDecoded(unescaped) : unescaped;
    return decoded.equals(raw) ? List.of(raw) : List.of(raw, decoded);
  }

  private static String percentDecoded(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%' && i + 2 < text.length() && Character.digit(text.charAt(i + 1), 16) >= 0 && Character.digit(text.charAt(i + 2), 16) >= 0) {
        out.append((char) (Character.digit(text.charAt(i + 1), 16) * 16 + Character.digit(text.charAt(i + 2), 16)));
        i += 2;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  static int indexOf(byte[] text, int length, String ascii) {
    int last = length - ascii.length();
    byte first = (byte) ascii.charAt(0);
    outer:
    for (int i = 0; i <= last; i++) {
      if (text[i] != first) {
        continue;
      }
      for (int j = 1; j < ascii.length(); j++) {
        if (text[i + j] != (byte) ascii.charAt(j)) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** LOWER_ASCII must be lower-case ASCII letters. */
  static boolean containsIgnoreCase(byte[] text, int length, String lowerAscii) {
    int last = length - lowerAscii.length();
    outer:
    for (int i = 0; i <= last; i++) {
      if ((text[i] | 0x20) != lowerAscii.charAt(0)) {
        continue;
      }
      for (int j = 1; j < lowerAscii.length(); j++) {
        if ((text[i + j] | 0x20) != lowerAscii.charAt(j)) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
