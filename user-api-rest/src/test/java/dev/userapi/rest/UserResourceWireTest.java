package dev.userapi.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.userapi.core.BlockingStream;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserQuery;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP semantics of {@link UserResource} seen with a plain HTTP/1.1 client. */
class UserResourceWireTest {
  private static final ObjectMapper json = new ObjectMapper();

  private DefaultUserService service;
  private TestServer server;
  private HttpClient http;

  @BeforeEach
  void start() throws IOException {
    service = DefaultUserService.inMemory();
    server = TestServer.start(UserApiFeature.builder(service).maxBodyBytes(4096).build());
    // Pinned to HTTP/1.1: the default sends "Upgrade: h2c", which Grizzly stalls on.
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  // ---- happy paths ---------------------------------------------------------------------------

  @Test
  void createAnswers201WithLocationEtagAndTheUser() throws Exception {
    HttpResponse<String> response =
        send(
            "POST",
            "api/users",
            "application/json",
            "{\"name\":\"Ada\",\"email\":\"ada@example.com\",\"age\":36}");

    assertThat(response.statusCode()).isEqualTo(201);
    JsonNode body = json.readTree(response.body());
    String id = body.get("id").asText();
    assertThat(response.headers().firstValue("Location"))
        .hasValue(server.uri("api/users/" + id).toString());
    assertThat(response.headers().firstValue("ETag")).hasValue("\"1\"");
    assertThat(body.get("name").asText()).isEqualTo("Ada");
    assertThat(body.get("age").asInt()).isEqualTo(36);
    assertThat(body.get("etag").asText()).isEqualTo("1");
    assertThat(body.get("createTime").asText()).endsWith("Z");
    assertThat(service.get(id).email()).isEqualTo("ada@example.com");
  }

  @Test
  void createWithTheSameIdempotencyKeyTwiceCreatesOneUser() throws Exception {
    String body = "{\"name\":\"Ada\",\"email\":\"ada@example.com\"}";
    HttpResponse<String> first =
        send("POST", "api/users", "application/json", body, "Idempotency-Key", "k-1");
    HttpResponse<String> second =
        send("POST", "api/users", "application/json", body, "Idempotency-Key", "k-1");

    assertThat(second.statusCode()).isEqualTo(201);
    assertThat(json.readTree(second.body()).get("id"))
        .isEqualTo(json.readTree(first.body()).get("id"));
    assertThat(allUsers()).hasSize(1);
  }

  @Test
  void getAnswersWithAStrongEtagAndIfNoneMatchGives304() throws Exception {
    User ada = service.create(NewUser.of("Ada", "ada@example.com"));

    HttpResponse<String> ok = send("GET", "api/users/" + ada.id(), null, null);
    HttpResponse<String> notModified =
        send("GET", "api/users/" + ada.id(), null, null, "If-None-Match", "\"1\"");
    HttpResponse<String> changed =
        send("GET", "api/users/" + ada.id(), null, null, "If-None-Match", "W/\"0\", \"7\"");

    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("ETag")).hasValue("\"1\"");
    assertThat(ok.headers().firstValue("Cache-Control")).hasValue("private, no-cache");
    assertThat(ok.headers().firstValue("Vary")).hasValue("Accept");
    assertThat(notModified.statusCode()).isEqualTo(304);
    assertThat(notModified.headers().firstValue("ETag")).hasValue("\"1\"");
    assertThat(notModified.body()).isEmpty();
    assertThat(changed.statusCode()).isEqualTo(200);
  }

  @Test
  void mergePatchChangesNamedFieldsAndNullClearsTheAge() throws Exception {
    User ada = service.create(NewUser.of("Ada", "ada@example.com", 36));

    HttpResponse<String> response =
        send(
            "PATCH",
            "api/users/" + ada.id(),
            "application/merge-patch+json",
            "{\"name\":\"Ada Lovelace\",\"age\":null}",
            "If-Match",
            "\"1\"");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("ETag")).hasValue("\"2\"");
    User stored = service.get(ada.id());
    assertThat(stored.name()).isEqualTo("Ada Lovelace");
    assertThat(stored.age()).isEmpty();
    assertThat(stored.email()).isEqualTo("ada@example.com");
    assertThat(json.readTree(response.body()).has("age")).isFalse();
  }

  @Test
  void postWithMethodOverrideActsAsPatch() throws Exception {
    User ada = service.create(NewUser.of("Ada", "ada@example.com", 36));

    HttpResponse<String> response =
        send(
            "POST",
            "api/users/" + ada.id(),
            "application/merge-patch+json",
            "{\"age\":37}",
            "X-HTTP-Method-Override",
            "PATCH");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(service.get(ada.id()).age()).hasValue(37);
  }

  @Test
  void putReplacesEveryWritableField() throws Exception {
    User ada = service.create(NewUser.of("Ada", "ada@example.com", 36));

    HttpResponse<String> response =
        send(
            "PUT",
            "api/users/" + ada.id(),
            "application/json",
            "{\"name\":\"Grace\",\"email\":\"grace@example.com\"}",
            "If-Match",
            "\"1\"");

    assertThat(response.statusCode()).isEqualTo(200);
    User stored = service.get(ada.id());
    assertThat(stored.name()).isEqualTo("Grace");
    assertThat(stored.age()).isEmpty();
  }

  @Test
  void deleteAnswers204AndIsIdempotent() throws Exception {
    User ada = service.create(NewUser.of("Ada", "ada@example.com"));

    assertThat(send("DELETE", "api/users/" + ada.id(), null, null).statusCode()).isEqualTo(204);
    assertThat(send("DELETE", "api/users/" + ada.id(), null, null).statusCode()).isEqualTo(204);
    assertThat(allUsers()).isEmpty();
  }

  @Test
  void listPagesThroughFilteredUsers() throws Exception {
    for (int i = 0; i < 5; i++) {
      service.create(NewUser.of("user" + i, "u" + i + "@example.com", 20 + i));
    }

    JsonNode first =
        json.readTree(send("GET", "api/users?pageSize=2&minAge=21", null, null).body());
    String token =
        java.net.URLEncoder.encode(first.get("nextPageToken").asText(), StandardCharsets.UTF_8);
    JsonNode second =
        json.readTree(
            send("GET", "api/users?pageSize=2&minAge=21&pageToken=" + token, null, null).body());

    assertThat(first.get("users"))
        .extracting(u -> u.get("name").asText())
        .containsExactly("user1", "user2");
    assertThat(second.get("users"))
        .extracting(u -> u.get("name").asText())
        .containsExactly("user3", "user4");
    assertThat(second.get("nextPageToken").asText()).isEmpty();
  }

  @Test
  void healthAnswersServing() throws Exception {
    HttpResponse<String> response = send("GET", "api/health", null, null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json.readTree(response.body()).get("status").asText()).isEqualTo("SERVING");
  }

  @Test
  void theOpenApiDocumentIsServed() throws Exception {
    HttpResponse<String> response = send("GET", "api/openapi.yaml", null, null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).startsWith("openapi: 3.1.0");
  }

  @Test
  void batchCreateTakesAJsonArrayAndAnswersPerItem() throws Exception {
    service.create(NewUser.of("Taken", "taken@example.com"));

    HttpResponse<String> response =
        send(
            "POST",
            "api/users:batchCreate",
            "application/json",
            "[{\"name\":\"A\",\"email\":\"a@example.com\"},{\"name\":\"B\",\"email\":\"taken@example.com\"},"
                + "{\"name\":\"C\",\"email\":\"c@example.com\",\"id\":\"x\"},{\"name\":\"\",\"email\":\"d@example.com\"}]");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode results = json.readTree(response.body()).get("results");
    assertThat(results).hasSize(4);
    assertThat(results.get(0).get("user").get("name").asText()).isEqualTo("A");
    assertThat(results.get(1).get("error").get("code").asText()).isEqualTo("ALREADY_EXISTS");
    assertThat(results.get(2).get("error").get("errors").get(0).get("field").asText())
        .isEqualTo("id");
    assertThat(results.get(3).get("error").get("code").asText()).isEqualTo("INVALID_ARGUMENT");
    assertThat(allUsers()).hasSize(2);
  }

  @Test
  void batchCreateTakesNdjsonAndReportsBadLinesPerItem() throws Exception {
    HttpResponse<String> response =
        send(
            "POST",
            "api/users:batchCreate",
            "application/x-ndjson",
            "{\"name\":\"A\",\"email\":\"a@example.com\"}\n{not json\n\n{\"name\":\"B\",\"email\":\"b@example.com\"}\n");

    JsonNode results = json.readTree(response.body()).get("results");
    assertThat(results).hasSize(3);
    assertThat(results.get(0).has("user")).isTrue();
    assertThat(results.get(1).get("error").get("status").asInt()).isEqualTo(400);
    assertThat(results.get(2).get("user").get("name").asText()).isEqualTo("B");
  }

  @Test
  void jsonDocumentsCarryAContentLengthWhileLargePagesAndStreamsAreChunked() throws Exception {
    List<NewUser> many = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      many.add(NewUser.of("user " + i + " " + "x".repeat(100), "u" + i + "@example.com", 30));
    }
    service.createAll(many);
    String id = service.list(UserQuery.firstPage(1)).items().get(0).id();

    HttpResponse<String> user = send("GET", "api/users/" + id, null, null);
    HttpResponse<String> missing =
        send("GET", "api/users/01a21285-7fcd-7000-9c1a-9fd14d31ee73", null, null);
    HttpResponse<String> smallPage = send("GET", "api/users?pageSize=10", null, null);
    HttpResponse<String> largePage = send("GET", "api/users?pageSize=600", null, null);
    HttpResponse<String> stream = send("GET", "api/users:stream", null, null);

    for (HttpResponse<String> document : List.of(user, missing, smallPage)) {
      assertThat(document.headers().firstValue("Content-Length"))
          .as("%s", document.uri())
          .hasValue(String.valueOf(document.body().getBytes(StandardCharsets.UTF_8).length));
      assertThat(document.headers().firstValue("Transfer-Encoding")).isEmpty();
    }
    assertThat(missing.statusCode()).isEqualTo(404);
    // Over the 64 KiB the server buffers to count, and a stream: both go out as they are written.
    for (HttpResponse<String> streamed : List.of(largePage, stream)) {
      assertThat(streamed.statusCode()).isEqualTo(200);
      assertThat(streamed.body().getBytes(StandardCharsets.UTF_8).length).isGreaterThan(64 * 1024);
      assertThat(streamed.headers().firstValue("Content-Length")).isEmpty();
      assertThat(streamed.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
    }
    assertThat(json.readTree(largePage.body()).get("users")).hasSize(600);
  }

  @Test
  void aGzippedDocumentIsWholeWhenTheApplicationEncodesResponses() throws Exception {
    server.close();
    server =
        TestServer.start(
            UserApiFeature.builder(service).build(),
            org.glassfish.jersey.server.filter.EncodingFilter.class,
            org.glassfish.jersey.message.GZipEncoder.class);
    User ada = service.create(NewUser.of("Ada " + "x".repeat(150), "ada@example.com", 36));

    HttpResponse<byte[]> response =
        http.send(
            HttpRequest.newBuilder(server.uri("api/users/" + ada.id()))
                .header("Accept-Encoding", "gzip")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
    response
        .headers()
        .firstValue("Content-Length")
        .ifPresent(length -> assertThat(length).isEqualTo("" + response.body().length));
    try (java.util.zip.GZIPInputStream gunzip =
        new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(response.body()))) {
      JsonNode body = json.readTree(gunzip.readAllBytes());
      assertThat(body.get("id").asText()).isEqualTo(ada.id());
    }
  }

  // ---- streaming -----------------------------------------------------------------------------

  @Test
  void streamSendsEveryMatchingUserAsNdjsonAtThePathWithAColon() throws Exception {
    for (int i = 0; i < 300; i++) {
      service.create(NewUser.of("user" + i, "u" + i + "@example.com", i % 100));
    }

    HttpResponse<String> response = send("GET", "api/users:stream?minAge=50", null, null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/x-ndjson"));
    List<String> lines = response.body().lines().toList();
    assertThat(lines).hasSize(150);
    assertThat(json.readTree(lines.get(0)).get("age").asInt()).isEqualTo(50);
  }

  @Test
  void streamRejectsAnInvalidFilterWithAProblem() throws Exception {
    HttpResponse<String> response = send("GET", "api/users:stream?minAge=9&maxAge=1", null, null);

    assertProblem(response, 400, "INVALID_ARGUMENT");
    assertThat(json.readTree(response.body()).get("errors").get(0).get("field").asText())
        .isEqualTo("minAge");
  }

  // ---- errors --------------------------------------------------------------------------------

  @Test
  void unknownPropertyIsA400NamingIt() throws Exception {
    assertRejectedUnchanged(
        () ->
            send(
                "POST",
                "api/users",
                "application/json",
                "{\"name\":\"Ada\",\"email\":\"ada@example.com\",\"etag\":\"9\"}"),
        400,
        "INVALID_ARGUMENT",
        "etag");
  }

  @Test
  void clientsCannotSetTheIdOrTimestamps() throws Exception {
    assertRejectedUnchanged(
        () ->
            send(
                "POST",
                "api/users",
                "application/json",
                "{\"id\":\"0190a0a0-0000-7000-8000-000000000000\",\"name\":\"Ada\",\"email\":\"ada@example.com\"}"),
        400,
        "INVALID_ARGUMENT",
        "id");
    assertRejectedUnchanged(
        () ->
            send(
                "POST",
                "api/users",
                "application/json",
                "{\"createTime\":\"2020-01-01T00:00:00Z\",\"name\":\"Ada\",\"email\":\"ada@example.com\"}"),
        400,
        "INVALID_ARGUMENT",
        "createTime");
  }

  @Test
  void anOverLongNumberIsA400NotA500() throws Exception {
    assertRejectedUnchanged(
        () ->
            send(
                "POST",
                "api/users",
                "application/json",
                "{\"name\":\"Ada\",\"email\":\"ada@example.com\",\"age\":"
                    + "9".repeat(2000)
                    + "}"),
        400,
        "INVALID_ARGUMENT",
        "body");
  }

  @Test
  void anOutOfRangeNumberIsA400() throws Exception {
    assertRejectedUnchanged(
        () ->
            send(
                "POST",
                "api/users",
                "application/json",
                "{\"name\":\"Ada\",\"email\":\"ada@example.com\",\"age\":99999999999}"),
        400,
        "INVALID_ARGUMENT",
        null);
  }

  @Test
  void malformedTruncatedAndMistypedJsonAre400s() throws Exception {
    for (String body :
        List.of(
            "{\"name\":",
            "{name: 'Ada'}",
            "not json at all",
            "{\"name\":\"Ada\",\"email\":\"ada@example.com\"} trailing",
            "{\"name\":\"Ada\",\"name\":\"Eve\",\"email\":\"ada@example.com\"}",
            "{\"name\":\"Ada\",\"email\":\"ada@example.com\",\"age\":\"36\"}",
            "{\"name\":\"Ada\",\"email\":\"ada@example.com\",\"age\":36.5}",
            "{\"name\":[\"Ada\"],\"email\":\"ada@example.com\"}",
            "[1,2,3]",
            "[".repeat(100) + "]".repeat(100),
            "{\"name\":\"Ada\",\"email\":\"ada@example.com\",\"x\":"
                + "{\"a\":".repeat(60)
                + "1"
                + "}".repeat(61))) {
      assertRejectedUnchanged(
          () -> send("POST", "api/users", "application/json", body), 400, "INVALID_ARGUMENT", null);
    }
  }

  @Test
  void aBodyCutShortOfItsContentLengthIsRejectedWithoutAChange() throws Exception {
    List<User> before = allUsers();
    String partial = "{\"name\":\"Ada\",\"email\":\"ada@exa";
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.baseUri().getPort())) {
      java.io.OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /api/users HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  + "Content-Length: 200\r\nConnection: close\r\n\r\n"
                  + partial)
              .getBytes(StandardCharsets.UTF_8));
      out.flush();
      socket.shutdownOutput();
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      // Grizzly drops a connection whose body ends early; a runtime that answers must say 400.
      assertThat(response)
          .satisfiesAnyOf(
              r -> assertThat(r).isEmpty(),
              r -> assertThat(r).startsWith("HTTP/1.1 400").contains("application/problem+json"));
    }
    assertThat(allUsers()).isEqualTo(before);
  }

  @Test
  void anEmptyBodyIsA400() throws Exception {
    assertRejectedUnchanged(
        () -> send("POST", "api/users", "application/json", ""), 400, "INVALID_ARGUMENT", "body");
  }

  @Test
  void validationViolationsAreListedAsErrors() throws Exception {
    HttpResponse<String> response =
        send(
            "POST",
            "api/users",
            "application/json",
            "{\"name\":\"\",\"email\":\"nope\",\"age\":-1}");

    assertProblem(response, 400, "INVALID_ARGUMENT");
    assertThat(json.readTree(response.body()).get("errors"))
        .extracting(e -> e.get("field").asText())
        .containsExactlyInAnyOrder("name", "email", "age");
  }

  @Test
  void aMissingUserIsA404Problem() throws Exception {
    HttpResponse<String> response =
        send("GET", "api/users/0190a0a0-0000-7000-8000-000000000000", null, null);

    assertProblem(response, 404, "NOT_FOUND");
  }

  @Test
  void anUnknownPathIsA404Problem() throws Exception {
    assertProblem(send("GET", "api/nothing/here", null, null), 404, "NOT_FOUND");
    assertProblem(send("GET", "elsewhere", null, null), 404, "NOT_FOUND");
  }

  @Test
  void aWrongMethodIsA405WithAllow() throws Exception {
    HttpResponse<String> response = send("DELETE", "api/users", null, null);

    assertProblem(response, 405, "INVALID_ARGUMENT");
    assertThat(response.headers().firstValue("Allow"))
        .hasValueSatisfying(allow -> assertThat(allow).contains("GET").contains("POST"));
  }

  @Test
  void anUnacceptableMediaTypeIsA406Problem() throws Exception {
    User ada = service.create(NewUser.of("Ada", "ada@example.com"));

    assertProblem(
        send("GET", "api/users/" + ada.id(), null, null, "Accept", "application/xml"),
        406,
        "INVALID_ARGUMENT");
  }

  @Test
  void anUnsupportedContentTypeIsA415Problem() throws Exception {
    User ada = service.create(NewUser.of("Ada", "ada@example.com", 36));

    assertRejectedUnchanged(
        () ->
            send("POST", "api/users", "text/plain", "{\"name\":\"A\",\"email\":\"a@example.com\"}"),
        415,
        "INVALID_ARGUMENT",
        null);
    assertRejectedUnchanged(
        () -> send("PATCH", "api/users/" + ada.id(), "application/json", "{\"age\":1}"),
        415,
        "INVALID_ARGUMENT",
        null);
  }

  @Test
  void aTakenEmailIsA409() throws Exception {
    service.create(NewUser.of("Ada", "ada@example.com"));

    assertRejectedUnchanged(
        () ->
            send(
                "POST",
                "api/users",
                "application/json",
                "{\"name\":\"Eve\",\"email\":\"ADA@example.com\"}"),
        409,
        "ALREADY_EXISTS",
        null);
  }

  @Test
  void aStaleIfMatchIsA412OnEveryWrite() throws Exception {
    User ada = service.create(NewUser.of("Ada", "ada@example.com", 36));
    String path = "api/users/" + ada.id();

    assertRejectedUnchanged(
        () ->
            send("PATCH", path, "application/merge-patch+json", "{\"age\":1}", "If-Match", "\"7\""),
        412,
        "PRECONDITION_FAILED",
        null);
    assertRejectedUnchanged(
        () ->
            send(
                "PUT",
                path,
                "application/json",
                "{\"name\":\"X\",\"email\":\"x@example.com\"}",
                "If-Match",
                "\"7\""),
        412,
        "PRECONDITION_FAILED",
        null);
    assertRejectedUnchanged(
        () -> send("DELETE", path, null, null, "If-Match", "\"7\""),
        412,
        "PRECONDITION_FAILED",
        null);
    assertRejectedUnchanged(
        () -> send("DELETE", path, null, null, "If-Match", "W/\"1\""),
        412,
        "PRECONDITION_FAILED",
        null);
  }

  @Test
  void ifMatchStarRequiresAnExistingUser() throws Exception {
    assertRejectedUnchanged(
        () ->
            send(
                "DELETE",
                "api/users/0190a0a0-0000-7000-8000-000000000000",
                null,
                null,
                "If-Match",
                "*"),
        412,
        "PRECONDITION_FAILED",
        null);
  }

  @Test
  void anOversizeBodyIsA413Problem() throws Exception {
    String big = "{\"name\":\"" + "a".repeat(5000) + "\",\"email\":\"ada@example.com\"}";

    assertRejectedUnchanged(
        () -> send("POST", "api/users", "application/json", big), 413, "RESOURCE_EXHAUSTED", null);
  }

  @Test
  void anOversizeChunkedBodyIsA413ProblemToo() throws Exception {
    byte[] big =
        ("{\"name\":\"" + "a".repeat(5000) + "\",\"email\":\"ada@example.com\"}")
            .getBytes(StandardCharsets.UTF_8);
    Supplier<HttpResponse<String>> chunked =
        () -> {
          HttpRequest request =
              HttpRequest.newBuilder(server.uri("api/users"))
                  .header("Content-Type", "application/json")
                  // A publisher of unknown length makes the client send chunked transfer encoding.
                  .POST(
                      HttpRequest.BodyPublishers.ofInputStream(
                          () -> new java.io.ByteArrayInputStream(big)))
                  .build();
          try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        };

    assertRejectedUnchanged(chunked::get, 413, "RESOURCE_EXHAUSTED", null);
  }

  @Test
  void anInvalidPageSizeIsA400NamingIt() throws Exception {
    assertRejectedUnchanged(
        () -> send("GET", "api/users?pageSize=lots", null, null),
        400,
        "INVALID_ARGUMENT",
        "pageSize");
  }

  @Test
  void aMalformedIfMatchIsA400() throws Exception {
    User ada = service.create(NewUser.of("Ada", "ada@example.com"));

    assertRejectedUnchanged(
        () -> send("DELETE", "api/users/" + ada.id(), null, null, "If-Match", "no-quotes"),
        400,
        "INVALID_ARGUMENT",
        "If-Match");
  }

  @Test
  void writesWithoutIfMatchAre428WhenTheServerRequiresIt() throws Exception {
    try (TestServer strict =
        TestServer.start(UserApiFeature.builder(service).requireIfMatch(true).build())) {
      User ada = service.create(NewUser.of("Ada", "ada@example.com"));
      HttpRequest request =
          HttpRequest.newBuilder(strict.uri("api/users/" + ada.id())).DELETE().build();

      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());

      assertProblem(response, 428, "PRECONDITION_FAILED");
      assertThat(service.get(ada.id())).isEqualTo(ada);
    }
  }

  @Test
  void aBlankNameIsA400NamingIt() throws Exception {
    assertRejectedUnchanged(
        () ->
            send(
                "POST",
                "api/users",
                "application/json",
                "{\"name\":\"   \",\"email\":\"a@ex.com\"}"),
        400,
        "INVALID_ARGUMENT",
        "name");
  }

  @Test
  void aBadIdempotencyKeyIsA400NamingTheHeader() throws Exception {
    String body = "{\"name\":\"Ada\",\"email\":\"ada@example.com\"}";

    assertRejectedUnchanged(
        () ->
            send("POST", "api/users", "application/json", body, "Idempotency-Key", "k".repeat(129)),
        400,
        "INVALID_ARGUMENT",
        "Idempotency-Key");
  }

  @Test
  void aSequenceBelowMinusOneIsA400NamingWhatTheClientSent() throws Exception {
    assertRejectedUnchanged(
        () -> send("GET", "api/users:watch", null, null, "Last-Event-ID", "-5"),
        400,
        "INVALID_ARGUMENT",
        "Last-Event-ID");
    assertRejectedUnchanged(
        () -> send("GET", "api/users:watch?afterSequence=-5", null, null),
        400,
        "INVALID_ARGUMENT",
        "afterSequence");
  }

  // ---- helpers -------------------------------------------------------------------------------

  private interface Call {
    HttpResponse<String> send() throws Exception;
  }

  private void assertRejectedUnchanged(Call call, int status, String code, String field)
      throws Exception {
    List<User> before = allUsers();
    HttpResponse<String> response = call.send();
    assertProblem(response, status, code);
    if (field != null) {
      assertThat(json.readTree(response.body()).get("errors"))
          .as(response.body())
          .extracting(e -> e.get("field").asText())
          .contains(field);
    }
    assertThat(allUsers()).isEqualTo(before);
  }

  private static void assertProblem(HttpResponse<String> response, int status, String code)
      throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    JsonNode problem = json.readTree(response.body());
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("code").asText()).isEqualTo(code);
    assertThat(problem.get("type").asText()).startsWith("https://userapi.dev/problems/");
    assertThat(problem.get("title").asText()).isNotBlank();
    assertThat(problem.get("detail").asText()).isNotBlank();
    assertThat(response.body())
        .doesNotContain(
            "java.", "jakarta.", "com.fasterxml", "org.glassfish", "Exception", "<html");
  }

  private List<User> allUsers() {
    return BlockingStream.toList(service.stream(UserFilter.all()));
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
