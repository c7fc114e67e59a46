package dev.sesame.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.sesame.aws.DeploymentPolicies.Names;
import dev.sesame.aws.DeploymentPolicies.Role;
import dev.sesame.aws.LeastPrivilegePolicy.Sources;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One source of truth for the fleet's IAM policies: `sesame policy` (DeploymentPolicies and
 * LeastPrivilegePolicy) against the runbooks' JSON blocks, the Terraform module's
 * policies.tf.json and the CloudFormation template; then the templates themselves through
 * `terraform validate` (offline, provider from a filesystem mirror) and `cfn-lint`.
 */
class PolicyTemplatesTest {
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Path MODULE = ROOT.resolve("deploy/terraform/modules/sesame");
  private static final Path TEMPLATE = ROOT.resolve("deploy/cloudformation/sesame.json");
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The names the templates are resolved with, so every ARN is comparable. */
  private static final Names NAMES = new Names("aws", "REGION", "ACCOUNT", "sesame/prod/", "KEY_ID", "VAULT_KEY_ID",
      "VAULT_ID", "SMTP_USER", "sesame-rotation", "default", Optional.of("SECRET_KEY_ID"));
  private static final List<Role> ROLES = List.of(Role.HOST, Role.ROTATOR, Role.ROTATION_FUNCTION,
      Role.RETIRE_SCHEDULER, Role.RETIRE_SCHEDULER_TRUST);

  @TempDir
  Path temp;

  // --- the runbooks print exactly what `sesame policy` prints

  @Test
  void everyPolicyBlockOfTheRunbooksIsWhatSesamePolicyPrints() throws Exception {
    Map<String, JsonNode> blocks = new LinkedHashMap<>();
    for (String doc : List.of("docs/runbooks/fleet.md", "docs/runbooks/rotation-lambda.md", "docs/doctor.md")) {
      blocks.putAll(policyBlocks(ROOT.resolve(doc)));
    }
    DeploymentPolicies policies = new DeploymentPolicies(Names.placeholders());
    for (Role role : ROLES) {
      assertThat(blocks).as("a <!-- policy: " + role.cliName() + " --> block in the runbooks").containsKey(role.cliName());
      assertThat(normalized(blocks.get(role.cliName()))).as(role.cliName())
          .isEqualTo(normalized(JSON.readTree(policies.json(role))));
    }
    assertThat(blocks).containsKey("smtp-user");
    assertThat(normalized(blocks.get("smtp-user"))).isEqualTo(normalized(JSON.readTree(
        LeastPrivilegePolicy.forDomain("example.com", List.of(), Sources.publicOnly(List.of("203.0.113.0/24"))).json())));
  }

  /** ```json blocks preceded by a line "<!-- policy: ROLE -->". */
  private static Map<String, JsonNode> policyBlocks(Path markdown) throws IOException {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    Matcher m = Pattern.compile("<!-- policy: ([a-z-]+) -->\\s*```json\\n(.*?)\\n```", Pattern.DOTALL)
        .matcher(Files.readString(markdown));
    while (m.find()) {
      out.put(m.group(1), JSON.readTree(m.group(2)));
    }
    return out;
  }

  // --- the Terraform module and the CloudFormation template grant the same

  @Test
  void theTerraformModuleGrantsWhatSesamePolicyPrints() throws Exception {
    Map<String, JsonNode> module = terraformPolicies();
    DeploymentPolicies policies = new DeploymentPolicies(NAMES);
    for (Role role : ROLES) {
      assertThat(normalized(module.get(role.cliName()))).as("Terraform " + role.cliName())
          .isEqualTo(normalized(JSON.readTree(policies.json(role))));
    }
    assertThat(actionsAndResources(module.get("smtp-user"))).isEqualTo(expectedSmtpActionsAndResources());
  }

  @Test
  void theCloudFormationTemplateGrantsWhatSesamePolicyPrints() throws Exception {
    Map<String, JsonNode> template = cloudFormationPolicies();
    DeploymentPolicies policies = new DeploymentPolicies(NAMES);
    for (Role role : ROLES) {
      assertThat(normalized(template.get(role.cliName()))).as("CloudFormation " + role.cliName())
          .isEqualTo(normalized(JSON.readTree(policies.json(role))));
    }
    assertThat(actionsAndResources(template.get("smtp-user"))).isEqualTo(expectedSmtpActionsAndResources());
  }

  /** Every statement the SMTP user's policy can hold: with no source, and with all three kinds. */
  private static Map<String, String> expectedSmtpActionsAndResources() throws IOException {
    Map<String, String> out = new TreeMap<>();
    out.putAll(actionsAndResources(JSON.readTree(LeastPrivilegePolicy.forDomain("example.com", List.of()).json())));
    out.putAll(actionsAndResources(JSON.readTree(LeastPrivilegePolicy.forDomain("example.com", List.of(),
        new Sources(List.of("203.0.113.0/24"), List.of("vpce-0123456789abcdef0"), List.of("10.0.0.0/16"))).json())));
    return out;
  }

  private static Map<String, String> actionsAndResources(JsonNode policy) {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode statement : policy.get("Statement")) {
      out.put(statement.get("Sid").asText(), new TreeSet<>(strings(statement.path("Action")))
          + " on " + new TreeSet<>(strings(statement.path("Resource"))));
    }
    return out;
  }

  /** policies.tf.json's policy_* locals with every statement (stmt_*, opt_*) and every ARN resolved. */
  private Map<String, JsonNode> terraformPolicies() throws IOException {
    JsonNode locals = JSON.readTree(MODULE.resolve("policies.tf.json").toFile()).get("locals");
    Map<String, String> text = new LinkedHashMap<>(Map.of(
        "${local.partition}", "aws", "${local.region}", "REGION", "${local.account_id}", "ACCOUNT",
        "${var.store_prefix}", "sesame/prod/", "${var.smtp_user_name}", "SMTP_USER",
        "${var.function_name}", "sesame-rotation", "${aws_kms_key.store.arn}", NAMES.key("KEY_ID"),
        "${var.vault_kms_key_arn}", NAMES.key("VAULT_KEY_ID"), "${var.secret_kms_key_arn}", NAMES.key("SECRET_KEY_ID"),
        "${var.host_vault_ids}", "VAULT_ID"));
    locals.fields().forEachRemaining(e -> {
      if (e.getValue().isTextual()) {
        text.put("${local." + e.getKey() + "}", e.getValue().asText());
      }
    });
    Map<String, JsonNode> out = new LinkedHashMap<>();
    Pattern statementRef = Pattern.compile("local\\.(?:stmt|opt)_(\\w+)");
    for (Iterator<String> names = locals.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.startsWith("policy_")) {
        continue;
      }
      ObjectNode policy = JSON.createObjectNode();
      policy.put("Version", locals.get(name).get("Version").asText());
      ArrayNode statements = policy.putArray("Statement");
      Matcher m = statementRef.matcher(locals.get(name).get("Statement").asText());
      while (m.find()) {
        statements.add(substitute(locals.get("stmt_" + m.group(1)).deepCopy(), text));
      }
      out.put(name.substring("policy_".length()).replace('_', '-'), policy);
    }
    return out;
  }

  private static JsonNode substitute(JsonNode node, Map<String, String> text) {
    if (node.isTextual()) {
      String s = node.asText();
      for (int round = 0; round < 3; round++) {
        for (Map.Entry<String, String> e : text.entrySet()) {
          s = s.replace(e.getKey(), e.getValue());
        }
      }
      return new TextNode(s);
    }
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      List<String> keys = new ArrayList<>();
      object.fieldNames().forEachRemaining(keys::add);
      keys.forEach(k -> object.set(k, substitute(object.get(k), text)));
    } else if (node.isArray()) {
      ArrayNode array = (ArrayNode) node;
      for (int i = 0; i < array.size(); i++) {
        array.set(i, substitute(array.get(i), text));
      }
    }
    return node;
  }

  /** The template's policies, each Fn::If taken on its true side, intrinsics resolved. */
  private Map<String, JsonNode> cloudFormationPolicies() throws IOException {
    JsonNode resources = JSON.readTree(TEMPLATE.toFile()).get("Resources");
    Map<String, JsonNode> out = new LinkedHashMap<>();
    out.put("smtp-user", cfn(resources.get("SmtpUser").get("Properties").get("Policies").get(0).get("PolicyDocument")));
    out.put("host", cfn(resources.get("HostRole").get("Properties").get("Policies").get(0).get("PolicyDocument")));
    out.put("rotator", cfn(resources.get("RotatorPolicy").get("Properties").get("PolicyDocument")));
    out.put("rotation-function",
        cfn(resources.get("RotationRole").get("Properties").get("Policies").get(0).get("PolicyDocument")));
    out.put("retire-scheduler",
        cfn(resources.get("RetireSchedulerRole").get("Properties").get("Policies").get(0).get("PolicyDocument")));
    out.put("retire-scheduler-trust", cfn(resources.get("RetireSchedulerRole").get("Properties").get("AssumeRolePolicyDocument")));
    return out;
  }

  private static JsonNode cfn(JsonNode node) {
    if (node.isObject() && node.size() == 1) {
      String fn = node.fieldNames().next();
      JsonNode arg = node.get(fn);
      switch (fn) {
        case "Fn::If":
          return cfn(arg.get(1));
        case "Fn::Sub":
          return new TextNode(arg.asText().replace("${AWS::Partition}", "aws").replace("${AWS::Region}", "REGION")
              .replace("${AWS::AccountId}", "ACCOUNT").replace("${StorePrefix}", "sesame/prod/")
              .replace("${SmtpUserName}", "SMTP_USER").replace("${FunctionName}", "sesame-rotation"));
        case "Fn::GetAtt":
          return new TextNode(switch (arg.get(0).asText()) {
            case "StoreKey" -> NAMES.key("KEY_ID");
            case "RotationFunction" -> NAMES.function();
            default -> "GETATT:" + arg.get(0).asText();
          });
        case "Ref":
          return new TextNode(switch (arg.asText()) {
            case "AWS::AccountId" -> "ACCOUNT";
            case "VaultKmsKeyArn" -> NAMES.key("VAULT_KEY_ID");
            case "SecretKmsKeyArn" -> NAMES.key("SECRET_KEY_ID");
            case "HostVaultIds" -> "VAULT_ID";
            default -> "REF:" + arg.asText();
          });
        default:
          break;
      }
    }
    if (node.isObject()) {
      ObjectNode copy = JSON.createObjectNode();
      node.fields().forEachRemaining(e -> copy.set(e.getKey(), cfn(e.getValue())));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JSON.createArrayNode();
      node.forEach(n -> copy.add(cfn(n)));
      return copy;
    }
    return node;
  }

  /** A policy as IAM reads it: statements by Sid, Action and Resource as sets, one-element arrays as values. */
  private static JsonNode normalized(JsonNode policy) {
    assertThat(policy).as("policy").isNotNull();
    ObjectNode out = JSON.createObjectNode();
    out.put("Version", policy.get("Version").asText());
    ObjectNode statements = out.putObject("Statement");
    for (JsonNode statement : policy.get("Statement")) {
      ObjectNode s = JSON.createObjectNode();
      statement.fields().forEachRemaining(e -> {
        if (e.getKey().equals("Action") || e.getKey().equals("Resource")) {
          ArrayNode set = s.putArray(e.getKey());
          new TreeSet<>(strings(e.getValue())).forEach(set::add);
        } else {
          s.set(e.getKey(), unwrapSingletons(e.getValue()));
        }
      });
      statements.set(statement.path("Sid").asText(), s);
    }
    return out;
  }

  private static JsonNode unwrapSingletons(JsonNode node) {
    if (node.isArray() && node.size() == 1) {
      return unwrapSingletons(node.get(0));
    }
    if (node.isObject()) {
      ObjectNode copy = JSON.createObjectNode();
      node.fields().forEachRemaining(e -> copy.set(e.getKey(), unwrapSingletons(e.getValue())));
      return copy;
    }
    return node;
  }

  // --- the tools accept the templates

  @Test
  void theTerraformModuleAndExampleValidateOffline() throws Exception {
    Optional<Path> terraform = onPath("terraform");
    Optional<Path> mirror = providerMirror();
    if (terraform.isEmpty() || mirror.isEmpty()) {
      skipLoudly("terraform validate", terraform.isEmpty() ? "terraform is not on PATH"
          : "no filesystem mirror holding registry.terraform.io/hashicorp/aws (set SESAME_TF_MIRROR)");
    }
    Path copy = temp.resolve("terraform");
    copyTree(ROOT.resolve("deploy/terraform"), copy);
    Path rc = temp.resolve("terraform.rc");
    Files.writeString(rc, "provider_installation {\n  filesystem_mirror {\n    path    = \"" + mirror.get()
        + "\"\n    include = [\"registry.terraform.io/hashicorp/aws\"]\n  }\n  direct {\n"
        + "    exclude = [\"registry.terraform.io/hashicorp/aws\"]\n  }\n}\n");
    Map<String, String> env = Map.of("TF_CLI_CONFIG_FILE", rc.toString(), "TF_DATA_DIR", temp.resolve("tfdata").toString(),
        "TF_IN_AUTOMATION", "1", "CHECKPOINT_DISABLE", "1");
    Path example = copy.resolve("example");
    assertThat(run(example, env, terraform.get().toString(), "init", "-backend=false", "-input=false", "-no-color"))
        .contains("Terraform has been successfully initialized");
    String validate = run(example, env, terraform.get().toString(), "validate", "-json", "-no-color");
    JsonNode result = JSON.readTree(validate);
    assertThat(result.get("valid").asBoolean()).as(validate).isTrue();
    assertThat(result.get("warning_count").asInt()).as(validate).isZero();

    // A private range as aws:SourceIp is refused by the module, with the reason, before any apply.
    Path main = example.resolve("main.tf");
    Files.writeString(main, Files.readString(main).replace("\"203.0.113.10/32\"", "\"10.1.2.3/32\""));
    JsonNode refused = JSON.readTree(runAllowingFailure(example, env, terraform.get().toString(), "validate", "-json",
        "-no-color"));
    assertThat(refused.get("valid").asBoolean()).isFalse();
    assertThat(refused.toString()).contains("never holds private ones");
  }

  private static String runAllowingFailure(Path dir, Map<String, String> env, String... argv) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().putAll(env);
    Process process = pb.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
    return out;
  }

  @Test
  void theCloudFormationTemplatePassesCfnLintWithoutWarnings() throws Exception {
    Optional<Path> cfnLint = onPath("cfn-lint");
    if (cfnLint.isEmpty()) {
      skipLoudly("cfn-lint", "cfn-lint is not on PATH (pip install cfn-lint)");
    }
    assertThat(run(ROOT, Map.of(), cfnLint.get().toString(), TEMPLATE.toString())).isEmpty();
  }

  private static void skipLoudly(String what, String why) {
    String banner = "*".repeat(78);
    System.err.println(banner + "\n*** SKIPPED " + what + ": " + why + "\n" + banner);
    Assumptions.abort(what + " skipped: " + why);
  }

  /** Runs a command, fails the test on a non-zero exit, returns its output. */
  private static String run(Path dir, Map<String, String> env, String... argv) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().putAll(env);
    Process process = pb.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", argv) + "\n" + out).isZero();
    return out.strip();
  }

  private static Optional<Path> onPath(String tool) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .map(d -> Path.of(d, tool)).filter(Files::isExecutable).findFirst();
  }

  /** SESAME_TF_MIRROR, else the usual folders that hold registry.terraform.io/hashicorp/aws. */
  private static Optional<Path> providerMirror() {
    List<String> candidates = new ArrayList<>();
    Optional.ofNullable(System.getenv("SESAME_TF_MIRROR")).ifPresent(candidates::add);
    candidates.addAll(List.of("/opt/tf-plugins", "/usr/share/terraform/plugins", "/usr/local/share/terraform/plugins",
        System.getProperty("user.home") + "/.terraform.d/plugins"));
    return candidates.stream().map(Path::of)
        .filter(p -> Files.isDirectory(p.resolve("registry.terraform.io/hashicorp/aws"))).findFirst();
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : (Iterable<Path>) files::iterator) {
        Path rel = from.relativize(source);
        if (rel.toString().contains(".terraform")) {
          continue;
        }
        Path target = to.resolve(rel.toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
  }

  /** One string or an array of them, as policy JSON writes Action and Resource. */
  private static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> out.add(n.asText()));
    } else if (!node.isMissingNode() && !node.isNull()) {
      out.add(node.asText());
    }
    return out;
  }
}
