package dev.sesame.doctor;

import static dev.sesame.doctor.Status.FAIL;
import static dev.sesame.doctor.Status.PASS;
import static dev.sesame.doctor.Status.SKIP;
import static dev.sesame.doctor.Status.WARN;

import dev.sesame.rotate.EntryStatus;
import dev.sesame.vault.EntryType;
import dev.sesame.vault.KeySlot;
import dev.sesame.vault.Label;
import dev.sesame.vault.PassphraseKeySource;
import dev.sesame.vault.VaultIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * vault.files, vault.kdf, key.age, rotation.pending: the vault and key file are private to their
 * owner, passphrase slots cost at least Argon2id m=64 MiB t=3, no current key outlives the policy,
 * and no rotation or retirement was left half done. For an entry of the shared store (no vault
 * file), key.age and rotation.pending judge the store's versions and tags the same way.
 */
public final class VaultChecks implements Check {
  static final String FILES = "vault.files";
  static final String KDF = "vault.kdf";
  static final String KEY_AGE = "key.age";
  static final String PENDING = "rotation.pending";
  // The floor of design.md section 2 (and OWASP's Argon2id minimum is below it).
  static final int MIN_MEMORY_KIB = 64 * 1024;
  static final int MIN_ITERATIONS = 3;
  @Override
  public Map<String, Set<Status>> repertoire() {
    return Map.of(FILES, EnumSet.of(PASS, WARN, FAIL, SKIP), KDF, EnumSet.of(PASS, FAIL, SKIP),
        KEY_AGE, EnumSet.of(PASS, WARN, FAIL, SKIP), PENDING, EnumSet.of(PASS, WARN, SKIP));
  }

  @Override
  public List<Finding> run(DoctorContext context) {
    if (context.store().isPresent()) {
      return inStore(context, context.store().get());
    }
    List<Finding> out = new ArrayList<>();
    if (context.vaultPath().isEmpty() || context.index().isEmpty()) {
      String why = context.vaultPath().isEmpty() ? "no vault given" : "the vault could not be read";
      String fix = "pass --vault FILE (or set SESAME_VAULT) to check the vault";
      String subject = context.vaultPath().map(Path::toString).orElse("vault");
      for (String id : List.of(FILES, KDF, KEY_AGE, PENDING)) {
        out.add(Finding.skip(id, subject, why, fix));
      }
      return out;
    }
    out.add(fileFinding(context.vaultPath().get(), "vault"));
    context.keyFile().ifPresent(key -> out.add(fileFinding(key, "key file")));
    VaultIndex index = context.index().get();
    kdf(index, out);
    Instant now = context.clock().instant();
    List<EntryHistory> entries = index.entries().stream()
        .filter(e -> context.entryName().isEmpty() || context.entryName().get().equals(e.name()))
        .map(EntryHistory::of).toList();
    if (entries.isEmpty()) {
      String subject = context.entryName().orElse("vault");
      out.add(Finding.skip(KEY_AGE, subject, "no entry to judge", "add an entry with sesame put"));
      out.add(Finding.skip(PENDING, subject, "no entry to judge", "add an entry with sesame put"));
    }
    for (EntryHistory entry : entries) {
      keyAge(entry, now, context.maxKeyAge(), "", out);
      pending(entry, now, context.grace(), context.deleteAfter(), "", out);
    }
    return out;
  }

  /**
   * An entry of the shared store: no vault file and no vault key slots to judge (each store
   * version's data key is wrapped by KMS or a key file, never a passphrase), but its AWSCURRENT
   * age and the rotation bookkeeping in its tags are judged exactly as a vault entry's.
   */
  private static List<Finding> inStore(DoctorContext context, String store) {
    List<Finding> out = new ArrayList<>();
    String subject = "store " + store;
    String noFile = "pass --vault FILE without --store to check a vault";
    out.add(Finding.skip(FILES, subject, "the entry is in the store, there is no vault file to judge", noFile));
    context.keyFile().ifPresent(key -> out.add(fileFinding(key, "key file")));
    out.add(Finding.skip(KDF, subject, "the entry is in the store, there are no vault key slots to judge "
        + "(store values are wrapped per version by KMS or a key file)", noFile));
    Optional<EntryHistory> entry = context.storeEntry();
    if (entry.isEmpty()) {
      String name = context.entryName().map(n -> "entry " + n).orElse(subject);
      String fix = "make the entry readable: sesame get " + context.entryName().orElse("NAME") + " --store " + store
          + " --field created_at";
      out.add(Finding.skip(KEY_AGE, name, context.vaultProblem(), fix));
      out.add(Finding.skip(PENDING, name, context.vaultProblem(), fix));
      return out;
    }
    String option = context.entryOption();
    keyAge(entry.get(), context.clock().instant(), context.maxKeyAge(), option, out);
    if (context.storeBookkeepingProblem().isPresent()) {
      out.add(Finding.skip(PENDING, "entry " + entry.get().name(), context.storeBookkeepingProblem().get(),
          "allow secretsmanager:DescribeSecret on the store's secrets (metadata only: labels and tags, no value)"));
    } else {
      pending(entry.get(), context.clock().instant(), context.grace(), context.deleteAfter(), option, out);
    }
    return out;
  }

  /** Readable or writable by anyone but the owner is a FAIL; an owner other than us or root a WARN. */
  static Finding fileFinding(Path file, String what) {
    String subject = what + " " + file;
    PosixFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, PosixFileAttributes.class);
    } catch (UnsupportedOperationException e) {
      return Finding.skip(FILES, subject, "the file system has no POSIX modes", "keep the file on a POSIX file system");
    } catch (IOException e) {
      return Finding.fail(FILES, subject, "cannot read its attributes: " + e.getMessage(),
          "make sure the " + what + " exists and is readable by its owner");
    }
    Set<PosixFilePermission> perms = attributes.permissions();
    String mode = PosixFilePermissions.toString(perms);
    Set<PosixFilePermission> others = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
        PosixFilePermission.OTHERS_EXECUTE);
    others.retainAll(perms);
    if (!others.isEmpty()) {
      return Finding.fail(FILES, subject, "mode " + mode + " lets others than its owner at it",
          "chmod 600 " + file);
    }
    String owner = attributes.owner().getName();
    String me = System.getProperty("user.name");
    if (!owner.equals(me) && !owner.equals("root")) {
      return Finding.warn(FILES, subject, "owned by " + owner + ", not by " + me + " who runs sesame",
          "chown " + me + " " + file + " (the account that runs sesame should own it)");
    }
    return Finding.pass(FILES, subject, "mode " + mode + ", owner " + owner);
  }

  private static void kdf(VaultIndex index, List<Finding> out) {
    for (KeySlot slot : index.slots()) {
      String subject = "key slot " + slot.id() + " (" + slot.type() + ")";
      if (!"passphrase".equals(slot.type())) {
        out.add(Finding.pass(KDF, subject, "no passphrase KDF: the slot is wrapped by a " + slot.type()));
        continue;
      }
      int m = intParam(slot, "m");
      int t = intParam(slot, "t");
      String kdf = slot.params().getOrDefault("kdf", "?");
      String costs = kdf + " m=" + m + " KiB t=" + t + " p=" + slot.params().getOrDefault("p", "?");
      int p = intParam(slot, "p");
      if (m > PassphraseKeySource.MAX_MEMORY_KIB || t > PassphraseKeySource.MAX_ITERATIONS
          || p > PassphraseKeySource.MAX_PARALLELISM) {
        out.add(Finding.fail(KDF, subject, costs + " is above what sesame opens (m 1 GiB, t 16, p 8):"
            + " the slot was edited, and is refused as tampering",
            "restore the vault from a backup, or remove the slot: sesame passwd --remove " + slot.id()));
      } else if (!"argon2id".equals(kdf) || m < MIN_MEMORY_KIB || t < MIN_ITERATIONS) {
        out.add(Finding.fail(KDF, subject, costs + " is below the floor argon2id m=65536 KiB t=3",
            "re-wrap the passphrase at full cost: sesame passwd (default m=64 MiB, t=3, p=1)"));
      } else {
        out.add(Finding.pass(KDF, subject, costs));
      }
    }
  }

  private static int intParam(KeySlot slot, String name) {
    try {
      return Integer.parseInt(slot.params().getOrDefault(name, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** OPTION is what the fix commands need to reach the entry ("" or " --store sm://PREFIX"). */
  private static void keyAge(EntryHistory entry, Instant now, Duration max, String option, List<Finding> out) {
    String subject = "entry " + entry.name();
    Optional<EntryHistory.LabelledVersion> current = entry.labelled(Label.CURRENT);
    if (current.isEmpty()) {
      out.add(Finding.skip(KEY_AGE, subject, "no current version", "store one with sesame put " + entry.name() + option));
      return;
    }
    Duration age = Duration.between(current.get().createdAt(), now);
    boolean ses = current.get().type() == EntryType.SES;
    String what = ses ? "access key" : "SMTP password";
    String ages = "current " + what + " is " + age.toDays() + " days old (policy " + max.toDays() + " days)";
    if (age.compareTo(max) > 0) {
      out.add(Finding.fail(KEY_AGE, subject, ages,
          ses ? "sesame rotate " + entry.name() + option
              : "change the SMTP password at the provider, then sesame put " + entry.name() + option));
    } else if (age.compareTo(max.multipliedBy(8).dividedBy(10)) > 0) {
      out.add(Finding.warn(KEY_AGE, subject, ages + ": due within " + max.minus(age).toDays() + " days",
          "schedule it: sesame rotate " + entry.name() + option + " --if-older-than " + max.toDays()
              + "d (daily timer)"));
    } else {
      out.add(Finding.pass(KEY_AGE, subject, ages));
    }
  }

  private static void pending(EntryHistory entry, Instant now, Duration grace, Duration deleteAfter,
      String option, List<Finding> out) {
    String subject = "entry " + entry.name();
    String rotate = "sesame rotate " + entry.name() + option;
    EntryStatus.Progress progress;
    try {
      progress = EntryStatus.progressOf(entry.state());
    } catch (RuntimeException unreadable) {
      // Only sesame writes this state; a step or time it never writes means the state was edited.
      out.add(Finding.warn(PENDING, subject, "its rotation bookkeeping holds a step or time sesame does not write",
          "restore the entry's state from a backup (the vault file, or the store secret's sesame:* tags)"));
      return;
    }
    int before = out.size();
    if (progress.inProgress()) {
      out.add(Finding.warn(PENDING, subject, "a rotation stopped after step " + progress.step().get() + " (started "
              + progress.startedAt().map(Instant::toString).orElse("?") + ")",
          "resume it with " + rotate + ", or clean up with " + rotate + " --abort"));
    } else if (entry.labelled(Label.PENDING).isPresent()) {
      out.add(Finding.warn(PENDING, subject, "a pending version exists but no rotation is recorded",
          "the next run of " + rotate + " drops it (a store's leftover AWSPENDING also stops Secrets Manager's "
              + "RotateSecret until then); " + rotate + " --abort drops it and deletes its IAM key"));
    }
    if (progress.retiringKey().isPresent()) {
      String key = progress.retiringKey().get();
      if (progress.retireDeactivatedAt().isPresent()) {
        // Deletion waits the gap and two spaced clean look-ups; a daily timer needs up to a day more.
        Instant deactivated = progress.retireDeactivatedAt().get();
        Instant overdue = deactivated.plus(deleteAfter.multipliedBy(2)).plus(Duration.ofDays(1));
        if (overdue.isBefore(now)) {
          out.add(Finding.warn(PENDING, subject, "previous key " + key + " was deactivated at "
                  + deactivated + " and still awaits deletion (the deletion gap is "
                  + deleteAfter.toHours() + "h)",
              rotate + " deletes it once IAM shows no use after the rotation; if it reports the key in use, see "
                  + "docs/runbooks/previous-key-in-use.md"));
        }
      } else {
        Instant finished = progress.retireFinishedAt().orElse(Instant.EPOCH);
        if (finished.plus(grace).isBefore(now)) {
          out.add(Finding.warn(PENDING, subject, "previous key " + key + " is still active "
                  + Duration.between(finished.plus(grace), now).toHours() + "h past its grace period",
              rotate + " deactivates it (or --retire-now)"));
        }
      }
    }
    if (!progress.revokedToDelete().isEmpty()) {
      out.add(Finding.warn(PENDING, subject, "revoked keys still to delete: "
          + String.join(",", progress.revokedToDelete()), rotate + " deletes them"));
    }
    if (out.size() == before) {
      out.add(Finding.pass(PENDING, subject, "no rotation or retirement left behind"));
    }
  }
}
