package dev.userapi.server.cli;

import dev.userapi.core.UserService;
import dev.userapi.rest.RestUserClient;
import dev.userapi.testkit.UserServiceContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The service contract through {@link RestUserClient} → a running {@link UserServerCommand}
 * (black-box).
 */
class UserServerOverRestContractTest extends UserServiceContract {
  private static UserServerCommand server;

  @BeforeAll
  static void startServer() {
    server = UserServerCommand.fromArgs("--rest-port", "0", "--grpc-port", "0").start();
  }

  @AfterAll
  static void stopServer() {
    server.shutdown(Duration.ofSeconds(1));
  }

  @Override
  protected UserService newService() {
    return RestUserClient.connect(server.restUri());
  }

  @Override
  protected void closeService(UserService service) {
    ((RestUserClient) service).close();
  }
}
