package dev.userapi.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.Status;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.proto.v1.ListUsersResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Content negotiation between JSON (the default) and {@code application/x-protobuf}: by {@code
 * Accept} with quality values for answers, by {@code Content-Type} for bodies, and the form of the
 * errors that follows from them.
 */
class ProtobufNegotiationWireTest {
  private static final ObjectMapper json = new ObjectMapper();
  private static final String PROTOBUF = "application/x-protobuf";
  private static final String MISSING = "api/users/0190a0a0-0000-7000-8000-000000000000";

  private DefaultUserService service;
  private TestServer server;
  private HttpClient http;
  private User ada;

  @BeforeEach
  void start() throws IOException {
    service = DefaultUserService.inMemory();
    server = TestServer.start(UserApiFeature.of(service));
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    ada = service.create(NewUser.of("Ada", "ada@example.com", 36));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void jsonIsTheDefaultWithoutAcceptAndForAnyType() throws Exception {
    assertThat(contentType(get("api/users/" + ada.id(), null))).isEqualTo("application/json");
    assertThat(contentType(get("api/users/" + ada.id(), "*/*"))).isEqualTo("application/json");
    assertThat(contentType(get("api/users/" + ada.id(), "application/*")))
        .isEqualTo("application/json");
  }

  @Test
  void acceptingProtobufGetsTheUserMessage() throws Exception {
    HttpResponse<byte[]> response = get("api/users/" + ada.id(), PROTOBUF);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(contentType(response)).isEqualTo(PROTOBUF);
    dev.userapi.proto.v1.User user = dev.userapi.proto.v1.User.parseFrom(response.body());
    assertThat(user.getId()).isEqualTo(ada.id());
    assertThat(user.getName()).isEqualTo("Ada");
    assertThat(user.getAge()).isEqualTo(36);
    assertThat(user.getEtag()).isEqualTo(ada.etag());
    assertThat(response.headers().firstValue("ETag")).hasValue("\"1\"");
    assertThat(response.headers().firstValue("Vary")).hasValue("Accept");
  }

  @Test
  void qualityValuesDecideBetweenTheTwo() throws Exception {
    String path = "api/users/" + ada.id();

    assertThat(contentType(get(path, "application/json;q=0.5, application/x-protobuf")))
        .isEqualTo(PROTOBUF);
    assertThat(contentType(get(path, "application/x-protobuf;q=0.5, application/json")))
        .isEqualTo("application/json");
    assertThat(contentType(get(path, "application/x-protobuf;q=0.9, */*;q=0.1")))
        .isEqualTo(PROTOBUF);
    assertThat(contentType(get(path, "application/x-protobuf;q=0, */*")))
        .isEqualTo("application/json");
  }

  @Test
  void aPageIsAListUsersResponse() throws Exception {
    HttpResponse<byte[]> response = get("api/users?pageSize=10", PROTOBUF);

    assertThat(contentType(response)).isEqualTo(PROTOBUF);
    ListUsersResponse page = ListUsersResponse.parseFrom(response.body());
    assertThat(page.getUsersList())
        .extracting(dev.userapi.proto.v1.User::getId)
        .containsExactly(ada.id());
  }

  @Test
  void createTakesAProtobufBodyAndAnswersInTheAcceptedType() throws Exception {
    byte[] bo =
        dev.userapi.proto.v1.User.newBuilder()
            .setName("Bo")
            .setEmail("bo@example.com")
            .build()
            .toByteArray();
    byte[] cy =
        dev.userapi.proto.v1.User.newBuilder()
            .setName("Cy")
            .setEmail("cy@example.com")
            .setAge(7)
            .build()
            .toByteArray();

    HttpResponse<byte[]> asJson = send("POST", "api/users", PROTOBUF, bo, null);
    HttpResponse<byte[]> asProtobuf = send("POST", "api/users", PROTOBUF, cy, PROTOBUF);

    assertThat(asJson.statusCode()).isEqualTo(201);
    assertThat(contentType(asJson)).isEqualTo("application/json");
    assertThat(json.readTree(asJson.body()).get("name").asText()).isEqualTo("Bo");
    assertThat(asProtobuf.statusCode()).isEqualTo(201);
    assertThat(dev.userapi.proto.v1.User.parseFrom(asProtobuf.body()).getAge()).isEqualTo(7);
    assertThat(asProtobuf.headers().firstValue("Location")).isPresent();
  }

  @Test
  void batchCreateTakesLengthDelimitedRequestsAndAnswersInTheAcceptedType() throws Exception {
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    for (dev.userapi.proto.v1.User user :
        List.of(
            dev.userapi.proto.v1.User.newBuilder().setName("Di").setEmail("di@example.com").build(),
            dev.userapi.proto.v1.User.newBuilder().setName("No Email").build())) {
      dev.userapi.proto.v1.BatchCreateUsersRequest.newBuilder()
          .setUser(user)
          .build()
          .writeDelimitedTo(body);
    }

    HttpResponse<byte[]> asProtobuf =
        send("POST", "api/users:batchCreate", PROTOBUF, body.toByteArray(), PROTOBUF);
    HttpResponse<byte[]> asJson =
        send("POST", "api/users:batchCreate", PROTOBUF, new byte[0], "application/json");

    assertThat(asProtobuf.statusCode()).isEqualTo(200);
    assertThat(contentType(asProtobuf)).isEqualTo(PROTOBUF);
    dev.userapi.proto.v1.BatchCreateUsersResponse results =
        dev.userapi.proto.v1.BatchCreateUsersResponse.parseFrom(asProtobuf.body());
    assertThat(results.getCreatedCount()).isEqualTo(1);
    assertThat(results.getFailedCount()).isEqualTo(1);
    assertThat(results.getResults(0).getUser().getName()).isEqualTo("Di");
    assertThat(results.getResults(1).getIndex()).isEqualTo(1);
    assertThat(results.getResults(1).hasError()).isTrue();
    assertThat(asJson.statusCode()).isEqualTo(200);
    assertThat(json.readTree(asJson.body()).get("results").size()).isZero();
  }

  @Test
  void aBatchBodyThatIsNotDelimitedRequestsIsA400() throws Exception {
    byte[] garbage = {(byte) 0x7f, 1, 2};

    HttpResponse<byte[]> response = send("POST", "api/users:batchCreate", PROTOBUF, garbage, null);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(contentType(response)).isEqualTo("application/problem+json");
  }

  @Test
  void aClientThatAcceptsOnlyProtobufGetsErrorsAsTheStatusGrpcSends() throws Exception {
    byte[] blank =
        dev.userapi.proto.v1.User.newBuilder()
            .setName("   ")
            .setEmail("x@example.com")
            .build()
            .toByteArray();

    HttpResponse<byte[]> missing = get(MISSING, PROTOBUF);
    HttpResponse<byte[]> invalid = send("POST", "api/users", PROTOBUF, blank, PROTOBUF);

    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(contentType(missing)).isEqualTo(PROTOBUF);
    Status notFound = Status.parseFrom(missing.body());
    assertThat(notFound.getCode()).isEqualTo(io.grpc.Status.Code.NOT_FOUND.value());
    assertThat(notFound.getDetails(0).unpack(ErrorInfo.class).getReason()).isEqualTo("NOT_FOUND");
    assertThat(invalid.statusCode()).isEqualTo(400);
    Status badRequest = Status.parseFrom(invalid.body());
    assertThat(badRequest.getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT.value());
    assertThat(badRequest.getDetails(1).unpack(BadRequest.class).getFieldViolations(0).getField())
        .isEqualTo("name");
  }

  @Test
  void aClientThatAlsoAcceptsJsonGetsProblems() throws Exception {
    HttpResponse<byte[]> response = get(MISSING, "application/x-protobuf, */*;q=0.1");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(contentType(response)).isEqualTo("application/problem+json");
  }

  @Test
  void anUnacceptableTypeIs406InTheFormTheClientAccepts() throws Exception {
    HttpResponse<byte[]> csv = get("api/users/" + ada.id(), "text/csv");
    HttpResponse<byte[]> protobufOnlyWatch = get("api/users:watch", PROTOBUF);

    assertThat(csv.statusCode()).isEqualTo(406);
    assertThat(contentType(csv)).isEqualTo("application/problem+json");
    assertThat(protobufOnlyWatch.statusCode()).isEqualTo(406);
    assertThat(contentType(protobufOnlyWatch)).isEqualTo(PROTOBUF);
    assertThat(Status.parseFrom(protobufOnlyWatch.body()).getCode())
        .isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT.value());
  }

  @Test
  void anUnsupportedBodyTypeIs415InTheFormTheClientAccepts() throws Exception {
    byte[] csv = "Ada,ada@example.com".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    HttpResponse<byte[]> asProblem = send("POST", "api/users", "text/csv", csv, null);
    HttpResponse<byte[]> asStatus = send("POST", "api/users", "text/csv", csv, PROTOBUF);

    assertThat(asProblem.statusCode()).isEqualTo(415);
    assertThat(contentType(asProblem)).isEqualTo("application/problem+json");
    assertThat(asStatus.statusCode()).isEqualTo(415);
    assertThat(contentType(asStatus)).isEqualTo(PROTOBUF);
    assertThat(Status.parseFrom(asStatus.body()).getMessage()).isNotBlank();
  }

  @Test
  void aMalformedProtobufBodyIsA400() throws Exception {
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff};

    HttpResponse<byte[]> response = send("POST", "api/users", PROTOBUF, garbage, null);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json.readTree(response.body()).get("errors").get(0).get("field").asText())
        .isEqualTo("body");
  }

  @Test
  void streamSendsLengthDelimitedUsersWhenAsked() throws Exception {
    service.create(NewUser.of("Bo", "bo@example.com"));

    HttpResponse<byte[]> response = get("api/users:stream", PROTOBUF);

    assertThat(contentType(response)).isEqualTo(PROTOBUF);
    List<String> names = new ArrayList<>();
    InputStream in = new ByteArrayInputStream(response.body());
    for (dev.userapi.proto.v1.User u = dev.userapi.proto.v1.User.parseDelimitedFrom(in);
        u != null;
        u = dev.userapi.proto.v1.User.parseDelimitedFrom(in)) {
      names.add(u.getName());
    }
    assertThat(names).containsExactly("Ada", "Bo");
    assertThat(contentType(get("api/users:stream", null))).isEqualTo("application/x-ndjson");
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static String contentType(HttpResponse<?> response) {
    return response.headers().firstValue("Content-Type").orElse("").split(";")[0].trim();
  }

  private HttpResponse<byte[]> get(String path, String accept) throws Exception {
    return send("GET", path, null, null, accept);
  }

  private HttpResponse<byte[]> send(
      String method, String path, String contentType, byte[] body, String accept)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.uri(path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (accept != null) {
      request.header("Accept", accept);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
