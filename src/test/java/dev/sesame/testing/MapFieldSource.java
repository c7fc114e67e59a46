package dev.sesame.testing;

import dev.sesame.render.FieldSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** An in-memory FieldSource: entry -> field -> value. */
public final class MapFieldSource implements FieldSource {
  private final Map<String, Map<String, String>> entries = new HashMap<>();

  public MapFieldSource put(String entry, String field, String value) {
    entries.computeIfAbsent(entry, e -> new HashMap<>()).put(field, value);
    return this;
  }

  /** An SES-like entry: host, port 587, username and PASSWORD. */
  public static MapFieldSource ses(String entry, String host, int port, String username,
      String password) {
    return new MapFieldSource().put(entry, "smtp_host", host)
        .put(entry, "smtp_port", Integer.toString(port)).put(entry, "smtp_username", username)
        .put(entry, "smtp_password", password).put(entry, "region", "eu-west-1");
  }

  @Override
  public Optional<String> field(String entry, String field) {
    return Optional.ofNullable(entries.getOrDefault(entry, Map.of()).get(field));
  }
}
