package dev.sesame.cli;

import picocli.CommandLine.ITypeConverter;

/** "1048576", "512K", "1M", "2G" (powers of 1024) to bytes. */
final class ByteSizeConverter implements ITypeConverter<Long> {
  @Override
  public Long convert(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("a size is a number of bytes, optionally with K, M or G, like 1M");
    }
    char unit = Character.toUpperCase(text.charAt(text.length() - 1));
    long factor = switch (unit) {
      case 'K' -> 1L << 10;
      case 'M' -> 1L << 20;
      case 'G' -> 1L << 30;
      default -> 1;
    };
    String digits = factor == 1 ? text : text.substring(0, text.length() - 1);
    try {
      long value = Long.parseLong(digits);
      if (value < 1 || value > (Integer.MAX_VALUE - 8) / factor) {
        throw new IllegalArgumentException("a size must be between 1 byte and 2G");
      }
      return value * factor;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a size is a number of bytes, optionally with K, M or G, like 1M");
    }
  }
}
