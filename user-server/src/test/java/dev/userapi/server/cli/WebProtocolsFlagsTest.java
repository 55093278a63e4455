package dev.userapi.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The command line's gRPC-Web/Connect switch (on by default) and its CORS origins. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebProtocolsFlagsTest {
  private static final String HEALTH = "/grpc.health.v1.Health/Check";
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void helpListsTheWebProtocolFlagsAndTheirVariables() {
    String help =
        new CommandLine(new UserServerCommand()).getUsageMessage(CommandLine.Help.Ansi.OFF);

    assertThat(help)
        .contains("--[no-]web-protocols", "--cors-origin")
        .contains("USERAPI_WEB_PROTOCOLS", "USERAPI_CORS_ORIGINS");
  }

  @Test
  void connectIsServedByDefault() throws Exception {
    UserServerCommand server =
        UserServerCommand.fromArgs("--rest-port", "0", "--grpc-port", "0").start();
    try {
      HttpResponse<String> response = connect(server.restUri(), HEALTH, "{}");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("SERVING");
    } finally {
      server.shutdown(Duration.ofSeconds(1));
    }
  }

  @Test
  void noWebProtocolsLeavesTheGrpcPathsToRest() throws Exception {
    UserServerCommand server =
        UserServerCommand.fromArgs("--rest-port", "0", "--grpc-port", "0", "--no-web-protocols")
            .start();
    try {
      HttpResponse<String> response = connect(server.restUri(), HEALTH, "{}");

      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(response.headers().firstValue("Content-Type").orElse(""))
          .startsWith("application/problem+json");
    } finally {
      server.shutdown(Duration.ofSeconds(1));
    }
  }

  @Test
  void eachCorsOriginGetsItsPreflightAnswered() throws Exception {
    UserServerCommand server =
        UserServerCommand.fromArgs(
                "--rest-port",
                "0",
                "--grpc-port",
                "0",
                "--cors-origin",
                "https://one.example.com",
                "--cors-origin",
                "https://two.example.com")
            .start();
    try {
      assertThat(preflight(server.restUri(), "https://two.example.com").statusCode())
          .isEqualTo(204);
      assertThat(preflight(server.restUri(), "https://three.example.com").statusCode())
          .isEqualTo(403);
    } finally {
      server.shutdown(Duration.ofSeconds(1));
    }
  }

  private HttpResponse<String> connect(URI root, String path, String json) throws Exception {
    return http.send(
        HttpRequest.newBuilder(root.resolve(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> preflight(URI root, String origin) throws Exception {
    return http.send(
        HttpRequest.newBuilder(root.resolve(HEALTH))
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
