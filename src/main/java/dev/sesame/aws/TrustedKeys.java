package dev.sesame.aws;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The AWS keys this host accepts: KMS key ARNs and Secrets Manager key-secret ARNs. A vault slot
 * or a store value names the key that opens it, but nothing about a slot is authenticated until
 * the data key it wraps has been unwrapped and the MAC checked; so the key a slot names is only
 * used when the host's own configuration pins it here, and anything else is refused as tampering
 * before any AWS call (SECURITY.md, "Trusted keys").
 *
 * <p>Entries are full ARNs, never aliases or bare ids: an alias can be re-pointed by whoever may
 * call kms:UpdateAlias, and a bare id leaves the region and account to the slot. {@code sesame
 * init --kms-key} and {@code put --store-kms-key} print the ARN to pin. Sources, all merged:
 * {@code --trusted-key} (repeatable), {@code SESAME_TRUSTED_KEYS} (comma-separated), and the file
 * {@value #DEFAULT_FILE} ({@code SESAME_TRUST_FILE} names another), one ARN per line, {@code #}
 * comments, which must be owned by root (or the user running Sesame) and writable by no one else.
 */
public final class TrustedKeys {
  public static final String DEFAULT_FILE = "/etc/sesame/trusted-keys";
  public static final String ENV = "SESAME_TRUSTED_KEYS";
  public static final String FILE_ENV = "SESAME_TRUST_FILE";
  public static final TrustedKeys NONE = new TrustedKeys(Set.of(), Set.of());

  private final Set<String> kmsKeyArns;
  private final Set<String> secretArns;

  private TrustedKeys(Set<String> kmsKeyArns, Set<String> secretArns) {
    this.kmsKeyArns = Set.copyOf(kmsKeyArns);
    this.secretArns = Set.copyOf(secretArns);
  }

  /**
   * The keys named by ENTRIES. IllegalArgumentException names the first entry that is not a KMS
   * key ARN or a Secrets Manager secret ARN, and the fix.
   */
  public static TrustedKeys of(Collection<String> entries) {
    Set<String> kms = new TreeSet<>();
    Set<String> secrets = new TreeSet<>();
    for (String raw : entries) {
      String entry = raw.strip();
      if (entry.isEmpty()) {
        continue;
      }
      Optional<Arn> arn = Arn.parse(entry);
      if (arn.isPresent() && arn.get().isKmsKey()) {
        kms.add(entry);
      } else if (arn.isPresent() && arn.get().isSecret()) {
        secrets.add(entry);
      } else {
        throw new IllegalArgumentException("trusted key '" + entry + "' is not a KMS key ARN "
            + "(arn:aws:kms:REGION:ACCOUNT:key/ID) or a Secrets Manager secret ARN; pin the ARN that "
            + "'sesame init' or 'sesame put --store' printed, never an alias or bare id");
      }
    }
    return new TrustedKeys(kms, secrets);
  }

  /**
   * The host's trust settings: GIVEN (--trusted-key), ENV's SESAME_TRUSTED_KEYS, and the trust
   * file (SESAME_TRUST_FILE, else {@value #DEFAULT_FILE}; a missing file adds nothing).
   *
   * @throws IllegalArgumentException for an entry that is not an ARN, or a trust file that others
   *     could have written (exit 2: the host's configuration needs fixing)
   */
  public static TrustedKeys load(List<String> given, Map<String, String> env) {
    List<String> entries = new ArrayList<>(given == null ? List.of() : given);
    String fromEnv = env.get(ENV);
    if (fromEnv != null) {
      entries.addAll(List.of(fromEnv.split(",")));
    }
    String fileName = env.get(FILE_ENV);
    Path file = Path.of(fileName == null || fileName.isBlank() ? DEFAULT_FILE : fileName);
    entries.addAll(readFile(file));
    return of(entries);
  }

  private static List<String> readFile(Path file) {
    PosixFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException absent) {
      return List.of();
    } catch (IOException | UnsupportedOperationException e) {
      throw new IllegalArgumentException("cannot read trust file " + file + ": " + e.getMessage());
    }
    String owner = attributes.owner().getName();
    Set<PosixFilePermission> mode = attributes.permissions();
    if (!attributes.isRegularFile()
        || !(owner.equals("root") || owner.equals(System.getProperty("user.name")))
        || mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new IllegalArgumentException("trust file " + file + " must be a regular file owned by root "
          + "and writable by no one else (chown root: " + file + "; chmod 0644 " + file + ")");
    }
    try {
      List<String> entries = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        int comment = line.indexOf('#');
        String entry = (comment < 0 ? line : line.substring(0, comment)).strip();
        if (!entry.isEmpty()) {
          entries.add(entry);
        }
      }
      return entries;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read trust file " + file + ": " + e.getMessage());
    }
  }

  /** These keys plus ENTRY (a KMS key ARN; ignored when it is an alias or id, which pin nothing). */
  public TrustedKeys plusKmsKey(String entry) {
    Optional<Arn> arn = entry == null ? Optional.empty() : Arn.parse(entry.strip());
    if (arn.isEmpty() || !arn.get().isKmsKey()) {
      return this;
    }
    Set<String> kms = new TreeSet<>(kmsKeyArns);
    kms.add(entry.strip());
    return new TrustedKeys(kms, secretArns);
  }

  public boolean isEmpty() {
    return kmsKeyArns.isEmpty() && secretArns.isEmpty();
  }

  /** KEY_ARN when this host pins it. */
  public Optional<Arn> kmsKey(String keyArn) {
    return kmsKeyArns.contains(keyArn) ? Arn.parse(keyArn) : Optional.empty();
  }

  /**
   * The pinned ARN of the key secret a slot names by SECRET_ID (an ARN, or a name read in REGION):
   * an ARN must be pinned exactly; a name must be the name of a pinned ARN in that region.
   */
  public Optional<Arn> secret(String secretId, String region) {
    if (secretArns.contains(secretId)) {
      return Arn.parse(secretId);
    }
    if (secretId.startsWith("arn:")) {
      return Optional.empty();
    }
    return secretArns.stream().map(a -> Arn.parse(a).orElseThrow())
        .filter(a -> a.region().equals(region) && a.secretName().equals(secretId)).findFirst();
  }

  /** Words for messages: where trust comes from. */
  public static String howToPin() {
    return "pin it with --trusted-key ARN, " + ENV + " or " + DEFAULT_FILE;
  }

  @Override
  public String toString() {
    return "TrustedKeys" + kmsKeyArns + secretArns;
  }

  /** An ARN's parts: arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE. */
  public record Arn(String text, String service, String region, String account, String resource) {
    static Optional<Arn> parse(String text) {
      String[] parts = text.split(":", 6);
      if (parts.length != 6 || !parts[0].equals("arn") || !parts[1].matches("aws(-[a-z]+)*")
          || !parts[3].matches("[a-z]{2}(-[a-z]+)+-\\d") || !parts[4].matches("\\d{12}")) {
        return Optional.empty();
      }
      return Optional.of(new Arn(text, parts[2], parts[3], parts[4], parts[5]));
    }

    boolean isKmsKey() {
      return service.equals("kms") && resource.matches("key/(mrk-[0-9a-f]{32}|[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12})");
    }

    // A secret's ARN ends in its name, a hyphen and six random characters (User Guide: "Secret ARNs").
    boolean isSecret() {
      return service.equals("secretsmanager") && resource.matches("secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}");
    }

    /** The secret name of a Secrets Manager ARN (without the random suffix). */
    String secretName() {
      String nameAndSuffix = resource.substring("secret:".length());
      return nameAndSuffix.substring(0, nameAndSuffix.length() - 7);
    }
  }
}
