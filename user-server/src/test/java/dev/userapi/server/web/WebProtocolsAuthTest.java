package dev.userapi.server.web;

import static dev.userapi.server.web.WebWire.frames;
import static dev.userapi.server.web.WebWire.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.userapi.core.Authenticator;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.Principal;
import dev.userapi.core.Scopes;
import dev.userapi.proto.v1.CreateUserRequest;
import dev.userapi.proto.v1.GetUserRequest;
import dev.userapi.server.UserServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bearer tokens and scopes apply to web calls as to native gRPC (the same interceptor): a missing
 * or unknown token is UNAUTHENTICATED, a token without the scope PERMISSION_DENIED, in each
 * protocol's own form.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebProtocolsAuthTest {
  private static final String SERVICE = "/userapi.v1.UserService/";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static UserServer server;

  @BeforeAll
  static void start() {
    server =
        UserServer.builder(DefaultUserService.inMemory())
            .restPort(0)
            .grpcPort(0)
            .blockingStore(false)
            .authenticator(
                Authenticator.staticTokens(
                    Map.of("reader-secret", new Principal("reader", Set.of(Scopes.READ)))))
            .webProtocols(true)
            .build()
            .start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void grpcWebWithoutATokenIsUnauthenticated() throws Exception {
    HttpResponse<byte[]> response =
        post(server.restUri(), SERVICE + "GetUser", "application/grpc-web+proto", frames(get()));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("grpc-status")).hasValue("16");
  }

  @Test
  void grpcWebWithATokenLackingTheScopeIsPermissionDenied() throws Exception {
    HttpResponse<byte[]> response =
        post(
            server.restUri(),
            SERVICE + "CreateUser",
            "application/grpc-web+proto",
            frames(CreateUserRequest.getDefaultInstance().toByteArray()),
            "Authorization",
            "Bearer reader-secret");

    assertThat(response.headers().firstValue("grpc-status")).hasValue("7");
  }

  @Test
  void grpcWebWithAGoodTokenIsServed() throws Exception {
    HttpResponse<byte[]> response =
        post(
            server.restUri(),
            SERVICE + "GetUser",
            "application/grpc-web+proto",
            frames(get()),
            "Authorization",
            "Bearer reader-secret");

    // Past authentication: the user simply does not exist.
    assertThat(response.headers().firstValue("grpc-status")).hasValue("5");
  }

  @Test
  void connectWithAnUnknownTokenIs401Unauthenticated() throws Exception {
    HttpResponse<byte[]> response =
        post(
            server.restUri(),
            SERVICE + "GetUser",
            "application/json",
            "{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8),
            "Authorization",
            "Bearer wrong");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(response.body()).get("code").asText()).isEqualTo("unauthenticated");
  }

  @Test
  void connectWithATokenLackingTheScopeIs403PermissionDenied() throws Exception {
    HttpResponse<byte[]> response =
        post(
            server.restUri(),
            SERVICE + "CreateUser",
            "application/json",
            "{\"user\":{\"name\":\"X\",\"email\":\"x@auth.example.com\"}}"
                .getBytes(StandardCharsets.UTF_8),
            "Authorization",
            "Bearer reader-secret");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(JSON.readTree(response.body()).get("code").asText()).isEqualTo("permission_denied");
  }

  private static byte[] get() {
    return GetUserRequest.newBuilder()
        .setId("01890000-0000-7000-8000-000000000000")
        .build()
        .toByteArray();
  }
}
