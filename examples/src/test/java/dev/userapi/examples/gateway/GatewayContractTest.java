package dev.userapi.examples.gateway;

import dev.userapi.core.UserService;
import dev.userapi.examples.DemoServer;
import dev.userapi.rest.RestUserClient;
import dev.userapi.server.UserServer;
import dev.userapi.testkit.UserServiceContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The service contract through both hops of the hybrid: {@link RestUserClient} → {@link
 * GatewayDemo} (REST over a gRPC client) → a running {@link UserServer}'s gRPC port.
 */
class GatewayContractTest extends UserServiceContract {
  private static UserServer backend;
  private static GatewayDemo gateway;

  @BeforeAll
  static void start() {
    backend = DemoServer.start();
    gateway = GatewayDemo.start(backend.grpcTarget(), 0);
  }

  @AfterAll
  static void stop() {
    gateway.close();
    backend.shutdown(Duration.ofSeconds(1));
  }

  @Override
  protected UserService newService() {
    return RestUserClient.connect(gateway.restUri());
  }

  @Override
  protected void closeService(UserService service) {
    ((RestUserClient) service).close();
  }
}
