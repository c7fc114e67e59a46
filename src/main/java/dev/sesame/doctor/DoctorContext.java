package dev.sesame.doctor;

import dev.sesame.aws.LeastPrivilegePolicy;
import dev.sesame.ses.SmtpEndpoint;
import dev.sesame.vault.VaultIndex;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the doctor knows before it checks anything: where the vault and key file are, what it
 * could read from them, the sending domain, the resolver, the SMTP endpoint, AWS access, and the
 * policy limits. Anything absent makes the checks that need it SKIP, with the reason recorded
 * here ({@code vaultProblem}, {@code awsProblem}).
 */
public final class DoctorContext {
  public static final Duration DEFAULT_MAX_KEY_AGE = Duration.ofDays(90);
  public static final Duration DEFAULT_GRACE = Duration.ofHours(24);
  /** As `sesame rotate --delete-after`: least time between deactivating and deleting a previous key. */
  public static final Duration DEFAULT_DELETE_AFTER = Duration.ofHours(24);
  public static final Duration DEFAULT_CERT_WARNING = Duration.ofDays(14);

  private final Builder b;

  private DoctorContext(Builder b) {
    this.b = b;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Clock clock() {
    return b.clock;
  }

  public Optional<Path> vaultPath() {
    return Optional.ofNullable(b.vaultPath);
  }

  public Optional<Path> keyFile() {
    return Optional.ofNullable(b.keyFile);
  }

  public Optional<VaultIndex> index() {
    return Optional.ofNullable(b.index);
  }

  public Optional<EntryFacts> entry() {
    return Optional.ofNullable(b.entry);
  }

  /** The shared store (sm://PREFIX) the entry lives in, when it is not in a vault file. */
  public Optional<String> store() {
    return Optional.ofNullable(b.store);
  }

  /** The store entry's labelled versions and rotation bookkeeping, when it could be read. */
  public Optional<EntryHistory> storeEntry() {
    return Optional.ofNullable(b.storeEntry);
  }

  /** Why the store entry's rotation bookkeeping (tags, labels) could not be read, when it could not. */
  public Optional<String> storeBookkeepingProblem() {
    return Optional.ofNullable(b.storeBookkeepingProblem);
  }

  /** Who holds the entry's keys, for reasons: "the vault" or "store sm://PREFIX". */
  public String holder() {
    return b.store == null ? "the vault" : "store " + b.store;
  }

  /** What a command needs to reach the entry where it lives: "" or " --store sm://PREFIX". */
  public String entryOption() {
    return b.store == null ? "" : " --store " + b.store;
  }

  /** Why the entry's sealed fields could not be read (no vault, no key, no such entry...). */
  public String vaultProblem() {
    return b.vaultProblem;
  }

  public Optional<String> entryName() {
    return Optional.ofNullable(b.entryName);
  }

  public Optional<String> domain() {
    return Optional.ofNullable(b.domain);
  }

  public Optional<InetSocketAddress> resolver() {
    return Optional.ofNullable(b.resolver);
  }

  public List<String> dkimTokens() {
    return List.copyOf(b.dkimTokens);
  }

  public List<String> spfSenders() {
    return List.copyOf(b.spfSenders);
  }

  /** The endpoint given explicitly, else the entry's own smtp_host:smtp_port with its TLS mode. */
  public Optional<SmtpEndpoint> smtp() {
    if (b.smtp != null) {
      return Optional.of(b.smtp);
    }
    return entry().filter(e -> e.smtpHost().isPresent() && e.smtpPort().isPresent())
        .map(e -> {
          SmtpEndpoint endpoint = new SmtpEndpoint(e.smtpHost().get(), e.smtpPort().get());
          return e.smtpTls().map(endpoint::withTlsMode).orElse(endpoint);
        });
  }

  public Optional<Path> caFile() {
    return Optional.ofNullable(b.caFile);
  }

  public Duration smtpTimeout() {
    return b.smtpTimeout;
  }

  public Duration maxKeyAge() {
    return b.maxKeyAge;
  }

  public Duration grace() {
    return b.grace;
  }

  public Duration deleteAfter() {
    return b.deleteAfter;
  }

  public Duration certWarning() {
    return b.certWarning;
  }

  public Optional<AwsPosture> aws() {
    return Optional.ofNullable(b.aws);
  }

  public String awsProblem() {
    return b.awsProblem;
  }

  public Optional<LeastPrivilegePolicy> expectedPolicy() {
    return Optional.ofNullable(b.expectedPolicy);
  }

  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private Path vaultPath;
    private Path keyFile;
    private VaultIndex index;
    private EntryFacts entry;
    private String store;
    private EntryHistory storeEntry;
    private String storeBookkeepingProblem;
    private String vaultProblem = "no vault given (--vault or SESAME_VAULT)";
    private String entryName;
    private String domain;
    private InetSocketAddress resolver;
    private final List<String> dkimTokens = new ArrayList<>();
    private final List<String> spfSenders = new ArrayList<>();
    private SmtpEndpoint smtp;
    private Path caFile;
    private Duration smtpTimeout = Duration.ofSeconds(10);
    private Duration maxKeyAge = DEFAULT_MAX_KEY_AGE;
    private Duration grace = DEFAULT_GRACE;
    private Duration deleteAfter = DEFAULT_DELETE_AFTER;
    private Duration certWarning = DEFAULT_CERT_WARNING;
    private AwsPosture aws;
    private String awsProblem = "no AWS access configured";
    private LeastPrivilegePolicy expectedPolicy;

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public Builder vault(Path vaultPath, VaultIndex index) {
      this.vaultPath = vaultPath;
      this.index = index;
      return this;
    }

    public Builder keyFile(Path keyFile) {
      this.keyFile = keyFile;
      return this;
    }

    public Builder entry(EntryFacts entry) {
      this.entry = entry;
      return this;
    }

    /** The entry lives in store URI (sm://PREFIX): vault.files and vault.kdf have no file to judge. */
    public Builder store(String uri) {
      this.store = uri;
      return this;
    }

    /** The store entry's labelled versions and bookkeeping, judged by key.age and rotation.pending. */
    public Builder storeEntry(EntryHistory entry) {
      this.storeEntry = entry;
      return this;
    }

    /** The store entry's AWSCURRENT was read, but not its bookkeeping: rotation.pending SKIPs with WHY. */
    public Builder storeBookkeepingProblem(String why) {
      this.storeBookkeepingProblem = why;
      return this;
    }

    public Builder vaultProblem(String problem) {
      this.vaultProblem = problem;
      return this;
    }

    public Builder entryName(String name) {
      this.entryName = name;
      return this;
    }

    public Builder domain(String domain) {
      this.domain = domain;
      return this;
    }

    public Builder resolver(InetSocketAddress resolver) {
      this.resolver = resolver;
      return this;
    }

    public Builder dkimTokens(List<String> tokens) {
      this.dkimTokens.addAll(tokens);
      return this;
    }

    public Builder spfSenders(List<String> senders) {
      this.spfSenders.addAll(senders);
      return this;
    }

    public Builder smtp(SmtpEndpoint smtp) {
      this.smtp = smtp;
      return this;
    }

    public Builder caFile(Path caFile) {
      this.caFile = caFile;
      return this;
    }

    public Builder smtpTimeout(Duration timeout) {
      this.smtpTimeout = timeout;
      return this;
    }

    public Builder maxKeyAge(Duration maxKeyAge) {
      this.maxKeyAge = maxKeyAge;
      return this;
    }

    public Builder grace(Duration grace) {
      this.grace = grace;
      return this;
    }

    public Builder deleteAfter(Duration deleteAfter) {
      this.deleteAfter = deleteAfter;
      return this;
    }

    public Builder certWarning(Duration certWarning) {
      this.certWarning = certWarning;
      return this;
    }

    public Builder aws(AwsPosture aws) {
      this.aws = aws;
      return this;
    }

    public Builder awsProblem(String problem) {
      this.awsProblem = problem;
      return this;
    }

    public Builder expectedPolicy(LeastPrivilegePolicy policy) {
      this.expectedPolicy = policy;
      return this;
    }

    public DoctorContext build() {
      return new DoctorContext(this);
    }
  }
}
