package dev.userapi.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userapi.core.DefaultUserService;
import dev.userapi.server.UserServer;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The console's files over plain HTTP: the page at {@code /}, its assets, the vendor files from the
 * WebJars and the {@code .proto} files, each with the Content-Security-Policy and {@code nosniff};
 * nothing else of the class path; and no console unless it is turned on.
 */
class ConsoleFilesTest {
  private static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private UserServerCommand server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.shutdown(Duration.ofSeconds(2));
    }
  }

  @Test
  void everyConsoleFileIsServedWithTheContentSecurityPolicyAndNosniff() throws Exception {
    server = UserServerCommand.fromArgs("--rest-port", "0", "--grpc-port", "0").start();
    Map<String, String> files =
        Map.of(
            "", "text/html",
            "console/main.js", "text/javascript",
            "console/console.css", "text/css",
            "console/vendor/protobuf.min.js", "text/javascript",
            "console/vendor/uPlot.iife.min.js", "text/javascript",
            "console/vendor/uPlot.min.css", "text/css",
            "console/proto/userapi/v1/user_service.proto", "text/plain",
            "console/proto/google/rpc/status.proto", "text/plain",
            "console/proto/google/rpc/error_details.proto", "text/plain");
    for (Map.Entry<String, String> file : files.entrySet()) {
      HttpResponse<String> response = get(server.restUri().resolve(file.getKey()));
      assertThat(response.statusCode()).as(file.getKey()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type").orElse(""))
          .as(file.getKey())
          .startsWith(file.getValue())
          .endsWith("; charset=utf-8");
      assertThat(response.headers().firstValue("Content-Security-Policy"))
          .as(file.getKey())
          .hasValue(CSP);
      assertThat(response.headers().firstValue("X-Content-Type-Options"))
          .as(file.getKey())
          .hasValue("nosniff");
    }
    assertThat(get(server.restUri()).body())
        .contains("<script type=\"module\" src=\"console/main.js\">");
    assertThat(get(server.restUri().resolve("console/proto/userapi/v1/user_service.proto")).body())
        .contains("service UserService");
  }

  @Test
  void onlyTheListedVendorFilesAndTheTwoProtoPackagesAreServed() throws Exception {
    server = UserServerCommand.fromArgs("--rest-port", "0", "--grpc-port", "0").start();
    for (String path :
        new String[] {
          "console/proto/dev/userapi/server/UserServer.class",
          "console/proto/META-INF/MANIFEST.MF",
          "console/proto/google/protobuf/any.proto",
          "console/vendor/light/protobuf.js",
          "console/vendor/protobuf.js",
          "console/no-such-file.js",
        }) {
      HttpResponse<String> response = get(server.restUri().resolve(path));
      assertThat(response.statusCode()).as(path).isEqualTo(404);
      assertThat(response.headers().firstValue("Content-Type").orElse(""))
          .as(path)
          .startsWith("application/problem+json");
    }
    // Sent as is (java.net.http would normalise the dot segments away).
    assertThat(rawStatus("/console/proto/userapi/v1/../../../dev/userapi/server/UserServer.class"))
        .isEqualTo(400);
    assertThat(rawStatus("/console/%2e%2e/dev/userapi/server/UserServer.class")).isEqualTo(400);
  }

  @Test
  void withoutTheConsoleTheRootAnswers404() throws Exception {
    server =
        UserServerCommand.fromArgs("--rest-port", "0", "--grpc-port", "0", "--no-console").start();
    assertThat(get(server.restUri()).statusCode()).isEqualTo(404);
    assertThat(get(server.restUri().resolve("console/main.js")).statusCode()).isEqualTo(404);
    assertThat(get(server.restUri().resolve("api/health")).statusCode()).isEqualTo(200);
  }

  @Test
  void theLibraryLeavesTheConsoleOffUnlessAsked() throws Exception {
    try (UserServer off =
            UserServer.builder(DefaultUserService.inMemory())
                .restPort(0)
                .grpcPort(0)
                .build()
                .start();
        UserServer on =
            UserServer.builder(DefaultUserService.inMemory())
                .restPort(0)
                .grpcPort(0)
                .console(true)
                .build()
                .start()) {
      assertThat(get(off.restUri()).statusCode()).isEqualTo(404);
      assertThat(get(on.restUri()).statusCode()).isEqualTo(200);
    }
  }

  private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  private int rawStatus(String path) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.restUri().getPort())) {
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      return Integer.parseInt(status.substring(9, 12));
    }
  }
}
