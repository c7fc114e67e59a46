package dev.sesame.vault;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * An unambiguous byte encoding of a sequence of fields: each field is a 4-byte big-endian length
 * followed by its bytes. Used for associated data and for the index MAC, where two different
 * field sequences must never encode to the same bytes ("ab","c" vs "a","bc").
 */
final class Canonical {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  Canonical add(String field) {
    return add(field.getBytes(StandardCharsets.UTF_8));
  }

  Canonical add(long number) {
    return add(Long.toString(number));
  }

  Canonical add(byte[] field) {
    out.writeBytes(ByteBuffer.allocate(4).putInt(field.length).array());
    out.writeBytes(field);
    return this;
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }
}
