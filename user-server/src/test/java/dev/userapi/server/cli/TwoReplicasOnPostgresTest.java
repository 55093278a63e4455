package dev.userapi.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two server processes on one PostgreSQL, as an operator runs replicas behind a load balancer: a
 * page token issued by one is accepted by the other, and by a replica started after the one that
 * issued it stopped. No secret is configured: the store holds it.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TwoReplicasOnPostgresTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static EmbeddedPostgres postgres;

  @BeforeAll
  static void startDatabase() throws IOException {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopDatabase() throws IOException {
    postgres.close();
  }

  @Test
  void replicasPageThroughEachOthersTokensBeforeAndAfterARestart() throws Exception {
    String url = postgres.getJdbcUrl("postgres", "postgres");
    Replica a = Replica.start(url, 30);
    Replica b = Replica.start(url, 0);
    String tokenFromA;
    try {
      JsonNode firstPage = a.page(null);
      tokenFromA = firstPage.path("nextPageToken").asText();
      assertThat(tokenFromA).isNotEmpty();

      JsonNode secondPageOnB = b.page(tokenFromA);
      JsonNode secondPageOnA = a.page(tokenFromA);

      assertThat(secondPageOnB).isEqualTo(secondPageOnA);
      assertThat(secondPageOnB.path("users")).hasSize(10);
      assertThat(secondPageOnB.path("users").get(0).path("id"))
          .isNotEqualTo(firstPage.path("users").get(0).path("id"));
    } finally {
      a.stop();
    }

    Replica restarted = Replica.start(url, 30);
    try {
      JsonNode afterRestart = restarted.page(tokenFromA);
      assertThat(afterRestart).isEqualTo(b.page(tokenFromA));
      // The restart's --seed 30 found the 30 users and created none: three pages of ten in all.
      String last =
          restarted
              .page(afterRestart.path("nextPageToken").asText())
              .path("nextPageToken")
              .asText("");
      assertThat(last).isEmpty();
    } finally {
      restarted.stop();
      b.stop();
    }
  }

  /** A {@code userapi-server} process on free ports over the database. */
  private record Replica(Process process, URI rest) {
    static Replica start(String jdbcUrl, int seed) throws IOException {
      String java =
          System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
      Process process =
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  UserServerCommand.class.getName(),
                  "--rest-port",
                  "0",
                  "--grpc-port",
                  "0",
                  "--seed",
                  "" + seed,
                  "--jdbc-url",
                  jdbcUrl,
                  "--jdbc-user",
                  "postgres",
                  "--grace-period",
                  "2s")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
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
      Matcher rest =
          Pattern.compile("REST  listening on (http://127\\.0\\.0\\.1:\\d+/)api/users")
              .matcher(String.join("\n", banner));
      if (!rest.find()) {
        process.destroyForcibly();
        throw new AssertionError("the server did not start: " + banner);
      }
      return new Replica(process, URI.create(rest.group(1)));
    }

    JsonNode page(String token) throws IOException, InterruptedException {
      String query =
          "api/users?pageSize=10"
              + (token == null
                  ? ""
                  : "&pageToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(rest.resolve(query)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      return JSON.readTree(response.body());
    }

    void stop() throws InterruptedException {
      process.destroy(); // SIGTERM: the shutdown hook drains and stops
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("the server did not stop on SIGTERM");
      }
    }
  }
}
