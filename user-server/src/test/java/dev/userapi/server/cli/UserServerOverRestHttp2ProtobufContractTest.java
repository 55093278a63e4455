package dev.userapi.server.cli;

import dev.userapi.core.UserService;
import dev.userapi.rest.RestUserClient;
import dev.userapi.testkit.UserServiceContract;
import java.net.http.HttpClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The service contract through {@link RestUserClient} over HTTP/2 with protobuf bodies ({@code
 * application/x-protobuf}, errors as {@code google.rpc.Status}; h2c by upgrade, through the JDK's
 * HttpClient) → a running {@link UserServerCommand} (black-box).
 */
class UserServerOverRestHttp2ProtobufContractTest extends UserServiceContract {
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
    return RestUserClient.builder()
        .baseUri(server.restUri())
        .httpVersion(HttpClient.Version.HTTP_2)
        .protobuf(true)
        .build();
  }

  @Override
  protected void closeService(UserService service) {
    ((RestUserClient) service).close();
  }
}
