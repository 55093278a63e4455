package dev.userapi.server.internal;

import static java.util.Objects.requireNonNull;

import dev.userapi.core.UserService;
import dev.userapi.grpc.BearerAuthInterceptor;
import dev.userapi.grpc.UserGrpcService;
import dev.userapi.grpc.internal.HealthReporter;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * gRPC on Netty: the user service (behind metrics, tracing, authentication and compression, in that
 * order), health checking, server reflection and any extra services, bound to one address, on event
 * loops of its own. Calls run on the event loop ({@code directExecutor}) when the store never
 * blocks, which saves a thread hop per call, and on the given bounded executor when it may.
 *
 * <p>Not API: used by userapi modules only.
 */
final class GrpcHost {
  private static final Logger log = LoggerFactory.getLogger(GrpcHost.class);

  private final Server server;
  private final HealthStatusManager health;
  private final HealthReporter healthReporter;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final List<ServerServiceDefinition> services;

  private GrpcHost(
      Server server,
      HealthStatusManager health,
      HealthReporter healthReporter,
      EventLoopGroup boss,
      EventLoopGroup workers,
      List<ServerServiceDefinition> services) {
    this.server = server;
    this.services = services;
    this.health = health;
    this.healthReporter = healthReporter;
    this.boss = boss;
    this.workers = workers;
  }

  /**
   * Builds and starts the server.
   *
   * @param executor runs calls when the store may block; null to run them on the event loop
   * @param timer runs the stalled-stream timers
   * @param requestLog the console's request recorder, first in the chain; null for none
   */
  static GrpcHost start(
      InetSocketAddress address,
      HostOptions options,
      UserService users,
      Executor executor,
      ScheduledExecutorService timer,
      ServerInterceptor requestLog) {
    requireNonNull(address, "address");
    HealthStatusManager health = new HealthStatusManager();
    UserGrpcService service =
        UserGrpcService.builder(users)
            .maxBatchItems(options.maxBatchItems())
            .stalledStreamTimeout(options.idleTimeout(), timer)
            .build();
    ServerServiceDefinition userService =
        ServerInterceptors.intercept(service, chain(options, requestLog));
    EventLoopGroup boss = eventLoops(1, "userapi-grpc-boss");
    EventLoopGroup workers =
        eventLoops(Runtime.getRuntime().availableProcessors(), "userapi-grpc-loop");
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(address, options.grpcCredentials())
            .bossEventLoopGroup(boss)
            .workerEventLoopGroup(workers)
            .channelType(NioServerSocketChannel.class)
            // One connection cannot hog the server with streams (HTTP/2 MAX_CONCURRENT_STREAMS).
            .maxConcurrentCallsPerConnection(options.maxCallsPerConnection())
            .maxInboundMessageSize(options.maxMessageBytes())
            .addService(userService)
            .addService(health.getHealthService());
    if (options.reflection()) {
      builder.addService(ProtoReflectionServiceV1.newInstance());
    }
    // What the web protocols serve too: the same definitions, interceptors and all.
    List<ServerServiceDefinition> services = new ArrayList<>();
    services.add(userService);
    services.add(health.getHealthService().bindService());
    for (ServerServiceDefinition extra : options.grpcServices()) {
      // Added services skip the user service's interceptors (authentication included), but not
      // the compression rule: one server answers alike however a service got there.
      ServerServiceDefinition served =
          options.compressResponses()
              ? ServerInterceptors.intercept(extra, new GzipWhenAsked())
              : extra;
      builder.addService(served);
      services.add(served);
    }
    if (executor == null) {
      builder.directExecutor();
    } else {
      builder.executor(executor);
    }
    Server server = builder.build();
    try {
      server.start();
    } catch (IOException e) {
      boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw new UncheckedIOException("cannot start the gRPC server on " + address, e);
    }
    return new GrpcHost(
        server,
        health,
        HealthReporter.start(users, health, options.healthCheckInterval()),
        boss,
        workers,
        List.copyOf(services));
  }

  /**
   * The services as this server serves them (user service with its interceptors, health, the
   * embedder's), without reflection: what the web protocols serve on the HTTP listener.
   */
  List<ServerServiceDefinition> services() {
    return services;
  }

  /** The interceptors of the user service, in the order a call meets them. */
  private static List<ServerInterceptor> chain(HostOptions options, ServerInterceptor requestLog) {
    List<ServerInterceptor> chain = new ArrayList<>();
    // The console's request log sees every call, refused or not, with its final status.
    if (requestLog != null) {
      chain.add(requestLog);
    }
    // Metrics first, so that calls the others refuse (401, 403) are counted too.
    if (options.grpcMetrics() != null) {
      chain.add(options.grpcMetrics());
    }
    if (options.grpcTracing() != null) {
      chain.add(options.grpcTracing());
    }
    if (options.authenticator() != null) {
      chain.add(new BearerAuthInterceptor(options.authenticator()));
    }
    if (options.compressResponses()) {
      chain.add(new GzipWhenAsked());
    }
    // ServerInterceptors.intercept runs the last one first.
    List<ServerInterceptor> reversed = new ArrayList<>(chain);
    java.util.Collections.reverse(reversed);
    return reversed;
  }

  private static EventLoopGroup eventLoops(int threads, String name) {
    return new MultiThreadIoEventLoopGroup(
        threads, new NamedThreads(name), NioIoHandler.newFactory());
  }

  /** The bound port. */
  int port() {
    return server.getPort();
  }

  /** Reports NOT_SERVING to health checkers, so that load balancers move away first. */
  void notServing() {
    healthReporter.close();
    health.enterTerminalState();
  }

  /** Stops taking new calls; calls in flight go on. */
  void stopAccepting() {
    server.shutdown();
  }

  /**
   * Waits up to {@code grace} for calls in flight, then cancels what is left. Returns whether
   * everything finished within the grace period.
   */
  boolean awaitDrained(Duration grace) {
    try {
      if (server.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS)) {
        return true;
      }
      log.warn("gRPC calls still running after the grace period; cancelling them");
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    return false;
  }

  /** Stops the event loops; call once the server has terminated. */
  void releaseEventLoops() {
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Stops at once. */
  void shutdownNow() {
    healthReporter.close();
    server.shutdownNow();
    releaseEventLoops();
  }

  /**
   * Compresses the responses of calls whose request came compressed: every grpc-java client says it
   * accepts gzip, so a compressed request is the one signal of a client that wants compression.
   */
  private static final class GzipWhenAsked implements ServerInterceptor {
    private static final Metadata.Key<String> ENCODING =
        Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER);

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
      if ("gzip".equals(headers.get(ENCODING))) {
        call.setCompression("gzip");
      }
      return next.startCall(call, headers);
    }
  }
}
