package dev.userapi.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.userapi.core.CreateResult;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.core.UserException;
import dev.userapi.core.UserQuery;
import dev.userapi.proto.v1.CreateUserRequest;
import dev.userapi.proto.v1.LookupUsersRequest;
import dev.userapi.proto.v1.LookupUsersResponse;
import dev.userapi.proto.v1.UserServiceGrpc;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Deadlines, the client-streaming and bidirectional calls, over Netty on loopback. */
class CallsTest {
  private final List<GrpcFixture> fixtures = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    fixtures.forEach(GrpcFixture::close);
  }

  private GrpcFixture start(GrpcFixture fixture) {
    fixtures.add(fixture);
    return fixture;
  }

  @Test
  void aCallPastItsDeadlineFailsWithDeadlineExceededAndCancelsTheServerWork() throws Exception {
    CountDownLatch serverSawCancel = new CountDownLatch(1);
    GrpcFixture fixture =
        start(
            GrpcFixture.netty(
                UserGrpcService.of(
                    new ForwardingUserService(DefaultUserService.inMemory()) {
                      @Override
                      public User get(String id) {
                        // Stands in for a slow store: returns only when the call is cancelled.
                        CountDownLatch cancelled = new CountDownLatch(1);
                        Context.current().addListener(c -> cancelled.countDown(), Runnable::run);
                        try {
                          cancelled.await();
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                        serverSawCancel.countDown();
                        throw new UserException(ErrorCode.UNAVAILABLE, "gave up");
                      }
                    }),
                Duration.ofMillis(300)));

    UserException e =
        catchThrowableOfType(
            UserException.class, () -> fixture.client.get("01890a5d-ac96-774b-bcce-b302099a8057"));

    assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
    assertThat(serverSawCancel.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void theCallersDeadlinePropagatesThroughAGrpcFrontToTheBackend() {
    AtomicReference<Deadline> backendDeadline = new AtomicReference<>();
    GrpcFixture backend =
        start(
            GrpcFixture.netty(
                new ForwardingUserService(DefaultUserService.inMemory()) {
                  @Override
                  public User create(NewUser newUser, String requestId) {
                    backendDeadline.set(Context.current().getDeadline());
                    return super.create(newUser, requestId);
                  }
                }));
    // The front's own client has a long deadline; the caller's shorter one must win.
    GrpcUserClient frontToBackend =
        GrpcUserClient.builder().channel(backend.channel).deadline(Duration.ofMinutes(10)).build();
    GrpcFixture front =
        start(GrpcFixture.netty(UserGrpcService.of(frontToBackend), Duration.ofSeconds(30)));

    User ada = front.client.create(NewUser.of("Ada", "ada@example.com"));

    assertThat(backend.client.get(ada.id())).isEqualTo(ada);
    assertThat(backendDeadline.get()).isNotNull();
    assertThat(backendDeadline.get().timeRemaining(TimeUnit.SECONDS)).isLessThanOrEqualTo(30);
  }

  @Test
  void unknownFieldsFromANewerClientAreIgnored() {
    GrpcFixture fixture = start(GrpcFixture.netty(DefaultUserService.inMemory()));
    UnknownFieldSet fromTheFuture =
        UnknownFieldSet.newBuilder()
            .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(42).build())
            .addField(
                100,
                UnknownFieldSet.Field.newBuilder()
                    .addLengthDelimited(ByteString.copyFromUtf8("x"))
                    .build())
            .build();
    CreateUserRequest request =
        CreateUserRequest.newBuilder()
            .setUser(
                dev.userapi.proto.v1.User.newBuilder()
                    .setName("Ada")
                    .setEmail("ada@example.com")
                    .setUnknownFields(fromTheFuture))
            .setUnknownFields(fromTheFuture)
            .build();

    dev.userapi.proto.v1.User created =
        UserServiceGrpc.newBlockingStub(fixture.channel).createUser(request);

    assertThat(created.getName()).isEqualTo("Ada");
    assertThat(fixture.client.get(created.getId()).email()).isEqualTo("ada@example.com");
  }

  @Test
  void aBatchOverTheServerLimitFailsWithResourceExhaustedAndCreatesNothing() {
    DefaultUserService users = DefaultUserService.inMemory();
    GrpcFixture fixture =
        start(
            GrpcFixture.netty(
                UserGrpcService.builder(users).maxBatchItems(3).build(), Duration.ofSeconds(10)));
    List<NewUser> four =
        IntStream.range(0, 4).mapToObj(i -> NewUser.of("U" + i, "u" + i + "@example.com")).toList();

    UserException e =
        catchThrowableOfType(UserException.class, () -> fixture.client.createAll(four));

    assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
    assertThat(users.list(UserQuery.firstPage(10)).items()).isEmpty();
  }

  @Test
  void aLargeBatchStreamsThroughAndReportsEveryItemInOrder() {
    GrpcFixture fixture = start(GrpcFixture.netty(DefaultUserService.inMemory()));
    List<NewUser> batch =
        IntStream.range(0, 5_000)
            .mapToObj(
                i -> i == 7 ? NewUser.of("", "bad") : NewUser.of("U" + i, "u" + i + "@example.com"))
            .toList();

    List<CreateResult> results = fixture.client.createAll(batch);

    assertThat(results).hasSize(5_000);
    assertThat(results)
        .extracting(CreateResult::index)
        .containsExactlyElementsOf(IntStream.range(0, 5_000).boxed().toList());
    assertThat(results.get(7).error().code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(results.get(7).error().violations())
        .extracting(v -> v.field())
        .containsExactlyInAnyOrder("name", "email");
    assertThat(results.stream().filter(CreateResult::succeeded)).hasSize(4_999);
  }

  @Test
  void aLookupSessionAnswersEveryIdAndEmailInOrder() throws Exception {
    GrpcFixture fixture = start(GrpcFixture.netty(DefaultUserService.inMemory()));
    User ada = fixture.client.create(NewUser.of("Ada", "ada@example.com"));
    User grace = fixture.client.create(NewUser.of("Grace", "grace@example.com"));
    List<LookupUsersResponse> answers = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();

    StreamObserver<LookupUsersRequest> requests =
        UserServiceGrpc.newStub(fixture.channel)
            .lookupUsers(
                new StreamObserver<>() {
                  @Override
                  public void onNext(LookupUsersResponse value) {
                    answers.add(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    done.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    done.complete(null);
                  }
                });
    requests.onNext(LookupUsersRequest.newBuilder().setId(ada.id()).build());
    requests.onNext(LookupUsersRequest.newBuilder().setEmail("GRACE@example.com").build());
    requests.onNext(
        LookupUsersRequest.newBuilder().setId("01890a5d-ac96-774b-bcce-b302099a8057").build());
    requests.onNext(LookupUsersRequest.newBuilder().setId("not-an-id").build());
    requests.onCompleted();
    done.get(10, TimeUnit.SECONDS);

    assertThat(answers).hasSize(4);
    assertThat(answers.get(0).getUser().getEmail()).isEqualTo("ada@example.com");
    assertThat(answers.get(0).getId()).isEqualTo(ada.id());
    assertThat(answers.get(1).getUser().getId()).isEqualTo(grace.id());
    assertThat(answers.get(1).getEmail()).isEqualTo("GRACE@example.com");
    assertThat(answers.get(2).getError().getCode()).isEqualTo(Status.Code.NOT_FOUND.value());
    assertThat(answers.get(3).getError().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
  }

  @Test
  void aLookupSessionReadsNoFurtherThanItCanAnswer() throws Exception {
    // The client stops reading answers; the server must stop reading requests soon after, so
    // the client's sends stop being ready instead of piling up on the server.
    GrpcFixture fixture = start(GrpcFixture.netty(DefaultUserService.inMemory()));
    CompletableFuture<Void> blocked = new CompletableFuture<>();
    AtomicReference<ClientCallStreamObserver<LookupUsersRequest>> call = new AtomicReference<>();
    long[] sent = {0};
    UserServiceGrpc.newStub(fixture.channel)
        .lookupUsers(
            new ClientResponseObserver<LookupUsersRequest, LookupUsersResponse>() {
              @Override
              public void beforeStart(ClientCallStreamObserver<LookupUsersRequest> requestStream) {
                call.set(requestStream);
                requestStream.disableAutoRequestWithInitial(0); // never read answers
                requestStream.setOnReadyHandler(
                    () -> {
                      while (requestStream.isReady() && sent[0] < 10_000_000) {
                        requestStream.onNext(
                            LookupUsersRequest.newBuilder()
                                .setEmail("x" + sent[0]++ + "@example.com")
                                .build());
                      }
                      if (!requestStream.isReady()) {
                        blocked.complete(null);
                      }
                    });
              }

              @Override
              public void onNext(LookupUsersResponse value) {}

              @Override
              public void onError(Throwable t) {
                blocked.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {}
            });

    blocked.get(30, TimeUnit.SECONDS);
    assertThat(sent[0]).isLessThan(10_000_000);
    call.get().cancel("done", null);
  }
}
