package dev.userapi.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.HealthStatus;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.core.UserException;
import dev.userapi.core.UserService;
import dev.userapi.proto.v1.CreateUserRequest;
import dev.userapi.proto.v1.UserServiceGrpc;
import io.grpc.CallCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link UserGrpcServer}: health, reflection, interceptors, limits, gzip and graceful shutdown. */
class UserGrpcServerTest {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private UserGrpcServer server;
  private ManagedChannel channel;

  @AfterEach
  void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdown(Duration.ofSeconds(5));
    }
  }

  private void start(UserGrpcServer.Builder builder) {
    server = builder.build().start();
    channel =
        Grpc.newChannelBuilder("127.0.0.1:" + server.port(), InsecureChannelCredentials.create())
            .build();
  }

  @Test
  void healthFollowsTheUserServiceAsRestDoes() {
    AtomicReference<HealthStatus> storeHealth = new AtomicReference<>(HealthStatus.NOT_SERVING);
    UserService users =
        new ForwardingUserService(DefaultUserService.inMemory()) {
          @Override
          public HealthStatus health() {
            HealthStatus now = storeHealth.get();
            if (now == null) {
              throw new IllegalStateException("the store's health check blew up");
            }
            return now;
          }
        };
    start(UserGrpcServer.builder(users).healthCheckInterval(Duration.ofMillis(50)));
    GrpcUserClient client = GrpcUserClient.builder().channel(channel).build();
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);

    // Asked at start: a service that is down is never reported SERVING.
    assertThat(client.health()).isEqualTo(HealthStatus.NOT_SERVING);
    assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
        .isEqualTo(ServingStatus.NOT_SERVING);

    storeHealth.set(HealthStatus.SERVING);
    await().atMost(Duration.ofSeconds(10)).until(client::health, s -> s == HealthStatus.SERVING);
    assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
        .isEqualTo(ServingStatus.SERVING);

    storeHealth.set(null); // a failing health check counts as NOT_SERVING
    await()
        .atMost(Duration.ofSeconds(10))
        .until(client::health, s -> s == HealthStatus.NOT_SERVING);
  }

  @Test
  void healthReportsServingForTheServerAndTheUserService() {
    start(UserGrpcServer.builder(DefaultUserService.inMemory()));
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);

    assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
        .isEqualTo(ServingStatus.SERVING);
    assertThat(
            health
                .check(HealthCheckRequest.newBuilder().setService("userapi.v1.UserService").build())
                .getStatus())
        .isEqualTo(ServingStatus.SERVING);
    assertThat(GrpcUserClient.builder().channel(channel).build().health())
        .isEqualTo(HealthStatus.SERVING);
  }

  @Test
  void reflectionListsTheUserService() throws Exception {
    start(UserGrpcServer.builder(DefaultUserService.inMemory()));
    CompletableFuture<ServerReflectionResponse> response = new CompletableFuture<>();

    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel).serverReflectionInfo(completing(response));
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    requests.onCompleted();

    assertThat(response.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList())
        .extracting(ServiceResponse::getName)
        .contains("userapi.v1.UserService", "grpc.health.v1.Health");
  }

  @Test
  void anInterceptorCanAuthenticateCallsAndTheClientCanSendCredentials() {
    start(
        UserGrpcServer.builder(DefaultUserService.inMemory())
            .intercept(new RequireToken("s3cret")));

    UserException anonymous =
        catchThrowableOfType(
            UserException.class,
            () ->
                GrpcUserClient.builder()
                    .channel(channel)
                    .build()
                    .create(NewUser.of("Ada", "ada@example.com")));
    User ada =
        GrpcUserClient.builder()
            .channel(channel)
            .callCredentials(new BearerToken("s3cret"))
            .build()
            .create(NewUser.of("Ada", "ada@example.com"));

    assertThat(anonymous.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
    assertThat(ada.name()).isEqualTo("Ada");
  }

  @Test
  void anOversizedRequestIsRejectedAndTheServerKeepsServing() {
    start(UserGrpcServer.builder(DefaultUserService.inMemory()).maxInboundMessageSize(1024));
    UserServiceGrpc.UserServiceBlockingStub stub = UserServiceGrpc.newBlockingStub(channel);
    CreateUserRequest huge =
        CreateUserRequest.newBuilder()
            .setUser(
                dev.userapi.proto.v1.User.newBuilder()
                    .setName("x".repeat(4096))
                    .setEmail("big@example.com"))
            .build();

    StatusRuntimeException e =
        catchThrowableOfType(StatusRuntimeException.class, () -> stub.createUser(huge));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(
            GrpcUserClient.builder()
                .channel(channel)
                .build()
                .create(NewUser.of("Ada", "ada@example.com"))
                .name())
        .isEqualTo("Ada");
  }

  @Test
  void gzipInBothDirectionsRoundTrips() {
    start(UserGrpcServer.builder(DefaultUserService.inMemory()).compressResponses(true));
    GrpcUserClient client = GrpcUserClient.builder().channel(channel).gzip(true).build();

    User ada = client.create(NewUser.of("Ada", "ada@example.com", 36));

    assertThat(client.get(ada.id())).isEqualTo(ada);
  }

  @Test
  void shutdownReportsNotServingBeforeItStopsServing() throws Exception {
    start(UserGrpcServer.builder(DefaultUserService.inMemory()));
    List<ServingStatus> seen = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> serving = new CompletableFuture<>();
    CompletableFuture<Void> notServing = new CompletableFuture<>();
    HealthGrpc.newStub(channel)
        .watch(
            HealthCheckRequest.newBuilder().setService("userapi.v1.UserService").build(),
            new StreamObserver<HealthCheckResponse>() {
              @Override
              public void onNext(HealthCheckResponse value) {
                seen.add(value.getStatus());
                if (value.getStatus() == ServingStatus.SERVING) {
                  serving.complete(null);
                }
                if (value.getStatus() == ServingStatus.NOT_SERVING) {
                  notServing.complete(null);
                }
              }

              @Override
              public void onError(Throwable t) {
                notServing.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {}
            });
    serving.get(10, TimeUnit.SECONDS);
    // The open watch is an in-flight call: shutdown drains it for up to the grace period.
    UserGrpcServer stopping = server;
    server = null;
    CompletableFuture<Void> stopped =
        CompletableFuture.runAsync(() -> stopping.shutdown(Duration.ofSeconds(2)));

    notServing.get(10, TimeUnit.SECONDS);
    stopped.get(20, TimeUnit.SECONDS);

    assertThat(seen).containsSubsequence(ServingStatus.SERVING, ServingStatus.NOT_SERVING);
  }

  private static <T> StreamObserver<T> completing(CompletableFuture<T> future) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        future.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        future.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {}
    };
  }

  /** Rejects calls without {@code authorization: Bearer <token>}. */
  private record RequireToken(String token) implements ServerInterceptor {
    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
      if (!("Bearer " + token).equals(headers.get(AUTHORIZATION))) {
        call.close(Status.UNAUTHENTICATED.withDescription("missing or bad token"), new Metadata());
        return new ServerCall.Listener<>() {};
      }
      return next.startCall(call, headers);
    }
  }

  private static final class BearerToken extends CallCredentials {
    private final String token;

    BearerToken(String token) {
      this.token = token;
    }

    @Override
    public void applyRequestMetadata(
        RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
      Metadata headers = new Metadata();
      headers.put(AUTHORIZATION, "Bearer " + token);
      applier.apply(headers);
    }
  }
}
