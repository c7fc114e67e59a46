package dev.sesame.rotate;

import dev.sesame.rotate.RotationStand.StandCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The rotation part of `scripts/demo`: starts the local stand-ins (AWS IAM/STS over the real wire
 * protocol, and an SES SMTP endpoint that accepts exactly the Active keys), then runs the shipped
 * CLI against them — render, status, rotate --retire-now, status — so each protocol step prints;
 * then the fleet variant on a stand-in Secrets Manager store: a host pulls, `rotate --store`, the
 * host pulls the new key.
 * Test scope: the stand-ins never ship in the jar.
 */
public final class DemoRotation {
  private DemoRotation() {}

  public static void main(String[] args) throws Exception {
    Path demo = Path.of(args[0]).toAbsolutePath();
    Path launcher = Path.of(args[1]).toAbsolutePath();
    Path repo = launcher.getParent().getParent();
    Path world = Files.createDirectories(demo.resolve("rotation"));
    try (RotationStand stand = RotationStand.start(world, StandCertificate.create(world), 587)) {
      Path etc = Files.createDirectories(world.resolve("etc"));
      Path targets = world.resolve("targets.toml");
      Files.writeString(targets, String.join("\n",
          "[[target]]", "entry    = \"prod\"",
          "template = \"" + repo.resolve("templates/debian-exim4/passwd.client") + "\"",
          "out      = \"" + etc.resolve("passwd.client") + "\"", "format   = \"exim-passwd\"", "mode     = \"0640\"", "",
          "[[target]]", "entry    = \"prod\"",
          "template = \"" + repo.resolve("templates/phpmailer/smtp.php") + "\"",
          "out      = \"" + etc.resolve("smtp.php") + "\"", "format   = \"php\"", "mode     = \"0640\"", ""));
      System.out.println("\nLocal stand-ins: AWS IAM/STS/Secrets Manager/KMS at " + stand.aws.standIn().endpoint()
          + ", SES SMTP (STARTTLS + AUTH, Active keys only) at " + stand.ses.endpoint());
      run(stand, launcher, "render", "--targets", targets.toString());
      run(stand, launcher, "status", "prod");
      run(stand, launcher, "rotate", "prod", "--targets", targets.toString(), "--retire-now");
      run(stand, launcher, "status", "prod");
      System.out.println("\nThe old key " + stand.firstKey + " is gone from IAM; " + etc.resolve("passwd.client")
          + " now holds " + stand.currentKey() + ".");

      // A fleet: the entry lives in Secrets Manager (sealed under a KMS key), a host pulls it,
      // one rotator rotates it there (AWSPENDING -> AWSCURRENT), and the host's next pull takes it.
      String store = "sm://demo/prod/";
      stand.storeWithCurrentKey(store, "demo-store");
      Path host = Files.createDirectories(world.resolve("host"));
      Path hostTargets = host.resolve("targets.toml");
      Files.writeString(hostTargets, String.join("\n",
          "[[target]]", "entry    = \"prod\"",
          "template = \"" + repo.resolve("templates/debian-exim4/passwd.client") + "\"",
          "out      = \"" + host.resolve("passwd.client") + "\"", "format   = \"exim-passwd\"", "mode     = \"0640\"",
          ""));
      System.out.println("\nA fleet: the same entry in the Secrets Manager store " + store
          + " (stand-in), sealed under a KMS key; hosts pull it, one rotator rotates it there.");
      run(stand, launcher, "render", "--targets", hostTargets.toString(), "--store", store);
      run(stand, launcher, "rotate", "prod", "--store", store, "--retire-now", "--state-dir", world.toString());
      run(stand, launcher, "render", "--targets", hostTargets.toString(), "--store", store);
      run(stand, launcher, "status", "prod", "--store", store, "--state-dir", world.toString());
    }
  }

  private static void run(RotationStand stand, Path launcher, String... args) throws Exception {
    System.out.printf("%n\033[1m$ sesame %s\033[0m%n", String.join(" ", args));
    List<String> command = new ArrayList<>(List.of(launcher.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
    builder.environment().remove("SESAME_TARGETS");
    builder.environment().putAll(stand.cliEnvironment());
    int exit = builder.start().waitFor();
    if (exit != 0) {
      throw new IllegalStateException("sesame " + String.join(" ", args) + " exited " + exit);
    }
  }
}
