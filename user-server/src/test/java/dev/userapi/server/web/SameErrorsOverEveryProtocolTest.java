package dev.userapi.server.web;

import static dev.userapi.server.web.WebWire.frames;
import static dev.userapi.server.web.WebWire.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.BadRequest;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.FieldViolation;
import dev.userapi.core.NewUser;
import dev.userapi.core.UserException;
import dev.userapi.grpc.GrpcUserClient;
import dev.userapi.proto.v1.CreateUserRequest;
import dev.userapi.proto.v1.User;
import dev.userapi.proto.v1.UserServiceGrpc;
import dev.userapi.rest.RestUserClient;
import dev.userapi.server.UserServer;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same invalid create fails the same way over native gRPC, gRPC-Web, Connect and REST: the
 * three gRPC-based protocols carry the very same {@code google.rpc.Status} (code, message, {@code
 * BadRequest} field violations), and the REST and gRPC clients turn theirs into the same {@link
 * UserException} (code and field violations).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SameErrorsOverEveryProtocolTest {
  private static final String CREATE = "/userapi.v1.UserService/CreateUser";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static UserServer server;
  private static ManagedChannel channel;
  private static GrpcUserClient grpc;
  private static RestUserClient rest;

  @BeforeAll
  static void start() {
    server =
        UserServer.builder(DefaultUserService.inMemory())
            .restPort(0)
            .grpcPort(0)
            .blockingStore(false)
            .webProtocols(true)
            .build()
            .start();
    channel =
        Grpc.newChannelBuilder(server.grpcTarget(), InsecureChannelCredentials.create()).build();
    grpc = GrpcUserClient.connect(server.grpcTarget());
    rest = RestUserClient.connect(server.restUri());
    grpc.create(NewUser.of("Taken", "taken@same.example.com", 30));
  }

  @AfterAll
  static void stop() {
    rest.close();
    grpc.close();
    channel.shutdownNow();
    server.close();
  }

  static Stream<Arguments> invalidCreates() {
    return Stream.of(
        Arguments.of("Bad Email", "not-an-email", 30),
        Arguments.of("", "empty.name@same.example.com", 30),
        Arguments.of("Negative Age", "negative@same.example.com", -1),
        Arguments.of("", "", 500),
        Arguments.of("Taken Again", "TAKEN@same.example.com", 31));
  }

  @ParameterizedTest
  @MethodSource("invalidCreates")
  void anInvalidCreateFailsAlikeOverEveryProtocol(String name, String email, int age)
      throws Exception {
    CreateUserRequest request =
        CreateUserRequest.newBuilder()
            .setUser(User.newBuilder().setName(name).setEmail(email).setAge(age))
            .build();

    com.google.rpc.Status nativeGrpc = overNativeGrpc(request);
    com.google.rpc.Status grpcWeb = overGrpcWeb(request);
    com.google.rpc.Status connect = overConnect(request);
    assertThat(nativeGrpc.getCode()).isNotZero();
    assertThat(grpcWeb).isEqualTo(nativeGrpc);
    assertThat(connect).isEqualTo(nativeGrpc);

    NewUser input = new NewUser(name, email, java.util.OptionalInt.of(age));
    UserException overGrpcClient =
        catchThrowableOfType(UserException.class, () -> grpc.create(input));
    UserException overRest = catchThrowableOfType(UserException.class, () -> rest.create(input));
    assertThat(overRest.code()).isEqualTo(overGrpcClient.code());
    // Same fields; the descriptions of an empty string differ: proto3 cannot tell "" from absent,
    // so gRPC says "is required" where REST, which can, says "must not be blank".
    assertThat(overRest.violations())
        .extracting(FieldViolation::field)
        .isEqualTo(overGrpcClient.violations().stream().map(FieldViolation::field).toList());
    // ...and those are the violations the gRPC-based protocols carry.
    assertThat(overGrpcClient.violations())
        .extracting(FieldViolation::field)
        .containsExactlyElementsOf(fields(nativeGrpc));
  }

  private static com.google.rpc.Status overNativeGrpc(CreateUserRequest request) {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> UserServiceGrpc.newBlockingStub(channel).createUser(request));
    return StatusProto.fromThrowable(e);
  }

  private static com.google.rpc.Status overGrpcWeb(CreateUserRequest request) throws Exception {
    HttpResponse<byte[]> response =
        post(server.restUri(), CREATE, "application/grpc-web+proto", frames(request.toByteArray()));
    String details = response.headers().firstValue("grpc-status-details-bin").orElseThrow();
    com.google.rpc.Status status =
        com.google.rpc.Status.parseFrom(Base64.getDecoder().decode(details));
    assertThat(response.headers().firstValue("grpc-status"))
        .hasValue(Integer.toString(status.getCode()));
    return status;
  }

  /** Rebuilds a google.rpc.Status from Connect's error body: code, message, details' bytes. */
  private static com.google.rpc.Status overConnect(CreateUserRequest request) throws Exception {
    String json = JsonFormat.printer().print(request);
    HttpResponse<byte[]> response =
        post(server.restUri(), CREATE, "application/json", json.getBytes(StandardCharsets.UTF_8));
    JsonNode error = JSON.readTree(response.body());
    io.grpc.Status.Code code =
        switch (error.get("code").asText()) {
          case "invalid_argument" -> io.grpc.Status.Code.INVALID_ARGUMENT;
          case "already_exists" -> io.grpc.Status.Code.ALREADY_EXISTS;
          default -> throw new AssertionError("unexpected code " + error);
        };
    com.google.rpc.Status.Builder status =
        com.google.rpc.Status.newBuilder()
            .setCode(code.value())
            .setMessage(error.get("message").asText());
    for (JsonNode detail : error.get("details")) {
      status.addDetails(
          com.google.protobuf.Any.newBuilder()
              .setTypeUrl("type.googleapis.com/" + detail.get("type").asText())
              .setValue(
                  com.google.protobuf.ByteString.copyFrom(
                      Base64.getDecoder().decode(detail.get("value").asText()))));
    }
    return status.build();
  }

  private static List<String> fields(com.google.rpc.Status status) throws Exception {
    for (com.google.protobuf.Any detail : status.getDetailsList()) {
      if (detail.is(BadRequest.class)) {
        return detail.unpack(BadRequest.class).getFieldViolationsList().stream()
            .map(BadRequest.FieldViolation::getField)
            .toList();
      }
    }
    return List.of();
  }
}
