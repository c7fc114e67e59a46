package dev.sesame.aws;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** An IPv4 or IPv6 address or CIDR block as IAM's IpAddress operator takes it. */
public record Cidr(String text, BigInteger first, BigInteger last, boolean v6) {
  private static final Pattern V4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}(/[0-9]{1,2})?");
  private static final Pattern V6 = Pattern.compile("[0-9a-fA-F:]+:[0-9a-fA-F:]*(/[0-9]{1,3})?");
  /**
   * Ranges that never appear in aws:SourceIp: RFC 1918 private, RFC 6598 shared (carrier-grade
   * NAT), loopback, link-local, IPv6 unique-local and link-local.
   */
  private static final List<String> NOT_PUBLIC = List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
      "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "fc00::/7", "fe80::/10", "::1/128");

  public static Cidr parse(String text) {
    boolean v4 = V4.matcher(text).matches();
    if (!v4 && !V6.matcher(text).matches()) {
      throw new IllegalArgumentException("not an IP address or CIDR block: '" + text + "'");
    }
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    int bits = v4 ? 32 : 128;
    int prefix = slash < 0 ? bits : Integer.parseInt(text.substring(slash + 1));
    byte[] bytes;
    try {
      // A literal only (checked by the patterns above): no name is ever looked up.
      bytes = InetAddress.getByName(address).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address or CIDR block: '" + text + "'");
    }
    if (prefix > bits || bytes.length * 8 != bits) {
      throw new IllegalArgumentException("not an IP address or CIDR block: '" + text + "'");
    }
    BigInteger value = new BigInteger(1, bytes);
    BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
    BigInteger first = value.andNot(hostMask);
    return new Cidr(text, first, first.or(hostMask), !v4);
  }

  /** The first non-public range this block overlaps, if any. */
  public Optional<String> privateRangeItTouches() {
    for (String range : NOT_PUBLIC) {
      Cidr other = parse(range);
      if (other.v6 == v6 && first.compareTo(other.last) <= 0 && other.first.compareTo(last) <= 0) {
        return Optional.of(range);
      }
    }
    return Optional.empty();
  }
}
