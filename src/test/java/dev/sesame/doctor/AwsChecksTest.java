package dev.sesame.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sesame.aws.LeastPrivilegePolicy;
import dev.sesame.testing.aws.IamState;
import dev.sesame.testing.aws.SesV2Handler;
import dev.sesame.testing.aws.StandInAws;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** iam.* and ses.* through the real SDK clients against the AWS stand-in's IAM and SESv2. */
class AwsChecksTest {
  private static final CoverageTable COVERAGE = new CoverageTable("AwsChecksTest");
  private static final String USER = "ses-smtp-doctor";
  private static final String DOMAIN = "example.test";
  private static StandInAws aws;
  private static SesV2Handler ses;
  private static AwsPosture posture;
  private IamState iam;
  private String currentKey;

  @BeforeAll
  static void start() throws Exception {
    aws = StandInAws.start();
    ses = new SesV2Handler();
    aws.standIn().register(ses);
    posture = AwsPosture.using(aws.clients());
  }

  @AfterAll
  static void stop() {
    aws.close();
    COVERAGE.assertComplete();
  }

  @BeforeEach
  void user() {
    iam = aws.standIn().iam();
    iam.createUser(USER);
    currentKey = iam.createAccessKey(USER).accessKeyId();
    iam.policies().putInline(USER, "send", LeastPrivilegePolicy.forDomain(DOMAIN, List.of("198.51.100.0/24")).json());
    ses.account(new SesV2Handler.Account(true, true, "HEALTHY"));
    ses.identity(DOMAIN, new SesV2Handler.Identity(true, true, "SUCCESS", List.of("t1", "t2", "t3"),
        "mail." + DOMAIN, "SUCCESS"));
  }

  @AfterEach
  void forget() {
    for (IamState.Key key : iam.keysOf(USER)) {
      iam.deleteAccessKey(USER, key.accessKeyId());
    }
    iam.policies().clear();
    ses.clearIdentities();
  }

  private EntryFacts entry() {
    return new EntryFacts("mail", "ses", Optional.of(StandInAws.REGION), Optional.of(USER), Optional.of(currentKey),
        List.of(currentKey), Optional.of("email-smtp.eu-west-1.amazonaws.com"), Optional.of(587));
  }

  private Map<String, Finding> run(Check check, Consumer<DoctorContext.Builder> more) {
    DoctorContext.Builder b = DoctorContext.builder().entry(entry()).aws(posture).domain(DOMAIN);
    more.accept(b);
    List<Finding> findings = COVERAGE.record(check.run(b.build()));
    return findings.stream().collect(Collectors.toMap(Finding::check, f -> f, (a, c) -> a.status().worse(c.status()) == a.status() ? a : c));
  }

  @Test
  void oneActiveKeyHeldByTheVaultAndTheLeastPrivilegePolicyPass() {
    iam.recordUse(currentKey, "ses", StandInAws.REGION, java.time.Instant.now().minusSeconds(86_400 * 3));
    Map<String, Finding> f = run(new IamChecks(), b -> b.expectedPolicy(
        LeastPrivilegePolicy.forDomain(DOMAIN, List.of("198.51.100.0/24"))));
    assertThat(f.get("iam.keys").status()).isEqualTo(Status.PASS);
    assertThat(f.get("iam.keys").reason()).contains("1 active key").contains("last used 3 days ago (ses, eu-west-1)");
    assertThat(f.get("iam.policy").status()).isEqualTo(Status.PASS);
    assertThat(f.get("iam.policy").reason()).contains("*@example.test").contains("198.51.100.0/24");
  }

  @Test
  void anActiveKeyTheVaultDoesNotHoldFails() {
    String stray = iam.createAccessKey(USER).accessKeyId();
    List<Finding> keys = COVERAGE.record(new IamChecks().run(DoctorContext.builder().entry(entry()).aws(posture).build()))
        .stream().filter(x -> x.check().equals("iam.keys")).toList();
    assertThat(keys).hasSize(1);
    assertThat(keys.get(0).status()).isEqualTo(Status.FAIL);
    assertThat(keys.get(0).subject()).contains(stray);
    assertThat(keys.get(0).reason()).contains("not held by the vault").contains("never used");
    assertThat(keys.get(0).fix()).contains("update-access-key").contains("sesame revoke mail");
  }

  @Test
  void anInactiveKeyLingeringWarnsAndAnInactiveCurrentKeyFails() {
    iam.updateStatus(USER, currentKey, "Inactive");
    List<Finding> keys = COVERAGE.record(new IamChecks().run(DoctorContext.builder().entry(entry()).aws(posture).build()))
        .stream().filter(x -> x.check().equals("iam.keys")).toList();
    assertThat(keys).extracting(Finding::status).containsExactly(Status.WARN, Status.FAIL);
    assertThat(keys.get(0).reason()).contains("inactive key lingering");
    assertThat(keys.get(0).fix()).contains("delete-access-key");
    assertThat(keys.get(1).reason()).contains("current key is not active");
  }

  @Test
  void sendRawEmailWithoutConditionsWarns() {
    iam.policies().clear();
    iam.policies().putInline(USER, "send", "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
        + "\"Action\":\"ses:SendRawEmail\",\"Resource\":\"*\"}}");
    Finding policy = run(new IamChecks(), b -> { }).get("iam.policy");
    assertThat(policy.status()).isEqualTo(Status.WARN);
    assertThat(policy.reason()).contains("no ses:FromAddress condition").contains("no source condition")
        .contains("aws:SourceVpce");
    assertThat(policy.fix()).contains("sesame policy --from-domain example.test");
  }

  @Test
  void aNegatedFromConditionIsNoRestriction() {
    iam.policies().clear();
    iam.policies().putInline(USER, "send", "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
        + "\"Action\":\"ses:SendRawEmail\",\"Resource\":\"*\",\"Condition\":{"
        + "\"StringNotLike\":{\"ses:FromAddress\":\"*@evil.test\"},\"IpAddress\":{\"aws:SourceIp\":\"198.51.100.0/24\"}}}}");
    Finding policy = run(new IamChecks(), b -> { }).get("iam.policy");
    assertThat(policy.status()).isEqualTo(Status.WARN);
    assertThat(policy.reason()).contains("no ses:FromAddress condition").contains("negated");
  }

  @Test
  void sendingOnlyOnAnotherServicesResourceFails() {
    iam.policies().clear();
    iam.policies().putInline(USER, "send", "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
        + "\"Action\":\"ses:SendRawEmail\",\"Resource\":\"arn:aws:s3:::bucket/*\"}}");
    Finding policy = run(new IamChecks(), b -> { }).get("iam.policy");
    assertThat(policy.status()).isEqualTo(Status.FAIL);
    assertThat(policy.reason()).contains("SMTP sending will fail");
  }

  @Test
  void anIdentityResourceCountsAsAFromRestriction() {
    iam.policies().clear();
    iam.policies().putInline(USER, "send", "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
        + "\"Action\":\"ses:SendRawEmail\",\"Resource\":\"arn:aws:ses:eu-west-1:111122223333:identity/example.test\","
        + "\"Condition\":{\"StringEquals\":{\"aws:SourceVpce\":\"vpce-0123456789abcdef0\"}}}}");
    Finding policy = run(new IamChecks(), b -> { }).get("iam.policy");
    assertThat(policy.status()).as(policy.reason()).isEqualTo(Status.PASS);
    assertThat(policy.reason()).contains("identities [example.test]").contains("aws:SourceVpce [vpce-0123456789abcdef0]");
  }

  @Test
  void theVpcEndpointPolicyOfSesamePolicyPassesWhenExpected() {
    LeastPrivilegePolicy expected = LeastPrivilegePolicy.forDomain(DOMAIN, List.of(),
        new LeastPrivilegePolicy.Sources(List.of("198.51.100.7/32"), List.of("vpce-0123456789abcdef0"), List.of("10.1.0.0/16")));
    iam.policies().clear();
    iam.policies().putInline(USER, "send", expected.json());
    Finding policy = run(new IamChecks(), b -> b.expectedPolicy(expected)).get("iam.policy");
    assertThat(policy.status()).as(policy.reason()).isEqualTo(Status.PASS);
    assertThat(policy.reason()).contains("aws:VpcSourceIp [10.1.0.0/16]");
  }

  @Test
  void aPrivateRangeInSourceIpWarnsWithTheVpcAlternative() {
    iam.policies().clear();
    iam.policies().putInline(USER, "send", "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
        + "\"Action\":\"ses:SendRawEmail\",\"Resource\":\"*\",\"Condition\":{"
        + "\"StringLike\":{\"ses:FromAddress\":\"*@example.test\"},\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/16\"}}}}");
    Finding policy = run(new IamChecks(), b -> { }).get("iam.policy");
    assertThat(policy.status()).isEqualTo(Status.WARN);
    assertThat(policy.reason()).contains("10.0.0.0/8").contains("aws:VpcSourceIp");
  }

  @Test
  void aPolicyForAnotherFromDomainThanExpectedWarns() {
    Finding policy = run(new IamChecks(), b -> b.expectedPolicy(
        LeastPrivilegePolicy.forAddress("billing@example.test", List.of()))).get("iam.policy");
    assertThat(policy.status()).isEqualTo(Status.WARN);
    assertThat(policy.reason()).contains("expected [billing@example.test]");
  }

  @Test
  void anAttachedPolicyAllowingMoreThanSendingFails() {
    iam.policies().attach(USER, "SesFullAccess", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
        + "\"Action\":[\"ses:*\",\"iam:ListUsers\"],\"Resource\":\"*\"}]}");
    Finding policy = run(new IamChecks(), b -> { }).get("iam.policy");
    assertThat(policy.status()).isEqualTo(Status.FAIL);
    assertThat(policy.reason()).contains("ses:* (SesFullAccess)").contains("iam:ListUsers");
  }

  @Test
  void noPolicyAllowingSendingFails() {
    iam.policies().clear();
    Finding policy = run(new IamChecks(), b -> { }).get("iam.policy");
    assertThat(policy.status()).isEqualTo(Status.FAIL);
    assertThat(policy.reason()).contains("SMTP sending will fail");
  }

  @Test
  void iamChecksSkipWithoutEntryAwsOrPermission() {
    List<Finding> noEntry = COVERAGE.record(new IamChecks().run(DoctorContext.builder().aws(posture).build()));
    List<Finding> noAws = COVERAGE.record(new IamChecks().run(DoctorContext.builder().entry(entry()).build()));
    assertThat(noEntry).hasSize(2).allSatisfy(x -> assertThat(x.status()).isEqualTo(Status.SKIP));
    assertThat(noAws).hasSize(2).allSatisfy(x -> assertThat(x.status()).isEqualTo(Status.SKIP));
    EntryFacts unknownUser = new EntryFacts("mail", "ses", Optional.empty(), Optional.of("nobody"), Optional.empty(),
        List.of(), Optional.empty(), Optional.empty());
    List<Finding> denied = COVERAGE.record(new IamChecks().run(DoctorContext.builder().entry(unknownUser).aws(posture).build()));
    assertThat(denied.get(0).status()).isEqualTo(Status.SKIP);
    assertThat(denied.get(0).reason()).contains("iam:ListAccessKeys failed: not found");
  }

  @Test
  void aHealthyProductionAccountWithAVerifiedDkimSignedIdentityPasses() {
    Map<String, Finding> f = run(new SesChecks(), b -> { });
    assertThat(f.values()).allSatisfy(x -> assertThat(x.status()).as(x.toString()).isEqualTo(Status.PASS));
    assertThat(f.get("ses.mailfrom").reason()).contains("mail.example.test");
  }

  @Test
  void theSandboxWarnsAndPendingDkimAndNoMailFromWarn() {
    ses.account(new SesV2Handler.Account(true, false, "HEALTHY"));
    ses.identity(DOMAIN, new SesV2Handler.Identity(true, true, "PENDING", List.of("t1"), "", ""));
    Map<String, Finding> f = run(new SesChecks(), b -> { });
    assertThat(f.get("ses.account").status()).isEqualTo(Status.WARN);
    assertThat(f.get("ses.account").reason()).contains("sandbox");
    assertThat(f.get("ses.dkim").status()).isEqualTo(Status.WARN);
    assertThat(f.get("ses.mailfrom").status()).isEqualTo(Status.WARN);
    assertThat(f.get("ses.mailfrom").reason()).contains("no custom MAIL FROM");
  }

  @Test
  void disabledSendingUnverifiedIdentityFailedDkimAndMailFromFail() {
    ses.account(new SesV2Handler.Account(false, true, "SHUTDOWN"));
    ses.identity(DOMAIN, new SesV2Handler.Identity(false, true, "FAILED", List.of("t1"), "bounce." + DOMAIN, "FAILED"));
    Map<String, Finding> f = run(new SesChecks(), b -> { });
    assertThat(f.values()).allSatisfy(x -> assertThat(x.status()).as(x.toString()).isEqualTo(Status.FAIL));
    assertThat(f.get("ses.account").reason()).contains("sending is disabled");
    assertThat(f.get("ses.identity").reason()).contains("not verified");
    assertThat(f.get("ses.dkim").reason()).contains("FAILED");
    assertThat(f.get("ses.mailfrom").fix()).contains("include:amazonses.com");
  }

  @Test
  void anUnknownIdentityFailsAndDisabledSigningFails() {
    ses.clearIdentities();
    Map<String, Finding> f = run(new SesChecks(), b -> { });
    assertThat(f.get("ses.identity").status()).isEqualTo(Status.FAIL);
    assertThat(f.get("ses.identity").reason()).contains("SES has no identity example.test");
    ses.identity(DOMAIN, new SesV2Handler.Identity(true, false, "SUCCESS", List.of(), "", ""));
    assertThat(run(new SesChecks(), b -> { }).get("ses.dkim").reason()).contains("signing is disabled");
  }

  @Test
  void sesChecksSkipWithoutAwsOrDomain() {
    List<Finding> noAws = COVERAGE.record(new SesChecks().run(DoctorContext.builder().domain(DOMAIN).build()));
    assertThat(noAws).hasSize(4).allSatisfy(x -> assertThat(x.status()).isEqualTo(Status.SKIP));
    List<Finding> noDomain = COVERAGE.record(new SesChecks().run(DoctorContext.builder().aws(posture).build()));
    assertThat(noDomain).extracting(Finding::status)
        .containsExactly(Status.PASS, Status.SKIP, Status.SKIP, Status.SKIP);
  }

  @Test
  void dkimTokensComeFromSesWhenNoneAreGiven() {
    // No resolver answers for example.test at this address: the point is that SES's tokens are used.
    List<Finding> findings = new DkimCheck().run(DoctorContext.builder().aws(posture).domain(DOMAIN)
        .resolver(new java.net.InetSocketAddress("127.0.0.1", 9)).build());
    assertThat(findings).hasSize(3).extracting(Finding::subject)
        .containsExactly("DKIM t1._domainkey.example.test", "DKIM t2._domainkey.example.test",
            "DKIM t3._domainkey.example.test");
  }

  @Test
  void refusedCredentialsAreAskedOnceAndEveryAwsCheckSkips() {
    AwsPosture fresh = AwsPosture.using(aws.clients());
    aws.standIn().requireAccessKeyId("AKIASOMEONEELSE00001");
    try {
      aws.standIn().clearCalls();
      DoctorContext context = DoctorContext.builder().entry(entry()).aws(fresh).domain(DOMAIN).build();
      List<Finding> findings = new java.util.ArrayList<>(COVERAGE.record(new IamChecks().run(context)));
      findings.addAll(COVERAGE.record(new SesChecks().run(context)));
      assertThat(findings).hasSize(6).allSatisfy(f -> {
        assertThat(f.status()).isEqualTo(Status.SKIP);
        assertThat(f.reason()).contains("credentials rejected");
      });
      assertThat(aws.standIn().calls()).as("the first refusal answers every later look-up").hasSize(1);
    } finally {
      aws.standIn().requireAccessKeyId(StandInAws.ACCESS_KEY_ID);
    }
  }
}
