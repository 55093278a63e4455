package dev.userapi.grpc;

import static java.util.Objects.requireNonNull;

import dev.userapi.core.Authenticator;
import dev.userapi.core.UserService;
import dev.userapi.grpc.internal.Durations;
import dev.userapi.grpc.internal.HealthReporter;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ready-made gRPC server for a {@link UserService}: the {@link UserGrpcService}, health checking
 * ({@code grpc.health.v1} for {@code ""} and {@code userapi.v1.UserService}, following {@link
 * UserService#health()}) and server reflection (so {@code grpcurl}-style tools can list and call
 * the methods), with hooks for credentials, interceptors (authentication), message size limit,
 * stalled-stream timeout, executor and response compression.
 *
 * <pre>{@code
 * try (UserGrpcServer server = UserGrpcServer.builder(DefaultUserService.inMemory()).port(9090).build().start()) {
 *   server.awaitTermination();
 * }
 * }</pre>
 *
 * <p>The transport is whatever gRPC server transport is on the class path ({@code grpc-netty} or
 * {@code grpc-netty-shaded}); this module does not pick one. {@link #shutdown(Duration)} first
 * reports NOT_SERVING so load balancers move away, then drains in-flight calls.
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class UserGrpcServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UserGrpcServer.class);
  private static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

  /**
   * How long a server stream may wait for a client that takes no data before it is ended, unless
   * {@link Builder#stalledStreamTimeout(Duration)} says otherwise: 5 minutes.
   */
  public static final Duration DEFAULT_STALLED_STREAM_TIMEOUT = Duration.ofMinutes(5);

  /**
   * How often the server asks {@link UserService#health()} for its health statuses, unless {@link
   * Builder#healthCheckInterval(Duration)} says otherwise: 5 seconds.
   */
  public static final Duration DEFAULT_HEALTH_CHECK_INTERVAL = Duration.ofSeconds(5);

  private final Server server;
  private final HealthStatusManager health;
  private final UserService users;
  private final Duration healthCheckInterval;
  private HealthReporter healthReporter; // guarded by this

  private UserGrpcServer(
      Server server, HealthStatusManager health, UserService users, Duration healthCheckInterval) {
    this.server = server;
    this.health = health;
    this.users = users;
    this.healthCheckInterval = healthCheckInterval;
  }

  /**
   * A builder for a server of {@code users}.
   *
   * @param users the service the server's {@link UserGrpcService} passes calls to
   * @return a new builder
   */
  public static Builder builder(UserService users) {
    return new Builder(requireNonNull(users, "users"));
  }

  /**
   * Starts listening and reports the service's health: SERVING or NOT_SERVING as {@link
   * UserService#health()} says, asked now and then every {@linkplain Builder#healthCheckInterval
   * health-check interval}.
   *
   * @return this server, started
   * @throws UncheckedIOException when the port cannot be bound
   */
  public synchronized UserGrpcServer start() {
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the gRPC server", e);
    }
    healthReporter = HealthReporter.start(users, health, healthCheckInterval);
    log.info("userapi gRPC server listening on port {}", server.getPort());
    return this;
  }

  /**
   * The bound port (useful with port 0).
   *
   * @return the port, or -1 before {@link #start()}
   */
  public int port() {
    return server.getPort();
  }

  /**
   * The health statuses of this server. The server keeps them in step with {@link
   * UserService#health()}; a status set here stays until the service's own answer changes.
   *
   * @return the manager behind the server's {@code grpc.health.v1} service
   */
  public HealthStatusManager health() {
    return health;
  }

  /**
   * Blocks until the server has terminated.
   *
   * @throws InterruptedException when the waiting thread is interrupted
   */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /**
   * Stops gracefully: reports NOT_SERVING to health checkers, stops accepting calls, waits up to
   * {@code grace} for in-flight calls, then cancels what is left. If interrupted, cancels at once
   * and keeps the thread's interrupt flag set.
   *
   * @param grace how long in-flight calls may take to finish
   */
  public void shutdown(Duration grace) {
    requireNonNull(grace, "grace");
    synchronized (this) {
      if (healthReporter != null) {
        healthReporter.close();
      }
    }
    health.enterTerminalState();
    server.shutdown();
    try {
      if (!server.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS)) {
        server.shutdownNow();
        server.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** {@link #shutdown(Duration)} with a 10 second grace period. */
  @Override
  public void close() {
    shutdown(DEFAULT_GRACE);
  }

  /** Configures a {@link UserGrpcServer}. Not thread-safe. */
  public static final class Builder {
    private final UserService users;
    private int port;
    private ServerCredentials credentials = InsecureServerCredentials.create();
    private final List<ServerInterceptor> interceptors = new ArrayList<>();
    private int maxInboundMessageSize = 4 * 1024 * 1024;
    private int maxBatchItems = UserGrpcService.DEFAULT_MAX_BATCH_ITEMS;
    private Duration stalledStreamTimeout = DEFAULT_STALLED_STREAM_TIMEOUT;
    private Duration healthCheckInterval = DEFAULT_HEALTH_CHECK_INTERVAL;
    private Executor executor;
    private boolean compressResponses;
    private ServerInterceptor metrics;

    private Builder(UserService users) {
      this.users = users;
    }

    /**
     * The port to listen on; 0 (the default) picks a free one, see {@link #port()}.
     *
     * @param port 0..65535
     * @return this builder
     * @throws IllegalArgumentException when {@code port} is out of range
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
      }
      this.port = port;
      return this;
    }

    /**
     * The transport credentials (TLS, mTLS); plaintext by default.
     *
     * @param credentials the credentials
     * @return this builder
     */
    public Builder credentials(ServerCredentials credentials) {
      this.credentials = requireNonNull(credentials, "credentials");
      return this;
    }

    /**
     * Adds an interceptor for the user service (not for health or reflection), for example one that
     * authenticates callers. Interceptors run in the order they were added.
     *
     * @param interceptor the interceptor
     * @return this builder
     */
    public Builder intercept(ServerInterceptor interceptor) {
      interceptors.add(requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /**
     * Requires a bearer token with the right scope on every user-service call; see {@link
     * BearerAuthInterceptor}. Runs before the interceptors added with {@link #intercept}.
     *
     * @param authenticator checks the presented tokens
     * @return this builder
     */
    public Builder authenticator(Authenticator authenticator) {
      interceptors.add(0, new BearerAuthInterceptor(authenticator));
      return this;
    }

    /**
     * The largest request message accepted; larger ones fail with RESOURCE_EXHAUSTED. 4 MiB by
     * default.
     *
     * @param bytes the limit, at least 1
     * @return this builder
     * @throws IllegalArgumentException when {@code bytes} is below 1
     */
    public Builder maxInboundMessageSize(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxInboundMessageSize: " + bytes + " (expected: >= 1)");
      }
      this.maxInboundMessageSize = bytes;
      return this;
    }

    /**
     * The most items one BatchCreateUsers call may carry; see {@link
     * UserGrpcService#UserGrpcService(UserService, int)}.
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
     * How long a StreamUsers, WatchUsers or LookupUsers call may go on with a client that takes no
     * data, or a BatchCreateUsers call with a client that sends none, before the server ends it
     * with DEADLINE_EXCEEDED; 5 minutes by default. See {@link
     * UserGrpcService.Builder#stalledStreamTimeout(Duration)}.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws IllegalArgumentException when {@code timeout} is not positive
     */
    public Builder stalledStreamTimeout(Duration timeout) {
      this.stalledStreamTimeout = Durations.requirePositive(timeout, "stalledStreamTimeout");
      return this;
    }

    /**
     * How often the server asks {@link UserService#health()} whether it can serve, and reports the
     * answer through {@code grpc.health.v1}; 5 seconds by default. A health call that fails counts
     * as NOT_SERVING.
     *
     * @param interval a positive duration
     * @return this builder
     * @throws IllegalArgumentException when {@code interval} is not positive
     */
    public Builder healthCheckInterval(Duration interval) {
      this.healthCheckInterval = Durations.requirePositive(interval, "healthCheckInterval");
      return this;
    }

    /**
     * The executor that runs service methods (owned by the caller). By default gRPC's shared cached
     * pool, which suits a blocking store.
     *
     * @param executor the executor; the server does not shut it down
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Whether to gzip responses for clients that accept it; off by default. Requests may always be
     * gzipped.
     *
     * @param compressResponses true to compress responses
     * @return this builder
     */
    public Builder compressResponses(boolean compressResponses) {
      this.compressResponses = compressResponses;
      return this;
    }

    /**
     * Records per-method metrics of the user service into {@code registry}; see {@link
     * GrpcMetrics}. Runs before every other interceptor, so rejected calls are counted too. Needs
     * {@code io.micrometer:micrometer-core} on the class path.
     *
     * @param registry where the meters are registered
     * @return this builder
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.metrics = GrpcMetrics.interceptor(registry);
      return this;
    }

    /**
     * Builds the server; call {@link UserGrpcServer#start()} to listen.
     *
     * @return a new, unstarted server
     */
    public UserGrpcServer build() {
      List<ServerInterceptor> chain = new ArrayList<>(interceptors);
      if (metrics != null) {
        chain.add(0, metrics);
      }
      if (compressResponses) {
        chain.add(new GzipResponses());
      }
      // ServerInterceptors.intercept runs the last one first; callers expect insertion order.
      List<ServerInterceptor> reversed = new ArrayList<>(chain);
      Collections.reverse(reversed);
      HealthStatusManager health = new HealthStatusManager();
      ServerBuilder<?> builder =
          Grpc.newServerBuilderForPort(port, credentials)
              .addService(
                  ServerInterceptors.intercept(
                      UserGrpcService.builder(users)
                          .maxBatchItems(maxBatchItems)
                          .stalledStreamTimeout(stalledStreamTimeout)
                          .build(),
                      reversed))
              .addService(health.getHealthService())
              .addService(ProtoReflectionServiceV1.newInstance())
              .maxInboundMessageSize(maxInboundMessageSize);
      if (executor != null) {
        builder.executor(executor);
      }
      return new UserGrpcServer(builder.build(), health, users, healthCheckInterval);
    }
  }

  /** Asks gRPC to gzip responses; it falls back to identity for clients that do not accept gzip. */
  private static final class GzipResponses implements ServerInterceptor {
    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
      call.setCompression("gzip");
      return next.startCall(call, headers);
    }
  }
}
