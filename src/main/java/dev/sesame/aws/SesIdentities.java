package dev.sesame.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.DkimAttributes;
import software.amazon.awssdk.services.sesv2.model.GetAccountResponse;
import software.amazon.awssdk.services.sesv2.model.GetEmailIdentityResponse;
import software.amazon.awssdk.services.sesv2.model.IdentityInfo;
import software.amazon.awssdk.services.sesv2.model.ListEmailIdentitiesResponse;
import software.amazon.awssdk.services.sesv2.model.MailFromAttributes;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;

/** The SESv2 account of the configured region and its email identities, as far as sending needs. */
public final class SesIdentities {
  /** GetAccount: whether the account may send, and whether it left the sandbox. */
  public record Account(boolean sendingEnabled, boolean productionAccess, String enforcementStatus) {}

  /**
   * GetEmailIdentity, the parts that decide deliverability: verification, Easy DKIM (status and
   * the three CNAME tokens), and the custom MAIL FROM domain (empty when none is set).
   */
  public record Identity(String name, boolean verifiedForSending, boolean dkimSigningEnabled, String dkimStatus,
      List<String> dkimTokens, String mailFromDomain, String mailFromStatus) {
    public Identity {
      dkimTokens = List.copyOf(dkimTokens);
    }
  }

  private final Supplier<SesV2Client> ses;

  private SesIdentities(Supplier<SesV2Client> ses) {
    this.ses = ses;
  }

  public static SesIdentities using(AwsClients clients) {
    Objects.requireNonNull(clients, "clients");
    return new SesIdentities(clients::sesV2);
  }

  public Account account() throws AwsException {
    try {
      GetAccountResponse account = ses.get().getAccount(r -> {});
      return new Account(Boolean.TRUE.equals(account.sendingEnabled()),
          Boolean.TRUE.equals(account.productionAccessEnabled()),
          account.enforcementStatus() == null ? "" : account.enforcementStatus());
    } catch (SdkException failure) {
      throw AwsFailures.translate("ses:GetAccount", failure);
    }
  }

  /** The identity NAME (a domain or an address); empty when SES does not know it. */
  public Optional<Identity> identity(String name) throws AwsException {
    try {
      GetEmailIdentityResponse identity = ses.get().getEmailIdentity(r -> r.emailIdentity(name));
      DkimAttributes dkim = identity.dkimAttributes();
      MailFromAttributes mailFrom = identity.mailFromAttributes();
      return Optional.of(new Identity(name, Boolean.TRUE.equals(identity.verifiedForSendingStatus()),
          dkim != null && Boolean.TRUE.equals(dkim.signingEnabled()),
          dkim == null || dkim.statusAsString() == null ? "NOT_STARTED" : dkim.statusAsString(),
          dkim == null ? List.of() : dkim.tokens(),
          mailFrom == null || mailFrom.mailFromDomain() == null ? "" : mailFrom.mailFromDomain(),
          mailFrom == null || mailFrom.mailFromDomainStatusAsString() == null ? "" : mailFrom.mailFromDomainStatusAsString()));
    } catch (NotFoundException unknown) {
      return Optional.empty();
    } catch (SdkException failure) {
      throw AwsFailures.translate("ses:GetEmailIdentity", failure);
    }
  }

  /**
   * The names of the region's identities (domains and addresses) that may send: ListEmailIdentities,
   * every page, keeping those with SendingEnabled and VerificationStatus SUCCESS, in SES's order.
   */
  public List<String> verifiedForSending() throws AwsException {
    List<String> names = new ArrayList<>();
    String next = null;
    try {
      do {
        String token = next;
        ListEmailIdentitiesResponse page = ses.get().listEmailIdentities(r -> r.pageSize(1000)
            .nextToken(token));
        for (IdentityInfo info : page.emailIdentities()) {
          if (Boolean.TRUE.equals(info.sendingEnabled())
              && "SUCCESS".equals(info.verificationStatusAsString())) {
            names.add(info.identityName());
          }
        }
        next = page.nextToken();
      } while (next != null && !next.isEmpty());
    } catch (SdkException failure) {
      throw AwsFailures.translate("ses:ListEmailIdentities", failure);
    }
    return names;
  }
}
