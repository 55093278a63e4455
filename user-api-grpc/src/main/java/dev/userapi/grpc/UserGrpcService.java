package dev.userapi.grpc;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Empty;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.NewUser;
import dev.userapi.core.Page;
import dev.userapi.core.User;
import dev.userapi.core.UserException;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserQuery;
import dev.userapi.core.UserService;
import dev.userapi.grpc.internal.Durations;
import dev.userapi.grpc.internal.GrpcErrors;
import dev.userapi.grpc.internal.ProtoMapper;
import dev.userapi.grpc.internal.ServerStreamSubscriber;
import dev.userapi.grpc.internal.StallClock;
import dev.userapi.grpc.internal.StallTimeout;
import dev.userapi.grpc.internal.StrictParsing;
import dev.userapi.proto.v1.BatchCreateUsersRequest;
import dev.userapi.proto.v1.BatchCreateUsersResponse;
import dev.userapi.proto.v1.CreateUserRequest;
import dev.userapi.proto.v1.DeleteUserRequest;
import dev.userapi.proto.v1.GetUserRequest;
import dev.userapi.proto.v1.ListUsersRequest;
import dev.userapi.proto.v1.ListUsersResponse;
import dev.userapi.proto.v1.LookupUsersRequest;
import dev.userapi.proto.v1.LookupUsersResponse;
import dev.userapi.proto.v1.ReplaceUserRequest;
import dev.userapi.proto.v1.StreamUsersRequest;
import dev.userapi.proto.v1.UpdateUserRequest;
import dev.userapi.proto.v1.UserEvent;
import dev.userapi.proto.v1.UserServiceGrpc;
import dev.userapi.proto.v1.WatchUsersRequest;
import io.grpc.BindableService;
import io.grpc.Context;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * Serves any {@link UserService} as the {@code userapi.v1.UserService} gRPC service.
 *
 * <pre>{@code
 * Server server = Grpc.newServerBuilderForPort(9090, InsecureServerCredentials.create())
 *     .addService(UserGrpcService.of(DefaultUserService.inMemory()))
 *     .build()
 *     .start();
 * }</pre>
 *
 * <p>Failures become gRPC statuses per the DESIGN.md table, with {@code google.rpc.ErrorInfo}
 * (reason = {@link ErrorCode} name, domain {@code userapi.dev}) and, for invalid arguments, {@code
 * google.rpc.BadRequest} details; unexpected exceptions become a terse INTERNAL status carrying
 * only an error id, and are logged under that id.
 *
 * <p>Streams respect flow control: server streams produce only while the call is ready, and the
 * client-streaming and bidirectional calls read the next message only when the previous one has
 * been handled. Cancelled or expired calls cancel the work behind them, and with {@link
 * Builder#stalledStreamTimeout} so do server streams whose client stopped reading.
 *
 * <p>The service methods call the wrapped {@code UserService} on the server's executor, so a
 * blocking store (JDBC) is fine as long as that executor is not a transport event loop.
 *
 * <p>This is all an embedder needs: add it, with the interceptors of this package that you want
 * ({@link BearerAuthInterceptor}, {@link GrpcMetrics}, {@link GrpcTracing}, {@link
 * GrpcRequestLogging}), to any grpc-java {@code ServerBuilder}. For production hosting with health
 * checking, reflection, TLS, limits and a draining shutdown, use {@code user-server}'s {@code
 * UserServer}, which hosts this service.
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class UserGrpcService implements UserServiceGrpc.AsyncService, BindableService {
  /**
   * Default limit on the items of one BatchCreateUsers call; the service's own limit also applies.
   */
  public static final int DEFAULT_MAX_BATCH_ITEMS = DefaultUserService.DEFAULT_MAX_BATCH_SIZE;

  private final UserService users;
  private final int maxBatchItems;
  private final StallTimeout stallTimeout; // null: streams may stall for as long as the client

  private UserGrpcService(UserService users, int maxBatchItems, StallTimeout stallTimeout) {
    this.users = users;
    this.maxBatchItems = maxBatchItems;
    this.stallTimeout = stallTimeout;
  }

  /**
   * Serves {@code users} with the defaults: a batch limit of {@value #DEFAULT_MAX_BATCH_ITEMS}
   * items and no stalled-stream timeout. The same as {@code builder(users).build()}.
   *
   * @param users the service every call is passed to
   * @return a new service
   */
  public static UserGrpcService of(UserService users) {
    return builder(users).build();
  }

  /**
   * Starts configuring a service over {@code users}; see {@link #of(UserService)} for the defaults.
   *
   * @param users the service every call is passed to
   * @return a new builder
   */
  public static Builder builder(UserService users) {
    return new Builder(requireNonNull(users, "users"));
  }

  /**
   * Binds the service with strict request parsing: a request that is not a valid message of its
   * method fails with INVALID_ARGUMENT instead of gRPC's own {@code UNKNOWN}.
   */
  @Override
  public ServerServiceDefinition bindService() {
    return StrictParsing.wrap(UserServiceGrpc.bindService(this));
  }

  @Override
  public void createUser(CreateUserRequest request, StreamObserver<dev.userapi.proto.v1.User> out) {
    unary(
        out,
        () -> {
          String requestId = request.getRequestId().isEmpty() ? null : request.getRequestId();
          return ProtoMapper.toProto(
              users.create(ProtoMapper.toNewUser(request.getUser()), requestId));
        });
  }

  @Override
  public void getUser(GetUserRequest request, StreamObserver<dev.userapi.proto.v1.User> out) {
    unary(out, () -> ProtoMapper.toProto(users.get(request.getId())));
  }

  @Override
  public void updateUser(UpdateUserRequest request, StreamObserver<dev.userapi.proto.v1.User> out) {
    unary(
        out,
        () -> {
          dev.userapi.proto.v1.User user = request.getUser();
          return ProtoMapper.toProto(
              users.update(
                  user.getId(),
                  ProtoMapper.toUpdate(user, request.getUpdateMask()),
                  ProtoMapper.etagOrNull(user.getEtag())));
        });
  }

  @Override
  public void replaceUser(
      ReplaceUserRequest request, StreamObserver<dev.userapi.proto.v1.User> out) {
    unary(
        out,
        () -> {
          dev.userapi.proto.v1.User user = request.getUser();
          return ProtoMapper.toProto(
              users.replace(
                  user.getId(),
                  ProtoMapper.toNewUser(user),
                  ProtoMapper.etagOrNull(user.getEtag())));
        });
  }

  @Override
  public void deleteUser(DeleteUserRequest request, StreamObserver<Empty> out) {
    unary(
        out,
        () -> {
          users.delete(request.getId(), ProtoMapper.etagOrNull(request.getEtag()));
          return Empty.getDefaultInstance();
        });
  }

  @Override
  public void listUsers(ListUsersRequest request, StreamObserver<ListUsersResponse> out) {
    unary(out, () -> ProtoMapper.toProto(users.list(ProtoMapper.toDomain(request))));
  }

  @Override
  public void streamUsers(
      StreamUsersRequest request, StreamObserver<dev.userapi.proto.v1.User> out) {
    Flow.Publisher<User> matching;
    try {
      matching = users.stream(ProtoMapper.toDomain(request.getFilter()));
    } catch (RuntimeException e) {
      // A service may refuse at once instead of through the publisher.
      out.onError(GrpcErrors.toStatusException(e));
      return;
    }
    ServerStreamSubscriber.stream(
        matching,
        (ServerCallStreamObserver<dev.userapi.proto.v1.User>) out,
        ProtoMapper::toProto,
        stallTimeout);
  }

  @Override
  public void watchUsers(WatchUsersRequest request, StreamObserver<UserEvent> out) {
    Flow.Publisher<dev.userapi.core.UserEvent> events;
    try {
      events = users.watch(ProtoMapper.afterSequence(request));
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatusException(e));
      return;
    }
    ServerStreamSubscriber.stream(
        events, (ServerCallStreamObserver<UserEvent>) out, ProtoMapper::toProto, stallTimeout);
  }

  @Override
  public StreamObserver<BatchCreateUsersRequest> batchCreateUsers(
      StreamObserver<BatchCreateUsersResponse> out) {
    ServerCallStreamObserver<BatchCreateUsersResponse> call =
        (ServerCallStreamObserver<BatchCreateUsersResponse>) out;
    call.disableAutoRequest();
    call.request(1);
    return new BatchCreateReader(call);
  }

  @Override
  public StreamObserver<LookupUsersRequest> lookupUsers(StreamObserver<LookupUsersResponse> out) {
    ServerCallStreamObserver<LookupUsersResponse> call =
        (ServerCallStreamObserver<LookupUsersResponse>) out;
    call.disableAutoRequest();
    LookupSession session = new LookupSession(call);
    call.setOnReadyHandler(session::onReady);
    call.setOnCancelHandler(session::onCancel);
    call.request(1);
    return session;
  }

  private static <T> void unary(StreamObserver<T> out, Supplier<T> work) {
    if (Context.current().isCancelled()) {
      // The caller gave up (cancel or deadline) before we started: do not do the work.
      out.onError(
          Status.CANCELLED
              .withDescription("call cancelled before it started")
              .asRuntimeException());
      return;
    }
    T response;
    try {
      response = work.get();
    } catch (RuntimeException e) {
      out.onError(GrpcErrors.toStatusException(e));
      return;
    }
    out.onNext(response);
    out.onCompleted();
  }

  /**
   * Reads the items of one BatchCreateUsers call one message at a time, then creates them in one
   * {@link UserService#createAll} call so the batch has the same semantics as a local one. With a
   * stall timeout, a call whose client sends nothing for that long is ended and its items dropped:
   * one timer per call, which checks the time of the last message when it fires. Call signals run
   * on the call's serialising executor, the timer on its scheduler: both hold this reader's lock
   * while they touch the call, except for the create itself, which runs after the reader is done.
   */
  private final class BatchCreateReader implements StreamObserver<BatchCreateUsersRequest> {
    private final ServerCallStreamObserver<BatchCreateUsersResponse> call;
    private final List<NewUser> items = new ArrayList<>();
    private volatile boolean done; // written under this reader's lock: failed, cancelled, ended
    // Progress is a message received; the clock runs until the client completes the batch.
    private final StallClock silence = new StallClock(stallTimeout, () -> !done, this::silent);

    BatchCreateReader(ServerCallStreamObserver<BatchCreateUsersResponse> call) {
      this.call = call;
      silence.start();
    }

    @Override
    public synchronized void onNext(BatchCreateUsersRequest request) {
      if (done) {
        return;
      }
      silence.progress();
      if (items.size() == maxBatchItems) {
        finish();
        call.onError(
            GrpcErrors.toStatusException(
                new UserException(
                    ErrorCode.RESOURCE_EXHAUSTED,
                    "batch exceeds the limit of " + maxBatchItems + " users")));
        return;
      }
      items.add(ProtoMapper.toNewUser(request.getUser()));
      call.request(1);
    }

    @Override
    public synchronized void onError(Throwable error) {
      // The client cancelled or went away: nothing was created, nothing to answer.
      finish();
    }

    @Override
    public void onCompleted() {
      List<NewUser> batch;
      synchronized (this) {
        if (done) {
          return;
        }
        batch = List.copyOf(items);
        finish();
      }
      unary(call, () -> ProtoMapper.toProto(users.createAll(batch)));
    }

    /** Marks the reader done, drops the items and stops the timer. Holds the lock. */
    private void finish() {
      done = true;
      items.clear();
      silence.stop();
    }

    private synchronized void silent() {
      if (done || !silence.expired()) {
        return;
      }
      finish();
      call.onError(stallTimeout.sentNothing());
    }
  }

  /**
   * Answers the lookups of one LookupUsers call in order. It reads the next request only after
   * answering the previous one and only while the call can take more output, so neither side
   * buffers without bound; with a stall timeout, a call that stays unable to take output that long
   * is ended. Call signals run on the call's serialising executor, the stall timer on its
   * scheduler: both hold this session's lock while they touch the call.
   */
  private final class LookupSession implements StreamObserver<LookupUsersRequest> {
    private final ServerCallStreamObserver<LookupUsersResponse> call;
    private boolean wantsInput; // guarded by this
    private volatile boolean finished; // written under this session's lock
    private final StallClock stall;

    LookupSession(ServerCallStreamObserver<LookupUsersResponse> call) {
      this.call = call;
      // Progress is the call becoming ready; the clock runs while answers wait for the client.
      this.stall = new StallClock(stallTimeout, () -> !finished && !call.isReady(), this::stalled);
    }

    @Override
    public synchronized void onNext(LookupUsersRequest request) {
      if (finished) {
        return;
      }
      call.onNext(answer(request));
      if (call.isReady()) {
        call.request(1);
      } else {
        wantsInput = true;
        stall.start();
      }
    }

    synchronized void onReady() {
      stall.progress();
      stall.stop();
      if (wantsInput && !finished) {
        wantsInput = false;
        call.request(1);
      }
    }

    synchronized void onCancel() {
      finished = true;
      stall.stop();
    }

    @Override
    public synchronized void onError(Throwable error) {
      finished = true;
      stall.stop();
    }

    @Override
    public synchronized void onCompleted() {
      if (!finished) {
        finished = true;
        stall.stop();
        call.onCompleted();
      }
    }

    private synchronized void stalled() {
      if (finished || call.isReady() || !stall.expired()) {
        return;
      }
      finished = true;
      call.onError(stallTimeout.exceeded());
    }

    private LookupUsersResponse answer(LookupUsersRequest request) {
      LookupUsersResponse.Builder response = LookupUsersResponse.newBuilder();
      try {
        User user =
            switch (request.getKeyCase()) {
              case ID -> {
                response.setId(request.getId());
                yield users.get(request.getId());
              }
              case EMAIL -> {
                response.setEmail(request.getEmail());
                yield byEmail(request.getEmail());
              }
              case KEY_NOT_SET -> throw UserException.invalidArgument("key", "set id or email");
            };
        response.setUser(ProtoMapper.toProto(user));
      } catch (RuntimeException e) {
        response.setError(GrpcErrors.toRpcStatus(e));
      }
      return response.build();
    }

    private User byEmail(String email) {
      Page<User> page =
          users.list(UserQuery.firstPage(UserFilter.builder().email(email).build(), 1));
      if (page.items().isEmpty()) {
        throw new UserException(ErrorCode.NOT_FOUND, "no user has this email");
      }
      return page.items().get(0);
    }
  }

  /** Configures a {@link UserGrpcService}. Not thread-safe. */
  public static final class Builder {
    private final UserService users;
    private int maxBatchItems = DEFAULT_MAX_BATCH_ITEMS;
    private StallTimeout stallTimeout;

    private Builder(UserService users) {
      this.users = users;
    }

    /**
     * The most items one BatchCreateUsers call may carry; {@value
     * UserGrpcService#DEFAULT_MAX_BATCH_ITEMS} by default. A call with more fails with
     * RESOURCE_EXHAUSTED before anything is created, which bounds the memory one call may hold.
     *
     * @param maxBatchItems the limit, at least 1
     * @return this builder
     * @throws IllegalArgumentException when {@code maxBatchItems} is below 1
     */
    public Builder maxBatchItems(int maxBatchItems) {
      if (maxBatchItems < 1) {
        throw new IllegalArgumentException("maxBatchItems: " + maxBatchItems + " (expected: >= 1)");
      }
      this.maxBatchItems = maxBatchItems;
      return this;
    }

    /**
     * Ends a StreamUsers, WatchUsers or LookupUsers call with DEADLINE_EXCEEDED, and stops the work
     * behind it, when its client has taken no data for {@code timeout} although the stream had more
     * to send (the call stayed not ready); and a BatchCreateUsers call whose client has sent
     * nothing for {@code timeout}, creating nothing. Without it, which is the default, a client
     * that never reads holds its stream, a flow-control window of buffered messages and the store's
     * cursor until it goes away or its deadline passes, and one that stops sending holds its items.
     *
     * <p>A slow reader is not cut off as long as it takes some data within the timeout: the timer
     * restarts each time the call becomes ready again, which happens once the client has taken
     * about a flow-control window (64 KiB by default, a few hundred users). Choose a timeout longer
     * than the slowest legitimate reader needs for that.
     *
     * <p>The timers run on {@code scheduler}, which the caller owns and shuts down after the
     * server: at most one short task per open call, cancelled when the client makes progress (a
     * {@link java.util.concurrent.ScheduledThreadPoolExecutor} with {@code
     * setRemoveOnCancelPolicy(true)} keeps no cancelled ones). The service starts no thread of its
     * own, so without a scheduler there is no stall timeout. {@code user-server} always sets one.
     *
     * @param timeout a positive duration
     * @param scheduler runs the timers; owned by the caller
     * @return this builder
     * @throws IllegalArgumentException when {@code timeout} is not positive
     */
    public Builder stalledStreamTimeout(Duration timeout, ScheduledExecutorService scheduler) {
      this.stallTimeout =
          new StallTimeout(
              Durations.requirePositive(timeout, "timeout"),
              requireNonNull(scheduler, "scheduler"));
      return this;
    }

    /**
     * Builds the service.
     *
     * @return the service
     */
    public UserGrpcService build() {
      return new UserGrpcService(users, maxBatchItems, stallTimeout);
    }
  }
}
