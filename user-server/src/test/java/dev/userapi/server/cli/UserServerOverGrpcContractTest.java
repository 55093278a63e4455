package dev.userapi.server.cli;

import dev.userapi.core.UserService;
import dev.userapi.grpc.GrpcUserClient;
import dev.userapi.testkit.UserServiceContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The service contract through {@link GrpcUserClient} → a running {@link UserServerCommand}
 * (black-box).
 */
class UserServerOverGrpcContractTest extends UserServiceContract {
  private static UserServerCommand server;

  @BeforeAll
  static void startServer() {
    server = UserServerCommand.fromArgs("--rest-port", "0", "--grpc-port", "0").start();
  }

  @AfterAll
  static void stopServer() {
    server.shutdown(Duration.ofSeconds(5));
  }

  @Override
  protected UserService newService() {
    return GrpcUserClient.connect(server.grpcTarget());
  }
}
