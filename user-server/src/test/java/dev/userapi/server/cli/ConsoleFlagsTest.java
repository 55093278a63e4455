package dev.userapi.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The command line's console switches: the console on by default, its tools by the rule. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConsoleFlagsTest {
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void helpListsTheConsoleFlagsAndTheirVariables() {
    String help =
        new CommandLine(new UserServerCommand()).getUsageMessage(CommandLine.Help.Ansi.OFF);

    assertThat(help)
        .contains("--[no-]console ", "--[no-]console-tools")
        .contains("USERAPI_CONSOLE,", "USERAPI_CONSOLE_TOOLS");
  }

  @Test
  void theConsoleAndItsToolsAreOnByDefaultOnLoopbackAndTheBannerSaysSo() throws Exception {
    UserServerCommand server =
        UserServerCommand.fromArgs("--rest-port", "0", "--grpc-port", "0").start();
    try {
      HttpResponse<String> info = get(server.restUri(), "console/api/info");
      assertThat(info.statusCode()).isEqualTo(200);
      assertThat(info.body()).contains("\"tools\":true");
      ByteArrayOutputStream banner = new ByteArrayOutputStream();
      server.printBanner(new PrintStream(banner, true, StandardCharsets.UTF_8));
      assertThat(banner.toString(StandardCharsets.UTF_8))
          .contains("Console " + server.restUri())
          .contains("tools on: the server is bound to loopback");
    } finally {
      server.shutdown(Duration.ofSeconds(1));
    }
  }

  @Test
  void noConsoleLeavesItsApiOut() throws Exception {
    UserServerCommand server =
        UserServerCommand.fromArgs("--rest-port", "0", "--grpc-port", "0", "--no-console").start();
    try {
      assertThat(get(server.restUri(), "console/api/info").statusCode()).isEqualTo(404);
    } finally {
      server.shutdown(Duration.ofSeconds(1));
    }
  }

  @Test
  void noConsoleToolsTurnsTheToolsOff() throws Exception {
    UserServerCommand server =
        UserServerCommand.fromArgs("--rest-port", "0", "--grpc-port", "0", "--no-console-tools")
            .start();
    try {
      assertThat(get(server.restUri(), "console/api/info").body()).contains("\"tools\":false");
      assertThat(get(server.restUri(), "console/api/log").statusCode()).isEqualTo(404);
    } finally {
      server.shutdown(Duration.ofSeconds(1));
    }
  }

  private HttpResponse<String> get(URI root, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(root.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
