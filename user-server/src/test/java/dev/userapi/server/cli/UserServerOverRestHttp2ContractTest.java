package dev.userapi.server.cli;

import dev.userapi.core.UserService;
import dev.userapi.rest.RestUserClient;
import dev.userapi.testkit.UserServiceContract;
import java.net.http.HttpClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The service contract through {@link RestUserClient} over HTTP/2 (h2c by upgrade, through the
 * JDK's HttpClient) → a running {@link UserServerCommand} (black-box). {@link
 * UserServerOverRestHttp2ProtobufContractTest} runs it again with protobuf bodies; each class
 * starts its own server (the classes run one after the other).
 */
class UserServerOverRestHttp2ContractTest extends UserServiceContract {
  private static UserServerCommand server;

  @BeforeAll
  static void startServer() {
    server = UserServerCommand.fromArgs("--rest-port", "0", "--grpc-port", "0", "--http2").start();
  }

  @AfterAll
  static void stopServer() {
    server.shutdown(Duration.ofSeconds(1));
  }

  @Override
  protected UserService newService() {
    return client(
            RestUserClient.builder()
                .baseUri(server.restUri())
                .httpVersion(HttpClient.Version.HTTP_2))
        .build();
  }

  /** The client's settings beyond HTTP/2; none here. */
  RestUserClient.Builder client(RestUserClient.Builder builder) {
    return builder;
  }

  @Override
  protected void closeService(UserService service) {
    ((RestUserClient) service).close();
  }
}
