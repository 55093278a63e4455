package dev.userapi.server.web;

import static dev.userapi.server.web.WebWire.frames;
import static dev.userapi.server.web.WebWire.parse;
import static dev.userapi.server.web.WebWire.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.core.UserService;
import dev.userapi.proto.v1.StreamUsersRequest;
import dev.userapi.proto.v1.WatchUsersRequest;
import dev.userapi.server.UserServer;
import dev.userapi.server.web.WebWire.Frame;
import java.io.DataInputStream;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Web calls under the hosting's other rules: on a blocking store (calls on the gRPC worker pool,
 * responses written from those threads) and through the staged shutdown (an open watch ends
 * normally, as it does over native gRPC).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebProtocolsHostingTest {
  private static final String SERVICE = "/userapi.v1.UserService/";

  @Test
  void webCallsWorkWhenTheStoreBlocks() throws Exception {
    UserService users = DefaultUserService.inMemory();
    User ada = users.create(NewUser.of("Ada Lovelace", "ada@blocking.example.com", 36));
    for (int i = 0; i < 500; i++) {
      users.create(NewUser.of("User " + i, "user" + i + "@blocking.example.com", 30));
    }
    try (UserServer server = builder(users).blockingStore(true).build().start()) {
      HttpResponse<byte[]> get =
          post(
              server.restUri(),
              SERVICE + "GetUser",
              "application/json",
              ("{\"id\":\"" + ada.id() + "\"}").getBytes(StandardCharsets.UTF_8));
      assertThat(get.statusCode()).isEqualTo(200);
      assertThat(new ObjectMapper().readTree(get.body()).get("email").asText())
          .isEqualTo(ada.email());

      HttpResponse<byte[]> stream =
          post(
              server.restUri(),
              SERVICE + "StreamUsers",
              "application/grpc-web+proto",
              frames(StreamUsersRequest.getDefaultInstance().toByteArray()));
      List<Frame> frames = parse(stream.body());
      assertThat(frames).hasSize(502);
      assertThat(frames.get(501).trailerMap()).containsEntry("grpc-status", "0");
    }
  }

  @Test
  void anOpenWatchEndsNormallyWhenTheServerShutsDown() throws Exception {
    UserService users = DefaultUserService.inMemory();
    users.create(NewUser.of("Ada Lovelace", "ada@drain.example.com", 36));
    UserServer server = builder(users).gracePeriod(Duration.ofSeconds(10)).build().start();
    HttpRequest watch =
        HttpRequest.newBuilder(server.restUri().resolve(SERVICE + "WatchUsers"))
            .header("Content-Type", "application/grpc-web+proto")
            .POST(
                HttpRequest.BodyPublishers.ofByteArray(
                    frames(
                        WatchUsersRequest.newBuilder().setAfterSequence(0).build().toByteArray())))
            .build();
    HttpResponse<InputStream> response =
        WebWire.HTTP.send(watch, HttpResponse.BodyHandlers.ofInputStream());
    CompletableFuture<Void> stopped;
    try (DataInputStream in = new DataInputStream(response.body())) {
      assertThat(in.read()).as("the replayed event's frame").isZero();
      in.readNBytes(in.readInt());

      stopped = CompletableFuture.runAsync(server::close);
      byte[] rest = in.readAllBytes();
      List<Frame> frames = parse(rest);
      assertThat(frames).isNotEmpty();
      assertThat(frames.get(frames.size() - 1).trailerMap()).containsEntry("grpc-status", "0");
    }
    stopped.get(30, TimeUnit.SECONDS);
  }

  @Test
  void corsOriginsMustBeSchemeHostAndPortOrAStar() {
    UserServer.Builder builder = builder(DefaultUserService.inMemory());

    builder.corsAllowedOrigins("https://app.example.com", "http://localhost:3000", "*");
    assertThatThrownBy(() -> builder.corsAllowedOrigins("app.example.com"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("corsAllowedOrigins: app.example.com");
    assertThatThrownBy(() -> builder.corsAllowedOrigins("https://app.example.com/path"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static UserServer.Builder builder(UserService users) {
    return UserServer.builder(users).restPort(0).grpcPort(0).webProtocols(true);
  }
}
