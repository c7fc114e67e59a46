package dev.sesame.render;
/** Where rendered values come from: the CLI adapts the vault to this. */
public interface FieldSource {
  /** The value of FIELD of ENTRY, or empty when the entry or the field does not exist. */
  java.util.Optional<String> field(String entry, String field);
}
