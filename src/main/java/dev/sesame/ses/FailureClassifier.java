package dev.sesame.ses;

import jakarta.mail.AuthenticationFailedException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.util.MailConnectException;
import org.eclipse.angus.mail.util.SocketConnectException;

/**
 * Maps what an SMTP exchange failed with to a {@link Diagnosis}: a pure function of an exception
 * chain, or of an SMTP reply code and text. Shared by the probe, `doctor` and anything that sends.
 * The texts matched are those the JDK (17) and Angus Mail put in their exceptions, and those SES
 * answers with ("SMTP response codes returned by Amazon SES").
 */
public final class FailureClassifier {
  private static final Pattern REPLY = Pattern.compile("^\\s*([2-5][0-9][0-9])[ -]");

  private FailureClassifier() {}

  /** The diagnosis for an SMTP reply; text may be empty. */
  public static Diagnosis classifyReply(int code, String text) {
    String t = text == null ? "" : text.toLowerCase(Locale.ROOT);
    if (code == 535) {
      return Diagnosis.AUTH_REJECTED;
    }
    if (code >= 500 && t.contains("not verified")) {
      return Diagnosis.NOT_VERIFIED;
    }
    if (code >= 500 && (t.contains("access denied") || t.contains("not authorized to perform"))) {
      return Diagnosis.NOT_AUTHORIZED;
    }
    if (code >= 500 && t.contains("starttls")) {
      return Diagnosis.STARTTLS_MISSING;
    }
    if (code >= 400 && code < 500) {
      return Diagnosis.TEMPORARY_FAILURE;
    }
    return Diagnosis.OTHER;
  }

  /** The diagnosis for a failure, looking through its whole cause chain. */
  public static Diagnosis classify(Throwable failure) {
    List<Throwable> chain = chain(failure);
    String text = allText(chain);

    // TLS first: these arrive wrapped in "Could not convert socket to TLS" or a connect failure.
    if (text.contains("dh serverkeyexchange does not comply")
        || text.contains("dh key too small")
        || text.contains("dh key size")) {
      return Diagnosis.DH_TOO_SMALL;
    }
    if (text.contains("no subject alternative")
        || text.contains("no name matching")
        || text.contains("server identity does not match")) {
      return Diagnosis.HOSTNAME_MISMATCH;
    }
    if (text.contains("pkix path building failed")
        || text.contains("unable to find valid certification path")
        || text.contains("pkix path validation failed")
        || chain.stream().anyMatch(t -> t instanceof CertPathBuilderException
            || t instanceof CertPathValidatorException)) {
      return Diagnosis.CERT_UNTRUSTED;
    }
    if (text.contains("starttls is required but host does not support starttls")) {
      return Diagnosis.STARTTLS_MISSING;
    }
    if (text.contains("no authentication mechanisms supported by both")) {
      return Diagnosis.AUTH_NOT_OFFERED;
    }
    for (Throwable t : chain) {
      Integer code = replyCode(t);
      if (code != null) {
        return classifyReply(code, t.getMessage());
      }
      if (t instanceof AuthenticationFailedException) {
        return Diagnosis.AUTH_REJECTED;
      }
    }
    boolean duringConnect = chain.stream().anyMatch(t -> t instanceof MailConnectException
        || t instanceof SocketConnectException || t instanceof ConnectException
        || t instanceof UnknownHostException || t instanceof NoRouteToHostException);
    if (duringConnect) {
      return Diagnosis.CONNECT_FAILED;
    }
    if (chain.stream().anyMatch(t -> t instanceof SocketTimeoutException)) {
      return Diagnosis.TIMEOUT;
    }
    return Diagnosis.OTHER;
  }

  /** The SMTP reply code a failure carries, or null. */
  static Integer replyCode(Throwable t) {
    if (t instanceof SMTPSendFailedException e) {
      return e.getReturnCode();
    }
    if (t instanceof SMTPAddressFailedException e) {
      return e.getReturnCode();
    }
    if (t instanceof SMTPSenderFailedException e) {
      return e.getReturnCode();
    }
    // Angus puts the server's reply as the message: "535 5.7.8 Authentication credentials invalid".
    if (t instanceof AuthenticationFailedException || t instanceof jakarta.mail.MessagingException) {
      String m = t.getMessage();
      if (m != null) {
        Matcher matcher = REPLY.matcher(m);
        if (matcher.find()) {
          return Integer.valueOf(matcher.group(1));
        }
      }
    }
    return null;
  }

  /** The failure and its causes, each once (MessagingException's getCause is its next exception). */
  static List<Throwable> chain(Throwable failure) {
    List<Throwable> out = new ArrayList<>();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      out.add(t);
    }
    return out;
  }

  private static String allText(List<Throwable> chain) {
    StringBuilder b = new StringBuilder();
    for (Throwable t : chain) {
      if (t.getMessage() != null) {
        b.append(t.getMessage().toLowerCase(Locale.ROOT)).append('\n');
      }
    }
    return b.toString();
  }
}
