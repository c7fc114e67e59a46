package dev.sesame.cli;

import java.lang.reflect.AnnotatedElement;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Option;

/**
 * Resolves an option's {@code defaultValue = "${env:NAME}"} from the run's environment
 * ({@link Invocation#env()}) instead of picocli's own lookup, which reads System.getenv. The
 * annotation stays the one place that names the variable.
 */
final class EnvDefaults implements IDefaultValueProvider {
  private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
  private final Map<String, String> env;

  EnvDefaults(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg.userObject() instanceof AnnotatedElement member)) {
      return null;
    }
    Option option = member.getAnnotation(Option.class);
    if (option == null) {
      return null;
    }
    Matcher variable = ENV_DEFAULT.matcher(option.defaultValue());
    if (!variable.matches()) {
      return null;
    }
    String value = env.get(variable.group(1));
    // NULL_VALUE: unset means no default, never a fallback to picocli's System.getenv lookup.
    // picocli interpolates what a provider returns, so a literal "${" is escaped as "$${".
    return value == null ? Option.NULL_VALUE : value.replace("${", "$${");
  }
}
