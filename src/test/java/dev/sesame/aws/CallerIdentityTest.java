package dev.sesame.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sesame.testing.aws.IamState;
import dev.sesame.testing.aws.StandInAws;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CallerIdentityTest {
  private StandInAws aws;

  @BeforeEach
  void start() throws Exception {
    aws = StandInAws.start();
  }

  @AfterEach
  void stop() {
    aws.close();
  }

  @Test
  void reportsTheArnOfTheConfiguredCredentials() throws Exception {
    aws.standIn().sts().operator("arn:aws:iam::123456789012:user/alice", "AIDAALICE00000000001");

    CallerIdentity who = CallerIdentity.lookUp(aws.clients());

    assertThat(who)
        .isEqualTo(
            new CallerIdentity(
                IamState.ACCOUNT, "arn:aws:iam::123456789012:user/alice", "AIDAALICE00000000001"));
    assertThat(aws.standIn().calls()).singleElement()
        .satisfies(c -> assertThat(c.region()).isEqualTo(StandInAws.REGION));
  }

  @Test
  void throttlingIsRetriedAndFailuresAreClassified() throws Exception {
    aws.standIn().faults().throttle("GetCallerIdentity", 1);
    assertThat(CallerIdentity.lookUp(aws.clients()).account()).isEqualTo(IamState.ACCOUNT);

    aws.standIn().faults().serverError("GetCallerIdentity", 10);
    assertThatThrownBy(() -> CallerIdentity.lookUp(aws.clients()))
        .isInstanceOfSatisfying(
            AwsException.class,
            e -> {
              assertThat(e.operation()).isEqualTo("sts:GetCallerIdentity");
              assertThat(e.kind()).isEqualTo(AwsException.Kind.SERVICE_ERROR);
              assertThat(e.requestId()).isPresent();
            });
  }
}
