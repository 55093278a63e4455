package dev.userapi.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.examples.DemoServer;
import dev.userapi.grpc.GrpcUserClient;
import dev.userapi.rest.RestUserClient;
import dev.userapi.server.UserServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayDemoTest {

  @Test
  void theDemoRunsTheWholeScenarioThroughTheGatewayAndItsGrpcBackend() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    GatewayDemo.run(new PrintStream(printed, true, StandardCharsets.UTF_8));

    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains(
            "-> gateway",
            "-> gRPC backend",
            "PRECONDITION_FAILED",
            "ALREADY_EXISTS",
            "saw event",
            "done.");
  }

  @Test
  void aWriteThroughTheGatewayLandsInTheBackend() {
    UserServer backend = DemoServer.start();
    try (GatewayDemo gateway = GatewayDemo.start(backend.grpcTarget(), 0);
        RestUserClient edge = RestUserClient.connect(gateway.restUri());
        GrpcUserClient direct = GrpcUserClient.connect(backend.grpcTarget())) {
      User ada = edge.create(NewUser.of("Ada", "ada@gateway.example.com", 36));

      assertThat(direct.get(ada.id())).isEqualTo(ada);
    } finally {
      backend.shutdown(Duration.ofSeconds(5));
    }
  }
}
