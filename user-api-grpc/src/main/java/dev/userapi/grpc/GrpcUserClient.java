package dev.userapi.grpc;

import static java.util.Objects.requireNonNull;

import dev.userapi.core.CreateResult;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.HealthStatus;
import dev.userapi.core.NewUser;
import dev.userapi.core.Page;
import dev.userapi.core.User;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserException;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserQuery;
import dev.userapi.core.UserService;
import dev.userapi.core.UserUpdate;
import dev.userapi.grpc.internal.ClientStreamPublisher;
import dev.userapi.grpc.internal.Durations;
import dev.userapi.grpc.internal.GrpcErrors;
import dev.userapi.grpc.internal.ProtoMapper;
import dev.userapi.grpc.internal.RetryServiceConfig;
import dev.userapi.proto.v1.BatchCreateUserResult;
import dev.userapi.proto.v1.BatchCreateUsersRequest;
import dev.userapi.proto.v1.BatchCreateUsersResponse;
import dev.userapi.proto.v1.CreateUserRequest;
import dev.userapi.proto.v1.DeleteUserRequest;
import dev.userapi.proto.v1.GetUserRequest;
import dev.userapi.proto.v1.ReplaceUserRequest;
import dev.userapi.proto.v1.StreamUsersRequest;
import dev.userapi.proto.v1.UpdateUserRequest;
import dev.userapi.proto.v1.UserServiceGrpc;
import io.grpc.CallCredentials;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A {@link UserService} that calls a remote {@code userapi.v1.UserService} over gRPC.
 *
 * <pre>{@code
 * try (GrpcUserClient users = GrpcUserClient.connect("localhost:9090")) {
 *   User ada = users.create(NewUser.of("Ada", "ada@example.com", 36));
 * }
 * }</pre>
 *
 * <p>Failures arrive as the same {@link UserException} (code, message, field violations) that the
 * server side raised. Request-response calls ({@code create}, {@code get}, ..., {@code createAll},
 * {@code health}) carry a deadline (10 seconds unless {@linkplain Builder#deadline configured});
 * streams have none and last until they end or are cancelled. Inside a gRPC server call, the
 * caller's deadline and cancellation propagate too. Streams are cold {@link Flow.Publisher}s: each
 * subscription is one call, its demand is the call's inbound flow control, and cancelling the
 * subscription cancels the call.
 *
 * <p><b>Retries.</b> A client built from a {@linkplain Builder#target target} retries a call that
 * failed with {@code UNAVAILABLE} up to {@linkplain Builder#maxAttempts three attempts} in all,
 * with a short exponential backoff inside the call's deadline, but only where repeating the call
 * cannot change the outcome: {@code get}, {@code list}, {@code stream}, {@code watch} (before the
 * first item), {@code replace} and {@code delete}. {@code create}, {@code createAll} and {@code
 * update} are never retried: when the answer to a create is lost the user may exist or not, and
 * only the caller can tell a retry from a second user. To retry a create safely, pass the same
 * {@code requestId} to {@link #create(NewUser, String)} again: the server then returns the user the
 * first attempt created. {@code update} is left out to match the REST client, which never repeats a
 * PATCH: a field-mask update only sets fields to values, so it is idempotent today, but keeping the
 * rule per kind of method means no later kind of partial update becomes unsafe to repeat unnoticed.
 * gRPC's own transparent retry (of a call that never reached the server's application) applies to
 * every method. A service config from the name resolver replaces this policy; a client built from a
 * {@linkplain Builder#channel channel} uses that channel's configuration as it is.
 *
 * <p><b>Compression.</b> Requests are gzipped only if {@linkplain Builder#compressRequests asked};
 * responses the server compressed are always accepted and decoded (gRPC advertises gzip).
 *
 * <p>Thread-safe, and meant to be shared: create one per target, not one per call. {@link #close()}
 * shuts down the channel only if this client created it.
 *
 * @since 0.1.0
 */
public final class GrpcUserClient implements UserService, AutoCloseable {
  private static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);

  private final ManagedChannel ownedChannel;
  private final Duration deadline;
  private final UserServiceGrpc.UserServiceBlockingStub blockingStub;
  private final UserServiceGrpc.UserServiceStub asyncStub;
  private final HealthGrpc.HealthBlockingStub healthStub;

  private GrpcUserClient(Builder builder, Channel transport, ManagedChannel ownedChannel) {
    Channel channel = ClientInterceptors.interceptForward(transport, builder.interceptors);
    this.ownedChannel = ownedChannel;
    this.deadline = builder.deadline;
    this.blockingStub = configure(UserServiceGrpc.newBlockingStub(channel), builder);
    this.asyncStub = configure(UserServiceGrpc.newStub(channel), builder);
    this.healthStub = configure(HealthGrpc.newBlockingStub(channel), builder);
  }

  private static <S extends AbstractStub<S>> S configure(S stub, Builder builder) {
    S configured = stub;
    if (builder.callCredentials != null) {
      configured = configured.withCallCredentials(builder.callCredentials);
    }
    if (builder.compressRequests) {
      configured = configured.withCompression("gzip");
    }
    return configured;
  }

  /**
   * A client of the server at {@code target} ({@code "host:port"} or any gRPC target URI), in
   * plaintext.
   *
   * @param target where the server listens
   * @return a client that owns its channel; close it to shut the channel down
   */
  public static GrpcUserClient connect(String target) {
    return builder().target(target).build();
  }

  /**
   * Starts configuring a client; set a {@link Builder#channel} or a {@link Builder#target}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public User create(NewUser newUser, String requestId) {
    requireNonNull(newUser, "newUser");
    CreateUserRequest.Builder request =
        CreateUserRequest.newBuilder().setUser(ProtoMapper.toProto(newUser));
    if (requestId != null) {
      request.setRequestId(requestId);
    }
    return call(() -> ProtoMapper.toDomain(blocking().createUser(request.build())));
  }

  @Override
  public User get(String id) {
    GetUserRequest request = GetUserRequest.newBuilder().setId(nullToEmpty(id)).build();
    return call(() -> ProtoMapper.toDomain(blocking().getUser(request)));
  }

  @Override
  public User update(String id, UserUpdate update, String expectedEtag) {
    requireNonNull(update, "update");
    UpdateUserRequest request =
        UpdateUserRequest.newBuilder()
            .setUser(ProtoMapper.toProto(nullToEmpty(id), update, expectedEtag))
            .setUpdateMask(ProtoMapper.toMask(update))
            .build();
    return call(() -> ProtoMapper.toDomain(blocking().updateUser(request)));
  }

  @Override
  public User replace(String id, NewUser replacement, String expectedEtag) {
    requireNonNull(replacement, "replacement");
    dev.userapi.proto.v1.User.Builder user =
        ProtoMapper.toProto(replacement).toBuilder().setId(nullToEmpty(id));
    if (expectedEtag != null) {
      user.setEtag(expectedEtag);
    }
    ReplaceUserRequest request = ReplaceUserRequest.newBuilder().setUser(user).build();
    return call(() -> ProtoMapper.toDomain(blocking().replaceUser(request)));
  }

  @Override
  public void delete(String id, String expectedEtag) {
    DeleteUserRequest.Builder request = DeleteUserRequest.newBuilder().setId(nullToEmpty(id));
    if (expectedEtag != null) {
      request.setEtag(expectedEtag);
    }
    call(() -> blocking().deleteUser(request.build()));
  }

  @Override
  public Page<User> list(UserQuery query) {
    requireNonNull(query, "query");
    return call(() -> ProtoMapper.toDomain(blocking().listUsers(ProtoMapper.toProto(query))));
  }

  @Override
  public Flow.Publisher<User> stream(UserFilter filter) {
    requireNonNull(filter, "filter");
    StreamUsersRequest request =
        StreamUsersRequest.newBuilder().setFilter(ProtoMapper.toProto(filter)).build();
    return new ClientStreamPublisher<dev.userapi.proto.v1.User, User>(
        observer -> asyncStub.streamUsers(request, observer), ProtoMapper::toDomain);
  }

  @Override
  public Flow.Publisher<UserEvent> watch(long afterSequence) {
    var request = ProtoMapper.toWatchRequest(afterSequence);
    return new ClientStreamPublisher<dev.userapi.proto.v1.UserEvent, UserEvent>(
        observer -> asyncStub.watchUsers(request, observer), ProtoMapper::toDomain);
  }

  /**
   * Creates many users in one client-streaming call. Items are sent only as fast as the transport
   * takes them (the call's readiness), so a long list does not pile up in memory.
   */
  @Override
  public List<CreateResult> createAll(List<NewUser> newUsers) {
    requireNonNull(newUsers, "newUsers");
    BatchUpload upload = new BatchUpload(newUsers);
    asyncStub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS).batchCreateUsers(upload);
    BatchCreateUsersResponse response;
    try {
      response = upload.result.get();
    } catch (InterruptedException e) {
      upload.cancel();
      Thread.currentThread().interrupt();
      throw new UserException(ErrorCode.UNAVAILABLE, "interrupted while creating users");
    } catch (ExecutionException e) {
      throw GrpcErrors.toUserException(e.getCause());
    }
    List<CreateResult> results = new ArrayList<>(response.getResultsCount());
    for (BatchCreateUserResult result : response.getResultsList()) {
      results.add(ProtoMapper.toDomain(result));
    }
    return results;
  }

  /**
   * Asks the server's {@code grpc.health.v1} service about {@code userapi.v1.UserService}. A server
   * without a health service counts as serving when it answers at all.
   */
  @Override
  public HealthStatus health() {
    try {
      HealthCheckResponse response =
          healthStub
              .withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS)
              .check(
                  HealthCheckRequest.newBuilder().setService(UserServiceGrpc.SERVICE_NAME).build());
      return response.getStatus() == HealthCheckResponse.ServingStatus.SERVING
          ? HealthStatus.SERVING
          : HealthStatus.NOT_SERVING;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode() == Status.Code.UNIMPLEMENTED
          ? HealthStatus.SERVING
          : HealthStatus.NOT_SERVING;
    }
  }

  /**
   * Shuts down the channel if this client created it (waiting up to 5 seconds); otherwise nothing.
   */
  @Override
  public void close() {
    if (ownedChannel == null) {
      return;
    }
    ownedChannel.shutdown();
    try {
      if (!ownedChannel.awaitTermination(5, TimeUnit.SECONDS)) {
        ownedChannel.shutdownNow();
      }
    } catch (InterruptedException e) {
      ownedChannel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private UserServiceGrpc.UserServiceBlockingStub blocking() {
    return blockingStub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
  }

  private static <T> T call(Supplier<T> rpc) {
    try {
      return rpc.get();
    } catch (StatusRuntimeException e) {
      throw GrpcErrors.toUserException(e);
    }
  }

  private static String nullToEmpty(String value) {
    return value == null ? "" : value;
  }

  /**
   * Sends the items of one createAll as the transport becomes ready, then waits for the summary.
   */
  private static final class BatchUpload
      implements ClientResponseObserver<BatchCreateUsersRequest, BatchCreateUsersResponse> {
    final CompletableFuture<BatchCreateUsersResponse> result = new CompletableFuture<>();
    private final List<NewUser> items;
    private ClientCallStreamObserver<BatchCreateUsersRequest> call;
    private int next;
    private boolean halfClosed;

    BatchUpload(List<NewUser> items) {
      this.items = items;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<BatchCreateUsersRequest> requestStream) {
      this.call = requestStream;
      requestStream.setOnReadyHandler(this::sendWhileReady);
    }

    // Runs on the call's serialising executor, once when the call starts and whenever it drains.
    private void sendWhileReady() {
      while (!halfClosed && call.isReady() && next < items.size()) {
        NewUser item = items.get(next++);
        BatchCreateUsersRequest.Builder request = BatchCreateUsersRequest.newBuilder();
        if (item != null) {
          request.setUser(ProtoMapper.toProto(item));
        }
        call.onNext(request.build());
      }
      if (!halfClosed && next == items.size()) {
        halfClosed = true;
        call.onCompleted();
      }
    }

    void cancel() {
      call.cancel("interrupted", null);
    }

    @Override
    public void onNext(BatchCreateUsersResponse value) {
      result.complete(value);
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      // The single response already completed the result.
    }
  }

  /**
   * Configures a {@link GrpcUserClient}: set exactly one of {@link #channel} and {@link #target}.
   * Not thread-safe.
   */
  public static final class Builder {
    private Channel channel;
    private String target;
    private ChannelCredentials channelCredentials = InsecureChannelCredentials.create();
    private CallCredentials callCredentials;
    private Duration deadline = DEFAULT_DEADLINE;
    private boolean compressRequests;
    private int maxAttempts = RetryServiceConfig.DEFAULT_MAX_ATTEMPTS;
    private final List<ClientInterceptor> interceptors = new ArrayList<>();

    private Builder() {}

    /**
     * Calls over {@code channel}, which the caller owns and closes.
     *
     * @param channel the channel; closing the client leaves it open
     * @return this builder
     */
    public Builder channel(Channel channel) {
      this.channel = requireNonNull(channel, "channel");
      return this;
    }

    /**
     * Calls over a new channel to {@code target}, owned and closed by the client.
     *
     * @param target {@code "host:port"} or any gRPC target URI
     * @return this builder
     */
    public Builder target(String target) {
      this.target = requireNonNull(target, "target");
      return this;
    }

    /**
     * Transport credentials of the channel created for {@link #target}; plaintext by default.
     *
     * @param credentials the credentials, for example TLS
     * @return this builder
     */
    public Builder channelCredentials(ChannelCredentials credentials) {
      this.channelCredentials = requireNonNull(credentials, "credentials");
      return this;
    }

    /**
     * Credentials attached to every call (a bearer token, say).
     *
     * @param credentials the credentials; replaces any set before
     * @return this builder
     */
    public Builder callCredentials(CallCredentials credentials) {
      this.callCredentials = requireNonNull(credentials, "credentials");
      return this;
    }

    /**
     * Sends {@code token} as a bearer token with every call; see {@link BearerToken}.
     *
     * @param token the bearer token, without the {@code Bearer} prefix
     * @return this builder
     * @throws IllegalArgumentException when {@code token} is blank
     */
    public Builder bearerToken(String token) {
      return callCredentials(new BearerToken(token));
    }

    /**
     * The deadline of each request-response call; 10 seconds by default. A call that exceeds it
     * fails with DEADLINE_EXCEEDED.
     *
     * @param deadline the deadline, positive
     * @return this builder
     * @throws IllegalArgumentException when {@code deadline} is zero or negative
     */
    public Builder deadline(Duration deadline) {
      this.deadline = Durations.requirePositive(deadline, "deadline");
      return this;
    }

    /**
     * Whether to gzip request messages ({@code grpc-encoding: gzip}); off by default. Responses the
     * server compressed are decoded either way.
     *
     * @param compressRequests true to compress requests
     * @return this builder
     */
    public Builder compressRequests(boolean compressRequests) {
      this.compressRequests = compressRequests;
      return this;
    }

    /**
     * Attempts per idempotent call, the first included, on the channel created for {@link #target}:
     * 3 by default, 1 turns retries off. A call is repeated after {@code UNAVAILABLE}, with backoff
     * from 50 ms, inside its deadline; which calls count as idempotent is in the {@linkplain
     * GrpcUserClient class description}. With 1 the channel has no retry policy: only gRPC's
     * transparent retry of calls that never reached the server remains. Ignored for a {@link
     * #channel} given by the caller: its retry configuration is the caller's.
     *
     * @param maxAttempts attempts per idempotent call, at least 1
     * @return this builder
     * @throws IllegalArgumentException when {@code maxAttempts} is below 1
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: >= 1)");
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * Adds an interceptor to every call of the client, for example {@link
     * GrpcTracing#clientInterceptor}. Interceptors run in the order they were added.
     *
     * @param interceptor the interceptor
     * @return this builder
     */
    public Builder intercept(ClientInterceptor interceptor) {
      interceptors.add(requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /**
     * Builds the client.
     *
     * @return a new client
     * @throws IllegalStateException unless exactly one of channel and target was set
     */
    public GrpcUserClient build() {
      if ((channel == null) == (target == null)) {
        throw new IllegalStateException("set exactly one of channel and target");
      }
      if (channel != null) {
        return new GrpcUserClient(this, channel, null);
      }
      ManagedChannelBuilder<?> channelBuilder =
          Grpc.newChannelBuilder(target, channelCredentials)
              .defaultLoadBalancingPolicy("round_robin");
      if (maxAttempts > 1) {
        channelBuilder
            .defaultServiceConfig(RetryServiceConfig.serviceConfig(maxAttempts))
            .enableRetry()
            .maxRetryAttempts(maxAttempts);
      }
      ManagedChannel owned = channelBuilder.build();
      return new GrpcUserClient(this, owned, owned);
    }
  }
}
