package dev.sesame.doctor;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * TXT and CNAME look-ups through dnsjava, against one resolver (host:port) or the system's. UDP
 * first, TCP when the answer is truncated, as dnsjava's SimpleResolver does.
 */
final class Dns {
  /** What a look-up found: records, no such name, no record of the type, or a failure. */
  enum Outcome { FOUND, NO_SUCH_NAME, NO_DATA, ERROR }

  record Answer(Outcome outcome, List<String> values, String error) {}

  private final Resolver resolver;
  private final Cache cache = new Cache(DClass.IN);

  private Dns(Resolver resolver) {
    this.resolver = resolver;
  }

  static Dns using(Optional<InetSocketAddress> server) {
    Resolver resolver = server.isPresent() ? new SimpleResolver(server.get()) : new ExtendedResolver();
    resolver.setTimeout(Duration.ofSeconds(5));
    return new Dns(resolver);
  }

  /** The TXT records at NAME, each one's strings joined without separator (RFC 7208 section 3.3). */
  Answer txt(String name) {
    return lookup(name, Type.TXT);
  }

  Answer cname(String name) {
    return lookup(name, Type.CNAME);
  }

  private Answer lookup(String name, int type) {
    Lookup lookup;
    try {
      lookup = new Lookup(Name.fromString(name.endsWith(".") ? name : name + "."), type);
    } catch (TextParseException e) {
      return new Answer(Outcome.ERROR, List.of(), "not a DNS name: " + name);
    }
    lookup.setResolver(resolver);
    lookup.setCache(cache);
    Record[] records = lookup.run();
    switch (lookup.getResult()) {
      case Lookup.SUCCESSFUL -> {
        List<String> values = new ArrayList<>();
        for (Record r : records) {
          if (r instanceof TXTRecord txt) {
            values.add(String.join("", txt.getStrings()));
          } else if (r instanceof CNAMERecord cname) {
            values.add(cname.getTarget().toString(true));
          }
        }
        return new Answer(Outcome.FOUND, values, "");
      }
      case Lookup.HOST_NOT_FOUND -> {
        return new Answer(Outcome.NO_SUCH_NAME, List.of(), "");
      }
      case Lookup.TYPE_NOT_FOUND -> {
        return new Answer(Outcome.NO_DATA, List.of(), "");
      }
      default -> {
        return new Answer(Outcome.ERROR, List.of(), lookup.getErrorString());
      }
    }
  }
}
