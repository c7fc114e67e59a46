package dev.sesame.testing.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SESv2 over REST-JSON (signing name "ses"): GetAccount (GET /v2/email/account),
 * GetEmailIdentity (GET /v2/email/identities/{EmailIdentity}) and ListEmailIdentities (POST
 * /v2/email/list-identities with {"PageSize":N,"NextToken":T}, as the SDK's marshaller sends it;
 * pages of at most N), with the response shapes of the
 * SESv2 API reference. Errors carry their code in "__type", which the SDK reads like the
 * x-amzn-ErrorType header. Tests set the account and identities directly.
 */
public final class SesV2Handler implements ServiceHandler {
  /** GetAccount's answer. */
  public record Account(boolean sendingEnabled, boolean productionAccess, String enforcementStatus) {}

  /** GetEmailIdentity's answer, the parts the doctor reads. */
  public record Identity(boolean verified, boolean dkimSigning, String dkimStatus, List<String> tokens,
      String mailFromDomain, String mailFromStatus) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private volatile Account account = new Account(true, true, "HEALTHY");
  private final Map<String, Identity> identities = new LinkedHashMap<>();
  private volatile int pageSize = 1000;

  public void account(Account account) {
    this.account = account;
  }

  public synchronized void identity(String name, Identity identity) {
    identities.put(name, identity);
  }

  /** ListEmailIdentities answers at most SIZE identities a page (to exercise NextToken). */
  public void pageSize(int size) {
    this.pageSize = size;
  }

  public synchronized void clearIdentities() {
    identities.clear();
  }

  @Override
  public String signingName() {
    return "ses";
  }

  @Override
  public String action(StandInRequest request) {
    if (request.path().equals("/v2/email/account")) {
      return "GetAccount";
    }
    if (request.path().startsWith("/v2/email/identities/")) {
      return "GetEmailIdentity";
    }
    if (request.path().equals("/v2/email/list-identities")) {
      return "ListEmailIdentities";
    }
    return "Unknown";
  }

  @Override
  public StandInResponse handle(StandInRequest request, String requestId) {
    if (!"GET".equals(request.method()) && !"ListEmailIdentities".equals(action(request))) {
      throw new AwsError(400, "BadRequestException", "The stand-in serves only GET");
    }
    ObjectNode body = JSON.createObjectNode();
    switch (action(request)) {
      case "GetAccount" -> {
        Account a = account;
        body.put("SendingEnabled", a.sendingEnabled());
        body.put("ProductionAccessEnabled", a.productionAccess());
        body.put("EnforcementStatus", a.enforcementStatus());
        body.put("DedicatedIpAutoWarmupEnabled", false);
        ObjectNode quota = body.putObject("SendQuota");
        quota.put("Max24HourSend", a.productionAccess() ? 50000.0 : 200.0);
        quota.put("MaxSendRate", a.productionAccess() ? 14.0 : 1.0);
        quota.put("SentLast24Hours", 0.0);
      }
      case "GetEmailIdentity" -> {
        String name = URLDecoder.decode(request.path().substring("/v2/email/identities/".length()),
            StandardCharsets.UTF_8);
        Identity identity;
        synchronized (this) {
          identity = identities.get(name);
        }
        if (identity == null) {
          throw new AwsError(404, "NotFoundException", "Email identity " + name + " does not exist.");
        }
        body.put("IdentityType", name.contains("@") ? "EMAIL_ADDRESS" : "DOMAIN");
        body.put("FeedbackForwardingStatus", true);
        body.put("VerifiedForSendingStatus", identity.verified());
        body.put("VerificationStatus", identity.verified() ? "SUCCESS" : "PENDING");
        ObjectNode dkim = body.putObject("DkimAttributes");
        dkim.put("SigningEnabled", identity.dkimSigning());
        dkim.put("Status", identity.dkimStatus());
        ArrayNode tokens = dkim.putArray("Tokens");
        identity.tokens().forEach(tokens::add);
        dkim.put("SigningAttributesOrigin", "AWS_SES");
        ObjectNode mailFrom = body.putObject("MailFromAttributes");
        if (!identity.mailFromDomain().isEmpty()) {
          mailFrom.put("MailFromDomain", identity.mailFromDomain());
          mailFrom.put("MailFromDomainStatus", identity.mailFromStatus());
        }
        mailFrom.put("BehaviorOnMxFailure", "USE_DEFAULT_VALUE");
        body.putObject("Policies");
        body.putArray("Tags");
      }
      case "ListEmailIdentities" -> {
        com.fasterxml.jackson.databind.JsonNode asked;
        try {
          asked = request.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(request.body());
        } catch (java.io.IOException e) {
          throw new AwsError(400, "BadRequestException", "malformed JSON body");
        }
        int size = Math.min(pageSize, asked.path("PageSize").asInt(100));
        int from = Integer.parseInt(asked.path("NextToken").asText("0"));
        List<Map.Entry<String, Identity>> all;
        synchronized (this) {
          all = List.copyOf(identities.entrySet());
        }
        ArrayNode list = body.putArray("EmailIdentities");
        for (Map.Entry<String, Identity> e : all.subList(Math.min(from, all.size()), Math.min(from + size, all.size()))) {
          ObjectNode info = list.addObject();
          info.put("IdentityType", e.getKey().contains("@") ? "EMAIL_ADDRESS" : "DOMAIN");
          info.put("IdentityName", e.getKey());
          info.put("SendingEnabled", e.getValue().verified());
          info.put("VerificationStatus", e.getValue().verified() ? "SUCCESS" : "PENDING");
        }
        if (from + size < all.size()) {
          body.put("NextToken", Integer.toString(from + size));
        }
      }
      default -> throw new AwsError(404, "NotFoundException", "No such resource " + request.path());
    }
    return StandInResponse.json(200, "application/json", body.toString());
  }

  @Override
  public StandInResponse render(AwsError error, String requestId) {
    ObjectNode body = JSON.createObjectNode();
    body.put("__type", error.code());
    body.put("message", error.getMessage());
    return StandInResponse.json(error.status(), "application/json", body.toString());
  }

  @Override
  public AwsError throttling() {
    return new AwsError(429, "TooManyRequestsException", "Too many requests");
  }
}
