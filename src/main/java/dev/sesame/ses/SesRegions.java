package dev.sesame.ses;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The SES SMTP endpoint of each AWS Region. The list of Regions is data
 * ({@code dev/sesame/ses/regions.txt}), read once on first use, so adding a Region needs no code.
 *
 * <p>An unknown but well-formed Region is not an error: AWS opens Regions faster than this file is
 * updated. Callers warn about it and carry on with the usual host name.
 */
public final class SesRegions {
  static final String RESOURCE = "regions.txt";

  private static final Pattern REGION = Pattern.compile("[a-z0-9-]+");
  private static final Pattern HOST = Pattern.compile("[a-z0-9.-]+");

  private SesRegions() {}

  /** Whether {@code region} has the shape of an AWS Region code (lower-case letters, digits, hyphens). */
  public static boolean isWellFormed(String region) {
    return region != null && REGION.matcher(region).matches();
  }

  /**
   * @throws IllegalArgumentException unless {@code region} is {@linkplain #isWellFormed well formed};
   *     the message does not echo the value, since a mistyped call may have passed a secret here
   */
  static void requireWellFormed(String region) {
    if (!isWellFormed(region)) {
      throw new IllegalArgumentException(
          "region must be lower-case letters, digits and hyphens, like eu-west-1");
    }
  }

  /** Whether {@code region} is listed in the data file as having an SES SMTP endpoint. */
  public static boolean isKnown(String region) {
    return region != null && Table.HOSTS.containsKey(region);
  }

  /**
   * The SMTP host of {@code region}: the one listed in the data file, else
   * {@code email-smtp.REGION.amazonaws.com}.
   *
   * @throws IllegalArgumentException if {@code region} is not {@linkplain #isWellFormed well formed}
   */
  public static String smtpHost(String region) {
    requireWellFormed(region);
    String listed = Table.HOSTS.get(region);
    return listed != null ? listed : defaultHost(region);
  }

  /** The known Regions, in the order of the data file; unmodifiable. */
  public static List<String> known() {
    return Table.KNOWN;
  }

  /**
   * Parses the data file format: {@code REGION [HOST]} per line, {@code #} comments, blank lines.
   * Returns Region to host, in file order.
   *
   * @throws IllegalArgumentException naming the line of the first malformed or duplicate entry
   */
  static Map<String, String> parse(List<String> lines) {
    Map<String, String> hosts = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String content = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (content.isEmpty()) {
        continue;
      }
      String[] fields = content.split("\\s+");
      String region = fields[0];
      String host = fields.length > 1 ? fields[1] : defaultHost(region);
      if (fields.length > 2 || !isWellFormed(region) || !HOST.matcher(host).matches()) {
        throw new IllegalArgumentException(RESOURCE + " line " + (i + 1) + ": expected REGION [HOST]");
      }
      if (hosts.putIfAbsent(region, host) != null) {
        throw new IllegalArgumentException(RESOURCE + " line " + (i + 1) + ": duplicate region " + region);
      }
    }
    return hosts;
  }

  private static String defaultHost(String region) {
    return "email-smtp." + region + ".amazonaws.com";
  }

  // Holder idiom: isWellFormed() and the SmtpPassword checks never pay for reading the file.
  private static final class Table {
    static final Map<String, String> HOSTS = Collections.unmodifiableMap(parse(readResource()));
    static final List<String> KNOWN = List.copyOf(HOSTS.keySet());

    private static List<String> readResource() {
      InputStream in = SesRegions.class.getResourceAsStream(RESOURCE);
      if (in == null) {
        throw new IllegalStateException("missing resource dev/sesame/ses/" + RESOURCE);
      }
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        return reader.lines().toList();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read dev/sesame/ses/" + RESOURCE, e);
      }
    }
  }
}
