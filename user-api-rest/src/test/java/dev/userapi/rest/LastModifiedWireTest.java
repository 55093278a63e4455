package dev.userapi.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code Last-Modified} and the date preconditions (RFC 9110 section 13), and how they yield to the
 * entity-tag ones, seen on the wire.
 */
class LastModifiedWireTest {
  private static final ObjectMapper json = new ObjectMapper();
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);
  private static final String LONG_AGO = "Sun, 06 Nov 1994 08:49:37 GMT";

  private DefaultUserService service;
  private TestServer server;
  private HttpClient http;
  private User ada;
  private String path;

  @BeforeEach
  void start() throws IOException {
    service = DefaultUserService.inMemory();
    server = TestServer.start(UserApiFeature.of(service));
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    ada = service.create(NewUser.of("Ada", "ada@example.com", 36));
    path = "api/users/" + ada.id();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void everyUserRepresentationCarriesLastModifiedFromTheUpdateTimeToTheSecond() throws Exception {
    HttpResponse<String> created =
        send("POST", "api/users", "application/json", "{\"name\":\"Bo\",\"email\":\"bo@ex.com\"}");
    String boId = json.readTree(created.body()).get("id").asText();
    HttpResponse<String> read = send("GET", path, null, null);
    HttpResponse<String> patched =
        send("PATCH", path, "application/merge-patch+json", "{\"age\":37}");
    User afterPatch = service.get(ada.id());
    HttpResponse<String> replaced =
        send("PUT", path, "application/json", "{\"name\":\"Ada\",\"email\":\"ada@example.com\"}");
    User afterPut = service.get(ada.id());

    assertThat(lastModified(created)).isEqualTo(secondOf(service.get(boId).updateTime()));
    assertThat(lastModified(read)).isEqualTo(secondOf(ada.updateTime()));
    assertThat(lastModified(patched)).isEqualTo(secondOf(afterPatch.updateTime()));
    assertThat(lastModified(replaced)).isEqualTo(secondOf(afterPut.updateTime()));
    assertThat(read.headers().firstValue("Last-Modified").orElseThrow()).endsWith(" GMT");
  }

  @Test
  void ifModifiedSinceTheLastChangeGives304WithTheValidators() throws Exception {
    String lastModified = send("GET", path, null, null).headers().firstValue("Last-Modified").get();

    HttpResponse<String> unchanged =
        send("GET", path, null, null, "If-Modified-Since", lastModified);
    HttpResponse<String> changed = send("GET", path, null, null, "If-Modified-Since", LONG_AGO);

    assertThat(unchanged.statusCode()).isEqualTo(304);
    assertThat(unchanged.body()).isEmpty();
    assertThat(unchanged.headers().firstValue("ETag")).hasValue("\"1\"");
    assertThat(unchanged.headers().firstValue("Last-Modified")).hasValue(lastModified);
    assertThat(changed.statusCode()).isEqualTo(200);
  }

  @Test
  void theObsoleteDateFormatsAreAcceptedToo() throws Exception {
    Instant tomorrow = Instant.now().plus(Duration.ofDays(1));
    String rfc850 =
        DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC)
            .format(tomorrow);
    String asctime =
        DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US)
            .withZone(ZoneOffset.UTC)
            .format(tomorrow);

    assertThat(send("GET", path, null, null, "If-Modified-Since", rfc850).statusCode())
        .isEqualTo(304);
    assertThat(send("GET", path, null, null, "If-Modified-Since", asctime).statusCode())
        .isEqualTo(304);
  }

  @Test
  void ifNoneMatchWinsOverIfModifiedSinceBothWays() throws Exception {
    String tomorrow = IMF_FIXDATE.format(Instant.now().plus(Duration.ofDays(1)));

    HttpResponse<String> tagDiffers =
        send("GET", path, null, null, "If-None-Match", "\"7\"", "If-Modified-Since", tomorrow);
    HttpResponse<String> tagMatches =
        send("GET", path, null, null, "If-None-Match", "\"1\"", "If-Modified-Since", LONG_AGO);

    assertThat(tagDiffers.statusCode()).isEqualTo(200);
    assertThat(tagMatches.statusCode()).isEqualTo(304);
  }

  @Test
  void anUnparsableIfModifiedSinceIsIgnored() throws Exception {
    HttpResponse<String> response = send("GET", path, null, null, "If-Modified-Since", "yesterday");

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void ifUnmodifiedSinceBeforeTheLastChangeIsA412OnEveryWriteAndChangesNothing() throws Exception {
    assertPreconditionFailedUnchanged(
        send(
            "PATCH",
            path,
            "application/merge-patch+json",
            "{\"age\":1}",
            "If-Unmodified-Since",
            LONG_AGO));
    assertPreconditionFailedUnchanged(
        send(
            "PUT",
            path,
            "application/json",
            "{\"name\":\"X\",\"email\":\"x@example.com\"}",
            "If-Unmodified-Since",
            LONG_AGO));
    assertPreconditionFailedUnchanged(
        send("DELETE", path, null, null, "If-Unmodified-Since", LONG_AGO));
  }

  @Test
  void ifUnmodifiedSinceTheLastChangeLetsTheWriteThrough() throws Exception {
    String lastModified = send("GET", path, null, null).headers().firstValue("Last-Modified").get();

    HttpResponse<String> response =
        send(
            "PATCH",
            path,
            "application/merge-patch+json",
            "{\"age\":37}",
            "If-Unmodified-Since",
            lastModified);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(service.get(ada.id()).age()).hasValue(37);
  }

  @Test
  void ifMatchWinsOverIfUnmodifiedSinceBothWays() throws Exception {
    String tomorrow = IMF_FIXDATE.format(Instant.now().plus(Duration.ofDays(1)));

    HttpResponse<String> staleTag =
        send(
            "PATCH",
            path,
            "application/merge-patch+json",
            "{\"age\":1}",
            "If-Match",
            "\"7\"",
            "If-Unmodified-Since",
            tomorrow);
    assertPreconditionFailedUnchanged(staleTag);

    HttpResponse<String> currentTag =
        send(
            "PATCH",
            path,
            "application/merge-patch+json",
            "{\"age\":37}",
            "If-Match",
            "\"1\"",
            "If-Unmodified-Since",
            LONG_AGO);
    assertThat(currentTag.statusCode()).isEqualTo(200);
    assertThat(service.get(ada.id()).age()).hasValue(37);
  }

  @Test
  void anUnparsableIfUnmodifiedSinceIsIgnored() throws Exception {
    HttpResponse<String> response =
        send(
            "PATCH",
            path,
            "application/merge-patch+json",
            "{\"age\":37}",
            "If-Unmodified-Since",
            "not a date");

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void ifUnmodifiedSinceOnAMissingUserAnswersAsWithoutIt() throws Exception {
    String missing = "api/users/0190a0a0-0000-7000-8000-000000000000";

    assertThat(send("DELETE", missing, null, null, "If-Unmodified-Since", LONG_AGO).statusCode())
        .isEqualTo(204);
    assertThat(
            send(
                    "PATCH",
                    missing,
                    "application/merge-patch+json",
                    "{\"age\":1}",
                    "If-Unmodified-Since",
                    LONG_AGO)
                .statusCode())
        .isEqualTo(404);
  }

  // ---- helpers -------------------------------------------------------------------------------

  private void assertPreconditionFailedUnchanged(HttpResponse<String> response) throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(412);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    JsonNode problem = json.readTree(response.body());
    assertThat(problem.get("code").asText()).isEqualTo("PRECONDITION_FAILED");
    assertThat(service.get(ada.id())).isEqualTo(ada);
  }

  private static Instant lastModified(HttpResponse<String> response) {
    String value = response.headers().firstValue("Last-Modified").orElseThrow();
    return Instant.from(IMF_FIXDATE.parse(value));
  }

  private static Instant secondOf(Instant time) {
    return time.truncatedTo(ChronoUnit.SECONDS);
  }

  private HttpResponse<String> send(
      String method, String path, String contentType, String body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.uri(path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
