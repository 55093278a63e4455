package dev.userapi.examples.server.internal;

import static java.util.Objects.requireNonNull;

import dev.userapi.core.UserService;
import dev.userapi.grpc.BearerAuthInterceptor;
import dev.userapi.grpc.UserGrpcService;
import dev.userapi.grpc.internal.HealthReporter;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * gRPC on Netty: the user service, health checking and server reflection, bound to one address.
 * Calls run on the Netty event loop ({@code directExecutor}) when the store never blocks, which
 * saves a thread hop per call, and on the given bounded executor when it may block.
 *
 * <p>Not API: used by the example server only.
 */
public final class GrpcEndpoint {
  private static final Logger log = LoggerFactory.getLogger(GrpcEndpoint.class);

  /** Calls in flight allowed on one connection. */
  static final int MAX_CALLS_PER_CONNECTION = 128;

  /** Largest request message: a batch item or a lookup is far smaller. */
  static final int MAX_MESSAGE_BYTES = 1024 * 1024;

  /** How often the store's health is asked for the gRPC health service (REST asks per call). */
  static final Duration HEALTH_CHECK_INTERVAL = Duration.ofSeconds(2);

  private final Server server;
  private final HealthStatusManager health;
  private final HealthReporter healthReporter;

  private GrpcEndpoint(Server server, HealthStatusManager health, HealthReporter healthReporter) {
    this.server = server;
    this.health = health;
    this.healthReporter = healthReporter;
  }

  /**
   * Builds and starts the server.
   *
   * @param executor runs calls when the store may block; null to run them on the event loop
   * @param idleTimeout how long a server stream may wait for a client that takes no data before it
   *     is ended
   */
  public static GrpcEndpoint start(
      InetSocketAddress address,
      UserService users,
      Executor executor,
      Duration idleTimeout,
      Security security) {
    requireNonNull(address, "address");
    requireNonNull(users, "users");
    requireNonNull(idleTimeout, "idleTimeout");
    requireNonNull(security, "security");
    HealthStatusManager health = new HealthStatusManager();
    UserGrpcService service =
        UserGrpcService.builder(users).stalledStreamTimeout(idleTimeout).build();
    ServerServiceDefinition userService =
        security.authenticator() == null
            ? service.bindService()
            : ServerInterceptors.intercept(
                service, new BearerAuthInterceptor(security.authenticator()));
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(address, security.grpcCredentials())
            // One connection cannot hog the server with streams (HTTP/2 MAX_CONCURRENT_STREAMS).
            .maxConcurrentCallsPerConnection(MAX_CALLS_PER_CONNECTION)
            .maxInboundMessageSize(MAX_MESSAGE_BYTES)
            .addService(userService)
            .addService(health.getHealthService())
            .addService(ProtoReflectionServiceV1.newInstance());
    if (executor == null) {
      builder.directExecutor();
    } else {
      builder.executor(executor);
    }
    Server server = builder.build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the gRPC server on " + address, e);
    }
    return new GrpcEndpoint(
        server, health, HealthReporter.start(users, health, HEALTH_CHECK_INTERVAL));
  }

  /** The bound port. */
  public int port() {
    return server.getPort();
  }

  /** Reports NOT_SERVING to health checkers, so that load balancers move away first. */
  public void notServing() {
    healthReporter.close();
    health.enterTerminalState();
  }

  /** Stops taking new calls; calls in flight go on. */
  public void stopAccepting() {
    server.shutdown();
  }

  /**
   * Waits up to {@code grace} for calls in flight, then cancels what is left. Returns whether
   * everything finished within the grace period.
   */
  public boolean awaitDrained(Duration grace) {
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

  /** Stops at once. */
  public void shutdownNow() {
    healthReporter.close();
    server.shutdownNow();
  }
}
