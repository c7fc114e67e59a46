package dev.sesame.aws;

import software.amazon.awssdk.core.exception.SdkException;

/** One SDK call, with whatever the SDK throws turned into a classified {@link AwsException}. */
final class AwsCalls {
  private AwsCalls() {}

  interface Call<T> {
    T run();
  }

  static <T> T call(String operation, Call<T> call) throws AwsException {
    try {
      return call.run();
    } catch (SdkException failure) {
      throw AwsFailures.translate(operation, failure);
    }
  }
}
