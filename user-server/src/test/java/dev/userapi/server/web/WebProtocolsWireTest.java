package dev.userapi.server.web;

import static dev.userapi.server.web.WebWire.frame;
import static dev.userapi.server.web.WebWire.frames;
import static dev.userapi.server.web.WebWire.parse;
import static dev.userapi.server.web.WebWire.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.StringValue;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.core.UserService;
import dev.userapi.proto.v1.BatchCreateUsersRequest;
import dev.userapi.proto.v1.BatchCreateUsersResponse;
import dev.userapi.proto.v1.CreateUserRequest;
import dev.userapi.proto.v1.GetUserRequest;
import dev.userapi.proto.v1.StreamUsersRequest;
import dev.userapi.proto.v1.UserFilter;
import dev.userapi.proto.v1.WatchUsersRequest;
import dev.userapi.server.UserServer;
import dev.userapi.server.web.WebWire.Frame;
import io.grpc.Context;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * gRPC-Web and Connect on the HTTP port, byte by byte, with a plain HTTP/1.1 client: framing of
 * each content type, text-mode chunks, trailers and trailers-only errors, metadata, deadlines,
 * limits, CORS and Connect's unary, streaming and error forms.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebProtocolsWireTest {
  private static final String SERVICE = "/userapi.v1.UserService/";
  private static final String ECHO = "/test.Echo/Echo";
  private static final String MISSING = "01890000-0000-7000-8000-000000000000";
  private static final int MAX_MESSAGE = 16 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private static UserService users;
  private static UserServer server;
  private static URI root;
  private static User ada;

  @BeforeAll
  static void start() {
    users = DefaultUserService.inMemory();
    ada = users.create(NewUser.of("Ada Lovelace", "ada@web.example.com", 36));
    users.create(NewUser.of("Alan Turing", "alan@web.example.com", 41));
    users.create(NewUser.of("Grace Hopper", "grace@web.example.com", 85));
    server =
        UserServer.builder(users)
            .restPort(0)
            .grpcPort(0)
            .blockingStore(false)
            .maxMessageBytes(MAX_MESSAGE)
            .webProtocols(true)
            .corsAllowedOrigins("https://app.example.com")
            .addGrpcService(WebProtocolsWireTest::echoService)
            .build()
            .start();
    root = server.restUri();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  // ---- gRPC-Web

  @Test
  void grpcWebUnaryAnswersOneMessageFrameThenTheTrailersFrame() throws Exception {
    HttpResponse<byte[]> response =
        post(root, SERVICE + "GetUser", "application/grpc-web+proto", frames(get(ada.id())));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("application/grpc-web+proto");
    List<Frame> frames = parse(response.body());
    assertThat(frames).hasSize(2);
    assertThat(frames.get(0).flags()).isZero();
    assertThat(dev.userapi.proto.v1.User.parseFrom(frames.get(0).payload()).getEmail())
        .isEqualTo(ada.email());
    assertThat(frames.get(1).flags()).isEqualTo(0x80);
    assertThat(frames.get(1).trailerMap()).containsEntry("grpc-status", "0");
  }

  @Test
  void grpcWebServerStreamingSendsAFramePerMessageAndTheTrailersLast() throws Exception {
    HttpResponse<byte[]> response =
        post(root, SERVICE + "StreamUsers", "application/grpc-web", frames(streamAll()));

    List<Frame> frames = parse(response.body());
    assertThat(frames).hasSize(3);
    assertThat(frames.subList(0, 2)).allSatisfy(f -> assertThat(f.flags()).isZero());
    assertThat(frames.get(2).trailers()).isTrue();
    assertThat(frames.get(2).trailerMap()).containsEntry("grpc-status", "0");
  }

  @Test
  void grpcWebTextEncodesEachFrameInBase64OnItsOwn() throws Exception {
    byte[] body = Base64.getEncoder().encode(frames(streamAll()));
    HttpResponse<byte[]> response =
        post(root, SERVICE + "StreamUsers", "application/grpc-web-text", body);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("application/grpc-web-text+proto");
    List<Frame> frames = WebWire.parseText(response.body());
    assertThat(frames).hasSize(3);
    assertThat(dev.userapi.proto.v1.User.parseFrom(frames.get(0).payload()).getName()).isNotEmpty();
    assertThat(frames.get(2).trailerMap()).containsEntry("grpc-status", "0");
  }

  @Test
  void grpcWebErrorBeforeAnyMessageIsTrailersOnlyWithTheSameDetailsAsNativeGrpc() throws Exception {
    HttpResponse<byte[]> response =
        post(root, SERVICE + "GetUser", "application/grpc-web+proto", frames(get(MISSING)));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
    assertThat(response.headers().firstValue("grpc-status")).hasValue("5");
    assertThat(response.headers().firstValue("grpc-message")).isPresent();
    com.google.rpc.Status details =
        details(response.headers().firstValue("grpc-status-details-bin").orElseThrow());
    assertThat(details.getCode()).isEqualTo(5);
    assertThat(details.getDetails(0).unpack(ErrorInfo.class).getReason()).isEqualTo("NOT_FOUND");
  }

  @Test
  void grpcWebInvalidArgumentCarriesBadRequestFieldViolations() throws Exception {
    CreateUserRequest bad =
        CreateUserRequest.newBuilder()
            .setUser(dev.userapi.proto.v1.User.newBuilder().setName("Bad").setEmail("not-an-email"))
            .build();
    HttpResponse<byte[]> response =
        post(root, SERVICE + "CreateUser", "application/grpc-web", frames(bad.toByteArray()));

    assertThat(response.headers().firstValue("grpc-status")).hasValue("3");
    com.google.rpc.Status details =
        details(response.headers().firstValue("grpc-status-details-bin").orElseThrow());
    BadRequest badRequest =
        details.getDetailsList().stream()
            .filter(a -> a.is(BadRequest.class))
            .findFirst()
            .orElseThrow()
            .unpack(BadRequest.class);
    assertThat(badRequest.getFieldViolationsList())
        .extracting(BadRequest.FieldViolation::getField)
        .anyMatch(f -> f.endsWith("email"));
  }

  @Test
  void grpcWebClientStreamingRunsHalfDuplexFromTheMessagesInTheBody() throws Exception {
    byte[] body =
        frames(
            batchItem("Batch One", "one@batch.web.example.com"),
            batchItem("Batch Two", "two@batch.web.example.com"),
            batchItem("No Email", ""));
    HttpResponse<byte[]> response =
        post(root, SERVICE + "BatchCreateUsers", "application/grpc-web+proto", body);

    List<Frame> frames = parse(response.body());
    assertThat(frames).hasSize(2);
    BatchCreateUsersResponse result = BatchCreateUsersResponse.parseFrom(frames.get(0).payload());
    assertThat(result.getCreatedCount()).isEqualTo(2);
    assertThat(result.getFailedCount()).isEqualTo(1);
    assertThat(frames.get(1).trailerMap()).containsEntry("grpc-status", "0");
  }

  @Test
  void requestHeadersArriveAsMetadataAndComeBackInHeadersAndTrailers() throws Exception {
    byte[] binary = {0, 1, 2, (byte) 0xFF};
    HttpResponse<byte[]> response =
        post(
            root,
            ECHO,
            "application/grpc-web+proto",
            frames(StringValue.of("hello").toByteArray()),
            "echo-text",
            "some value",
            "echo-bin",
            WebWire.base64(binary));

    assertThat(response.headers().firstValue("echo-text")).hasValue("some value");
    assertThat(Base64.getDecoder().decode(response.headers().firstValue("echo-bin").orElseThrow()))
        .isEqualTo(binary);
    List<Frame> frames = parse(response.body());
    assertThat(StringValue.parseFrom(frames.get(0).payload()).getValue()).isEqualTo("hello");
    assertThat(frames.get(1).trailerMap()).containsEntry("echo-trailer", "some value");
  }

  @Test
  void grpcTimeoutBecomesTheCallsDeadline() throws Exception {
    HttpResponse<byte[]> response =
        post(
            root,
            ECHO,
            "application/grpc-web+proto",
            frames(StringValue.of("deadline?").toByteArray()),
            "grpc-timeout",
            "1H");

    StringValue answer = StringValue.parseFrom(parse(response.body()).get(0).payload());
    long seconds = Long.parseLong(answer.getValue());
    assertThat(seconds).isBetween(3000L, 3600L);
  }

  @Test
  void aStreamPastItsDeadlineEndsWithDeadlineExceeded() throws Exception {
    // A watch never ends by itself.
    HttpResponse<byte[]> response =
        post(
            root,
            SERVICE + "WatchUsers",
            "application/grpc-web+proto",
            frames(WatchUsersRequest.newBuilder().setAfterSequence(0).build().toByteArray()),
            "grpc-timeout",
            "300m");

    List<Frame> frames = parse(response.body());
    assertThat(frames).isNotEmpty();
    assertThat(frames.get(frames.size() - 1).trailerMap()).containsEntry("grpc-status", "4");
  }

  @Test
  void aMessageOverTheLimitIsResourceExhausted() throws Exception {
    byte[] big = get("x".repeat(MAX_MESSAGE + 1));
    HttpResponse<byte[]> response =
        post(root, SERVICE + "GetUser", "application/grpc-web+proto", frames(big));

    assertThat(response.headers().firstValue("grpc-status")).hasValue("8");
  }

  @Test
  void aCompressedFrameIsRefusedAsUnimplemented() throws Exception {
    HttpResponse<byte[]> response =
        post(root, SERVICE + "GetUser", "application/grpc-web+proto", frame(1, get(ada.id())));

    assertThat(response.headers().firstValue("grpc-status")).hasValue("12");
  }

  // ---- Connect

  @Test
  void connectUnaryJsonIsTheMessageAsProtobufJson() throws Exception {
    HttpResponse<byte[]> response =
        post(
            root,
            SERVICE + "GetUser",
            "application/json",
            ("{\"id\":\"" + ada.id() + "\"}").getBytes(StandardCharsets.UTF_8),
            "Connect-Protocol-Version",
            "1");

    assertThat(response.statusCode())
        .as(new String(response.body(), StandardCharsets.UTF_8))
        .isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode user = JSON.readTree(response.body());
    assertThat(user.get("id").asText()).isEqualTo(ada.id());
    assertThat(user.get("email").asText()).isEqualTo(ada.email());
    assertThat(user.get("createTime").asText()).endsWith("Z");
  }

  @Test
  void connectUnaryProtoIsTheBareMessage() throws Exception {
    HttpResponse<byte[]> response =
        post(root, SERVICE + "GetUser", "application/proto", get(ada.id()));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/proto");
    assertThat(dev.userapi.proto.v1.User.parseFrom(response.body()).getId()).isEqualTo(ada.id());
  }

  @Test
  void connectErrorIsJsonWithCodeMessageDetailsAndTheCodesHttpStatus() throws Exception {
    HttpResponse<byte[]> response =
        post(
            root,
            SERVICE + "GetUser",
            "application/json",
            ("{\"id\":\"" + MISSING + "\"}").getBytes(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode error = JSON.readTree(response.body());
    assertThat(error.get("code").asText()).isEqualTo("not_found");
    assertThat(error.get("message").asText()).isNotEmpty();
    JsonNode detail = error.get("details").get(0);
    assertThat(detail.get("type").asText()).isEqualTo("google.rpc.ErrorInfo");
    assertThat(detail.get("value").asText()).doesNotEndWith("=");
    ErrorInfo info = ErrorInfo.parseFrom(Base64.getDecoder().decode(detail.get("value").asText()));
    assertThat(info.getReason()).isEqualTo("NOT_FOUND");
    assertThat(detail.get("debug").get("reason").asText()).isEqualTo("NOT_FOUND");
  }

  @Test
  void connectJsonThatIsNotTheRequestTypeIsInvalidArgument() throws Exception {
    HttpResponse<byte[]> response =
        post(
            root,
            SERVICE + "GetUser",
            "application/json",
            "{\"nope\":1}".getBytes(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(response.body()).get("code").asText()).isEqualTo("invalid_argument");
  }

  @Test
  void connectUnaryOverTheLimitIsResourceExhaustedWith429() throws Exception {
    byte[] body = ("{\"id\":\"" + "x".repeat(MAX_MESSAGE) + "\"}").getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> response = post(root, SERVICE + "GetUser", "application/json", body);

    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(JSON.readTree(response.body()).get("code").asText()).isEqualTo("resource_exhausted");
  }

  @Test
  void connectStreamingSendsEnvelopesThenTheEndOfStreamMessage() throws Exception {
    byte[] request =
        frame(0, "{\"filter\":{\"namePrefix\":\"A\"}}".getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> response =
        post(root, SERVICE + "StreamUsers", "application/connect+json", request);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/connect+json");
    List<Frame> frames = parse(response.body());
    assertThat(frames).hasSize(3);
    assertThat(JSON.readTree(frames.get(0).payload()).get("name").asText()).startsWith("A");
    assertThat(JSON.readTree(frames.get(1).payload()).get("name").asText()).startsWith("A");
    assertThat(frames.get(2).flags()).isEqualTo(0x02);
    assertThat(JSON.readTree(frames.get(2).payload()).has("error")).isFalse();
  }

  @Test
  void connectStreamingErrorIsInTheEndOfStreamMessage() throws Exception {
    byte[] request = frame(0, "{\"afterSequence\":\"0\"}".getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> response =
        post(
            root,
            SERVICE + "WatchUsers",
            "application/connect+json",
            request,
            "Connect-Timeout-Ms",
            "300");

    assertThat(response.statusCode()).isEqualTo(200);
    List<Frame> frames = parse(response.body());
    Frame end = frames.get(frames.size() - 1);
    assertThat(end.flags()).isEqualTo(0x02);
    assertThat(JSON.readTree(end.payload()).get("error").get("code").asText())
        .isEqualTo("deadline_exceeded");
  }

  @Test
  void connectUnaryContentTypeOnAStreamingMethodIsUnsupportedMediaType() throws Exception {
    HttpResponse<byte[]> response =
        post(
            root,
            SERVICE + "StreamUsers",
            "application/json",
            "{}".getBytes(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(415);
  }

  @Test
  void otherContentTypesOnAGrpcPathGoOnToTheRestApplication() throws Exception {
    HttpResponse<byte[]> response =
        post(root, SERVICE + "GetUser", "text/plain", "{}".getBytes(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
  }

  // ---- CORS

  @Test
  void aPreflightFromAnAllowedOriginIsAnswered() throws Exception {
    HttpResponse<byte[]> response = preflight("https://app.example.com");

    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin"))
        .hasValue("https://app.example.com");
    assertThat(response.headers().firstValue("Access-Control-Allow-Methods").orElse(""))
        .contains("POST");
    assertThat(response.headers().firstValue("Access-Control-Allow-Headers").orElse(""))
        .contains(
            "x-grpc-web",
            "grpc-timeout",
            "connect-protocol-version",
            "authorization",
            "content-type");
  }

  @Test
  void aPreflightFromAnotherOriginIsRefused() throws Exception {
    HttpResponse<byte[]> response = preflight("https://evil.example.com");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void responsesToAnAllowedOriginExposeTheStatusHeaders() throws Exception {
    HttpResponse<byte[]> allowed =
        post(
            root,
            SERVICE + "GetUser",
            "application/grpc-web+proto",
            frames(get(MISSING)),
            "Origin",
            "https://app.example.com");
    HttpResponse<byte[]> other =
        post(
            root,
            SERVICE + "GetUser",
            "application/grpc-web+proto",
            frames(get(MISSING)),
            "Origin",
            "https://evil.example.com");

    assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin"))
        .hasValue("https://app.example.com");
    assertThat(allowed.headers().firstValue("Access-Control-Expose-Headers").orElse(""))
        .contains("grpc-status", "grpc-message", "grpc-status-details-bin");
    assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  private static HttpResponse<byte[]> preflight(String origin) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(root.resolve(SERVICE + "GetUser"))
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "content-type,x-grpc-web")
            .build();
    return WebWire.HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  // ---- helpers

  private static byte[] get(String id) {
    return GetUserRequest.newBuilder().setId(id).build().toByteArray();
  }

  private static byte[] streamAll() {
    return StreamUsersRequest.newBuilder()
        .setFilter(UserFilter.newBuilder().setNamePrefix("A"))
        .build()
        .toByteArray();
  }

  private static byte[] batchItem(String name, String email) {
    return BatchCreateUsersRequest.newBuilder()
        .setUser(dev.userapi.proto.v1.User.newBuilder().setName(name).setEmail(email))
        .build()
        .toByteArray();
  }

  private static com.google.rpc.Status details(String base64) throws Exception {
    return com.google.rpc.Status.parseFrom(Base64.getDecoder().decode(base64));
  }

  /**
   * {@code test.Echo/Echo}: answers its request, or the seconds left before its deadline when asked
   * {@code deadline?}; request metadata named {@code echo-*} comes back in the response headers,
   * and {@code echo-text} once more in the trailers as {@code echo-trailer}.
   */
  private static ServerServiceDefinition echoService() {
    MethodDescriptor<StringValue, StringValue> echo =
        MethodDescriptor.<StringValue, StringValue>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("test.Echo/Echo")
            .setRequestMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
            .setResponseMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
            .build();
    ServerServiceDefinition definition =
        ServerServiceDefinition.builder("test.Echo")
            .addMethod(
                echo,
                ServerCalls.asyncUnaryCall(
                    (request, response) -> {
                      if (request.getValue().equals("deadline?")) {
                        long left = Context.current().getDeadline().timeRemaining(TimeUnit.SECONDS);
                        response.onNext(StringValue.of(Long.toString(left)));
                      } else {
                        response.onNext(request);
                      }
                      response.onCompleted();
                    }))
            .build();
    return ServerInterceptors.intercept(definition, new EchoMetadata());
  }

  private static final class EchoMetadata implements ServerInterceptor {
    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
      Metadata.Key<String> text = Metadata.Key.of("echo-text", Metadata.ASCII_STRING_MARSHALLER);
      Metadata.Key<byte[]> bin = Metadata.Key.of("echo-bin", Metadata.BINARY_BYTE_MARSHALLER);
      ServerCall<Q, A> echoing =
          new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void sendHeaders(Metadata responseHeaders) {
              if (headers.containsKey(text)) {
                responseHeaders.put(text, headers.get(text));
              }
              if (headers.containsKey(bin)) {
                responseHeaders.put(bin, headers.get(bin));
              }
              super.sendHeaders(responseHeaders);
            }

            @Override
            public void close(io.grpc.Status status, Metadata trailers) {
              if (headers.containsKey(text)) {
                trailers.put(
                    Metadata.Key.of("echo-trailer", Metadata.ASCII_STRING_MARSHALLER),
                    headers.get(text));
              }
              super.close(status, trailers);
            }
          };
      return next.startCall(echoing, headers);
    }
  }
}
