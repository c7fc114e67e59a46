package dev.sesame.aws;

/**
 * Run in a child JVM by {@link AwsClientsTest} with endpoint environment variables set, since a
 * JVM cannot change its own environment: lists a user's keys and asks STS who is calling.
 */
public final class EndpointProbe {
  private EndpointProbe() {}

  public static void main(String[] args) throws Exception {
    try (AwsClients clients = AwsClients.create(AwsSettings.defaults())) {
      int keys = AccessKeys.using(clients).list(args[0]).size();
      String caller = CallerIdentity.lookUp(clients).arn();
      System.out.println("keys=" + keys + " caller=" + caller);
    } catch (AwsException e) {
      System.out.println(e.getMessage());
      System.exit(7);
    }
  }
}
