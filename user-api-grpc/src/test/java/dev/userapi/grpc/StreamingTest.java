package dev.userapi.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userapi.core.BlockingStream;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserException;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserQuery;
import dev.userapi.proto.v1.BatchCreateUsersRequest;
import dev.userapi.proto.v1.BatchCreateUsersResponse;
import dev.userapi.proto.v1.LookupUsersRequest;
import dev.userapi.proto.v1.LookupUsersResponse;
import dev.userapi.proto.v1.UserServiceGrpc;
import dev.userapi.testkit.GeneratedUsers;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Flow control and cancellation of the server streams, end to end over Netty on loopback. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StreamingTest {
  /**
   * The most users allowed between the store and the reader: HTTP/2 windows and socket buffers on
   * both sides (a few MiB at ~100 bytes a user) plus one request batch. Without flow control the
   * generator outruns the network by orders of magnitude more.
   */
  private static final long MAX_IN_FLIGHT = 100_000;

  private GrpcFixture fixture;

  /** Times the stalled streams; owned by the test, shut down after the server. */
  private final ScheduledExecutorService stallTimers = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() throws InterruptedException {
    if (fixture != null) {
      fixture.close();
    }
    stallTimers.shutdownNow();
    assertThat(stallTimers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void cancellingAStreamStopsTheReadOnTheServer() throws Exception {
    GeneratedUsers store = new GeneratedUsers(Long.MAX_VALUE);
    fixture = GrpcFixture.netty(store);

    try (BlockingStream<User> users =
        BlockingStream.of(fixture.client.stream(UserFilter.all()), 16)) {
      for (int i = 0; i < 100; i++) {
        assertThat(users.next().name()).isEqualTo("User " + i);
      }
    }

    assertThat(store.awaitClosed(Duration.ofSeconds(10))).as("server-side read closed").isTrue();
    long emittedAtClose = store.emitted();
    assertThat(emittedAtClose).isBetween(100L, MAX_IN_FLIGHT);
  }

  @Test
  void aSlowReaderOfAMillionUsersKeepsTheServerBounded() {
    long total = 1_000_000;
    GeneratedUsers store = new GeneratedUsers(total);
    fixture = GrpcFixture.netty(store);

    long consumed = 0;
    long maxInFlight = 0;
    try (BlockingStream<User> users =
        BlockingStream.of(fixture.client.stream(UserFilter.all()), 64)) {
      users.next();
      consumed++;
      // The reader stalls: the server must stop producing once the transport is full.
      store.awaitStall(Duration.ofSeconds(30));
      maxInFlight = store.emitted() - consumed;
      assertThat(maxInFlight).isLessThan(MAX_IN_FLIGHT);

      while (users.hasNext()) {
        users.next();
        consumed++;
        maxInFlight = Math.max(maxInFlight, store.emitted() - consumed);
      }
    }

    assertThat(consumed).isEqualTo(total);
    assertThat(store.emitted()).isEqualTo(total);
    assertThat(maxInFlight).isLessThan(MAX_IN_FLIGHT);
  }

  @Test
  void aStreamWhoseClientStopsReadingIsEndedAfterTheStallTimeout() throws Exception {
    GeneratedUsers store = new GeneratedUsers(Long.MAX_VALUE);
    fixture =
        GrpcFixture.netty(
            UserGrpcService.builder(store)
                .stalledStreamTimeout(Duration.ofMillis(500), stallTimers)
                .build(),
            Duration.ofSeconds(60));

    try (BlockingStream<User> users =
        BlockingStream.of(fixture.client.stream(UserFilter.all()), 16)) {
      users.next();
      // The reader stops; the server gives up on it and stops reading the store.
      assertThat(store.awaitClosed(Duration.ofSeconds(20))).as("server-side read closed").isTrue();

      // What was already on its way still arrives, then the reason the stream ended.
      long emitted = store.emitted();
      long received = 1;
      try {
        while (users.hasNext()) {
          users.next();
          received++;
        }
        throw new AssertionError("the stream ended normally");
      } catch (UserException e) {
        assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
        assertThat(e.getMessage()).contains("took no data");
      }
      assertThat(received).isLessThanOrEqualTo(emitted).isLessThan(MAX_IN_FLIGHT);
    }
  }

  @Test
  void aReaderThatPausesButKeepsReadingIsNotCutOffByTheStallTimeout() throws Exception {
    long total = 200_000;
    GeneratedUsers store = new GeneratedUsers(total);
    fixture =
        GrpcFixture.netty(
            UserGrpcService.builder(store)
                .stalledStreamTimeout(Duration.ofSeconds(2), stallTimers)
                .build(),
            Duration.ofSeconds(60));

    long consumed = 0;
    try (BlockingStream<User> users =
        BlockingStream.of(fixture.client.stream(UserFilter.all()), 64)) {
      while (users.hasNext()) {
        users.next();
        consumed++;
        if (consumed % 20_000 == 0) {
          // Ten pauses, each well under the timeout and together far over it: the timer must
          // restart each time the reader takes data again.
          Thread.sleep(300);
        }
      }
    }
    assertThat(consumed).isEqualTo(total);
  }

  @Test
  void aLookupSessionWhoseClientStopsReadingIsEndedAfterTheStallTimeout() throws Exception {
    AtomicLong lookups = new AtomicLong();
    UserGrpcService service =
        UserGrpcService.builder(
                new ForwardingUserService(DefaultUserService.inMemory()) {
                  @Override
                  public User get(String id) {
                    lookups.incrementAndGet();
                    return super.get(id);
                  }
                })
            .stalledStreamTimeout(Duration.ofMillis(500), stallTimers)
            .build();
    CompletableFuture<Status> closedByServer = new CompletableFuture<>();
    ServerInterceptor recordClose =
        new ServerInterceptor() {
          @Override
          public <Q, A> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
            return next.startCall(
                new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                  @Override
                  public void close(Status status, Metadata trailers) {
                    closedByServer.complete(status);
                    super.close(status, trailers);
                  }
                },
                headers);
          }
        };
    fixture =
        GrpcFixture.netty(
            () -> ServerInterceptors.intercept(service, recordClose), Duration.ofSeconds(60));
    CompletableFuture<Throwable> seenByClient = new CompletableFuture<>();
    AtomicReference<ClientCallStreamObserver<LookupUsersRequest>> call = new AtomicReference<>();
    StreamObserver<LookupUsersRequest> requests =
        UserServiceGrpc.newStub(fixture.channel)
            .lookupUsers(
                new ClientResponseObserver<LookupUsersRequest, LookupUsersResponse>() {
                  @Override
                  public void beforeStart(ClientCallStreamObserver<LookupUsersRequest> c) {
                    c.disableAutoRequestWithInitial(0); // takes no answer until told
                    call.set(c);
                  }

                  @Override
                  public void onNext(LookupUsersResponse answer) {}

                  @Override
                  public void onError(Throwable t) {
                    seenByClient.complete(t);
                  }

                  @Override
                  public void onCompleted() {
                    seenByClient.complete(null);
                  }
                });
    // Far more lookups than the answers that fit in the flow-control windows.
    int sent = 20_000;
    for (int i = 0; i < sent; i++) {
      requests.onNext(
          LookupUsersRequest.newBuilder().setId(new java.util.UUID(0, i).toString()).build());
    }

    // The answers back up, the server stops reading lookups, and after the timeout ends the call.
    Status status = closedByServer.get(20, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(status.getDescription()).contains("took no data");
    assertThat(lookups.get()).isBetween(1L, sent - 1L);
    // The client sees the same status once it reads what was sent before it.
    call.get().request(Integer.MAX_VALUE);
    Throwable error = seenByClient.get(20, TimeUnit.SECONDS);
    assertThat(Status.fromThrowable(error).getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
  }

  @Test
  void aBatchWhoseClientStopsSendingIsEndedAfterTheStallTimeoutAndCreatesNothing()
      throws Exception {
    DefaultUserService store = DefaultUserService.inMemory();
    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    StreamObserver<BatchCreateUsersRequest> batch =
        startBatch(store, Duration.ofMillis(500), ended);

    for (int i = 0; i < 3; i++) {
      batch.onNext(item(i));
    }
    // ...and then nothing, without completing.

    Throwable error = ended.get(20, TimeUnit.SECONDS);
    assertThat(Status.fromThrowable(error).getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(Status.fromThrowable(error).getDescription()).contains("sent nothing");
    assertThat(store.list(UserQuery.firstPage(10)).items()).isEmpty();
  }

  @Test
  void aBatchSentWithPausesShorterThanTheStallTimeoutIsCreated() throws Exception {
    DefaultUserService store = DefaultUserService.inMemory();
    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    StreamObserver<BatchCreateUsersRequest> batch = startBatch(store, Duration.ofSeconds(2), ended);

    // Ten pauses, each well under the timeout and together far over it.
    for (int i = 0; i < 10; i++) {
      batch.onNext(item(i));
      Thread.sleep(300);
    }
    batch.onCompleted();

    assertThat(ended.get(20, TimeUnit.SECONDS)).isNull();
    assertThat(store.list(UserQuery.firstPage(20)).items()).hasSize(10);
  }

  private static BatchCreateUsersRequest item(int i) {
    return BatchCreateUsersRequest.newBuilder()
        .setUser(
            dev.userapi.proto.v1.User.newBuilder()
                .setName("User " + i)
                .setEmail("user" + i + "@example.com"))
        .build();
  }

  /**
   * Serves {@code store} with {@code stallTimeout} and opens a BatchCreateUsers call to it, whose
   * end completes {@code ended}: with the error, or with null when it succeeds.
   */
  private StreamObserver<BatchCreateUsersRequest> startBatch(
      DefaultUserService store, Duration stallTimeout, CompletableFuture<Throwable> ended) {
    fixture =
        GrpcFixture.netty(
            UserGrpcService.builder(store).stalledStreamTimeout(stallTimeout, stallTimers).build(),
            Duration.ofSeconds(60));
    return UserServiceGrpc.newStub(fixture.channel).batchCreateUsers(endsInto(ended));
  }

  private static StreamObserver<BatchCreateUsersResponse> endsInto(
      CompletableFuture<Throwable> ended) {
    return new StreamObserver<>() {
      @Override
      public void onNext(BatchCreateUsersResponse summary) {}

      @Override
      public void onError(Throwable t) {
        ended.complete(t);
      }

      @Override
      public void onCompleted() {
        ended.complete(null);
      }
    };
  }

  @Test
  void aWatchEndsOnTheServerWhenTheClientCancels() throws Exception {
    CountDownLatch watchCancelled = new CountDownLatch(1);
    fixture =
        GrpcFixture.netty(
            new ForwardingUserService(DefaultUserService.inMemory()) {
              @Override
              public Flow.Publisher<UserEvent> watch(long afterSequence) {
                return observeCancel(super.watch(afterSequence), watchCancelled);
              }
            });

    try (BlockingStream<UserEvent> events = BlockingStream.of(fixture.client.watch(0))) {
      User ada = fixture.client.create(NewUser.of("Ada", "ada@example.com"));
      UserEvent event = events.next();
      assertThat(event.type()).isEqualTo(UserEvent.Type.CREATED);
      assertThat(event.user()).isEqualTo(ada);
      assertThat(watchCancelled.getCount()).isEqualTo(1);
    }

    assertThat(watchCancelled.await(10, TimeUnit.SECONDS))
        .as("server-side watch cancelled")
        .isTrue();
  }

  private static <T> Flow.Publisher<T> observeCancel(
      Flow.Publisher<T> publisher, CountDownLatch cancelled) {
    return subscriber ->
        publisher.subscribe(
            new Flow.Subscriber<T>() {
              @Override
              public void onSubscribe(Flow.Subscription s) {
                subscriber.onSubscribe(
                    new Flow.Subscription() {
                      @Override
                      public void request(long n) {
                        s.request(n);
                      }

                      @Override
                      public void cancel() {
                        cancelled.countDown();
                        s.cancel();
                      }
                    });
              }

              @Override
              public void onNext(T item) {
                subscriber.onNext(item);
              }

              @Override
              public void onError(Throwable throwable) {
                subscriber.onError(throwable);
              }

              @Override
              public void onComplete() {
                subscriber.onComplete();
              }
            });
  }
}
