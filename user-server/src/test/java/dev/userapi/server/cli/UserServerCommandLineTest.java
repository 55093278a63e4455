package dev.userapi.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.userapi.core.BlockingStream;
import dev.userapi.core.HealthStatus;
import dev.userapi.core.User;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserService;
import dev.userapi.core.UserUpdate;
import dev.userapi.grpc.GrpcUserClient;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UserServerCommandLineTest {

  @Test
  void helpListsEveryOperatorFacingFlagAndItsEnvironmentVariable() {
    String help =
        new CommandLine(new UserServerCommand()).getUsageMessage(CommandLine.Help.Ansi.OFF);

    assertThat(help)
        .contains("--rest-port", "--grpc-port", "--bind", "--seed", "--jdbc-url", "--jdbc-user")
        .contains("--jdbc-password", "--grace-period", "--help")
        .contains("USERAPI_REST_PORT", "USERAPI_GRPC_PORT", "USERAPI_JDBC_URL")
        .contains("--[no-]http2", "USERAPI_HTTP2");
  }

  @Test
  void theRestPortSpeaksHttp2ByDefaultAndNoHttp2KeepsItOnHttp1() throws Exception {
    HttpClient upgrading = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    Map<List<String>, HttpClient.Version> expected =
        Map.of(
            List.of(), HttpClient.Version.HTTP_2,
            List.of("--http2"), HttpClient.Version.HTTP_2,
            List.of("--no-http2"), HttpClient.Version.HTTP_1_1);
    for (Map.Entry<List<String>, HttpClient.Version> flags : expected.entrySet()) {
      List<String> args = new ArrayList<>(List.of("--rest-port", "0", "--grpc-port", "0"));
      args.addAll(flags.getKey());
      UserServerCommand server = UserServerCommand.fromArgs(args.toArray(String[]::new)).start();
      try {
        HttpResponse<String> health =
            upgrading.send(
                HttpRequest.newBuilder(server.restUri().resolve("api/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).as("%s", flags.getKey()).isEqualTo(200);
        assertThat(health.version()).as("%s", flags.getKey()).isEqualTo(flags.getValue());
      } finally {
        server.shutdown(Duration.ZERO);
      }
    }
  }

  @Test
  void flagsHaveTheDocumentedDefaults() {
    UserServerCommand server = UserServerCommand.fromArgs();

    assertThat(server.gracePeriod()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void gracePeriodAcceptsShortUnitsAndIso8601() {
    UserServerCommand.DurationConverter converter = new UserServerCommand.DurationConverter();

    assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(converter.convert("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(converter.convert("PT3S")).isEqualTo(Duration.ofSeconds(3));
    assertThatThrownBy(() -> converter.convert("soon"))
        .isInstanceOf(CommandLine.TypeConversionException.class);
  }

  @Test
  void anUnknownFlagIsAUsageErrorNotAStart() {
    int exit =
        new CommandLine(new UserServerCommand())
            .setErr(new java.io.PrintWriter(new java.io.StringWriter()))
            .execute("--no-such-flag");

    assertThat(exit).isEqualTo(2);
  }

  @Test
  void mainPrintsWhereItListensTakesPortsFromTheEnvironmentAndStopsOnSigterm(@TempDir Path dir)
      throws Exception {
    Path log = dir.resolve("server.log");
    String java =
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    ProcessBuilder builder =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                UserServerCommand.class.getName(),
                "--seed",
                "3")
            .redirectError(log.toFile());
    builder.environment().put("USERAPI_REST_PORT", "0");
    builder.environment().put("USERAPI_GRPC_PORT", "0");
    Process process = builder.start();
    BlockingStream<UserEvent> watch = null;
    GrpcUserClient client = null;
    try {
      List<String> banner = new ArrayList<>();
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        banner.add(line);
        if (line.startsWith("Ctrl-C")) {
          break;
        }
      }
      String text = String.join("\n", banner);
      Matcher rest =
          Pattern.compile("REST  listening on (http://127\\.0\\.0\\.1:\\d+/)api/users")
              .matcher(text);
      Matcher grpc = Pattern.compile("gRPC  listening on (127\\.0\\.0\\.1:\\d+)").matcher(text);
      assertThat(rest.find()).as(text).isTrue();
      assertThat(grpc.find()).as(text).isTrue();
      assertThat(text).contains("curl ", "grpcurl -plaintext ", "3 users seeded");

      HttpResponse<String> docs =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(rest.group(1) + "docs/")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(docs.statusCode()).isEqualTo(200);
      assertThat(docs.body()).contains("swagger-ui");
      client = GrpcUserClient.connect(grpc.group(1));
      assertThat(client.health()).isEqualTo(HealthStatus.SERVING);
      User first =
          client.get(client.list(dev.userapi.core.UserQuery.firstPage(10)).items().get(0).id());
      assertThat(first.email()).isEqualTo("user1@example.com");
      // A watch open when the signal comes: a drain ends it normally, a kill breaks it.
      watch = BlockingStream.of(client.watch(UserService.WATCH_FROM_NOW));
      for (int age = 1; !watch.awaitNext(Duration.ofMillis(500)); age++) {
        assertThat(age).as("writes before the watch showed one").isLessThan(40);
        client.update(first.id(), UserUpdate.builder().age(age).build(), null);
      }
      assertThat(watch.next().user().id()).isEqualTo(first.id());
    } finally {
      process.destroy(); // SIGTERM: the shutdown hook drains and stops.
    }
    try {
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      // Skip the updates still queued from making the watch live; then the end must be clean.
      while (watch.hasNext(Duration.ofSeconds(20))) {
        assertThat(watch.next().type()).isEqualTo(UserEvent.Type.UPDATED);
      }
    } finally {
      watch.close();
      client.close();
    }
    // 143 = 128 + SIGTERM: the JVM ran its shutdown hooks; a kill (SIGKILL) would be 137.
    assertThat(process.exitValue()).isEqualTo(143);
    assertThat(Files.readString(log, StandardCharsets.UTF_8))
        .contains("shutting down; calls in flight get 10000 ms")
        .contains("stopped (every call finished)");
  }
}
