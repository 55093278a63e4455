package dev.userapi.examples.server;

import dev.userapi.core.UserService;
import dev.userapi.grpc.GrpcUserClient;
import dev.userapi.testkit.UserServiceContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The service contract through {@link GrpcUserClient} → a running {@link UserServer} (black-box).
 */
class UserServerOverGrpcContractTest extends UserServiceContract {
  private static UserServer server;

  @BeforeAll
  static void startServer() {
    server = UserServer.fromArgs("--rest-port", "0", "--grpc-port", "0").start();
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
