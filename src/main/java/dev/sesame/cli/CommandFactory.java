package dev.sesame.cli;

import java.lang.reflect.Constructor;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/**
 * Builds commands and mixins for picocli, handing those that print, read stdin or read the
 * environment the {@link Invocation} they run in (their constructor taking one).
 */
public final class CommandFactory implements IFactory {
  private final Invocation invocation;

  /** With this process's own streams and environment: for picocli's tools (completion, man pages). */
  public CommandFactory() {
    this(Invocation.system());
  }

  CommandFactory(Invocation invocation) {
    this.invocation = invocation;
  }

  @Override
  public <K> K create(Class<K> type) throws Exception {
    Constructor<K> withInvocation;
    try {
      withInvocation = type.getDeclaredConstructor(Invocation.class);
    } catch (NoSuchMethodException none) {
      return CommandLine.defaultFactory().create(type);
    }
    withInvocation.setAccessible(true);
    return withInvocation.newInstance(invocation);
  }
}
