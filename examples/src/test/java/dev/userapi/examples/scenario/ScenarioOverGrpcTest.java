package dev.userapi.examples.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userapi.examples.DemoServer;
import dev.userapi.grpc.GrpcUserClient;
import dev.userapi.load.Scenario;
import dev.userapi.server.UserServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScenarioOverGrpcTest {

  @Test
  void theWholeScenarioBehavesAsDescribedThroughGrpcUserClientAgainstARunningServer() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (UserServer server = DemoServer.start(50);
        GrpcUserClient users = GrpcUserClient.connect(server.grpcTarget())) {
      Scenario.run(users, new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains(
            "PRECONDITION_FAILED",
            "NOT_FOUND",
            "INVALID_ARGUMENT",
            "ALREADY_EXISTS",
            "saw event",
            "done.");
  }
}
