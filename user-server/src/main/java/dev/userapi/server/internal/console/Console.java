package dev.userapi.server.internal.console;

import static java.util.Objects.requireNonNull;

import dev.userapi.core.UserService;
import dev.userapi.server.internal.HostOptions;
import io.grpc.ServerInterceptor;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.Feature;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import org.glassfish.jersey.server.ResourceConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's API of one running server: the guard, the request-log tail and the resource under
 * {@code /console/api/}. Made by {@code Hosting} before the listeners start (the gRPC listener
 * takes its interceptor), told their ports once they are bound, and closed when the server drains,
 * which ends every open log stream.
 *
 * <p>With the tools off nothing is recorded: no interceptor, no filter, no tail.
 *
 * <p>Thread-safe. Not API: used by userapi modules only.
 */
public final class Console {
  private static final Logger log = LoggerFactory.getLogger(Console.class);

  /** Console event streams (log, benchmark events) open at once; more get 429. */
  static final int MAX_EVENT_STREAMS = 16;

  private final ConsoleGuard guard;
  private final RequestTail tail; // null: tools off
  private final ConsoleResource resource;

  private Console(ConsoleGuard guard, RequestTail tail, ConsoleResource resource) {
    this.guard = guard;
    this.tail = tail;
    this.resource = resource;
  }

  /**
   * The console of a server with {@code options}.
   *
   * @param service the server's own service (drained with it), for the demo write
   * @param workers writes the event streams
   * @param timer sends their heartbeats
   */
  public static Console create(
      HostOptions options,
      UserService service,
      ExecutorService workers,
      ScheduledExecutorService timer) {
    requireNonNull(options, "options");
    ConsoleGuard guard =
        ConsoleGuard.of(options.bind(), options.authenticator(), options.consoleTools());
    if (guard.toolsOn() && !guard.auth() && !ConsoleGuard.isLoopback(options.bind())) {
      log.warn(
          "the console's tools are on for anyone who reaches {}: no tokens are required",
          options.bind());
    }
    RequestTail tail = guard.toolsOn() ? new RequestTail() : null;
    ConsoleResource resource =
        new ConsoleResource(
            guard, tail, service, options, workers, timer, heartbeat(options.watchHeartbeat()));
    return new Console(guard, tail, resource);
  }

  private static Duration heartbeat(Duration interval) {
    return interval == null ? Duration.ofSeconds(15) : interval;
  }

  /** The guard. */
  public ConsoleGuard guard() {
    return guard;
  }

  /** Records gRPC calls into the log tail; null when the tools are off. */
  public ServerInterceptor grpcInterceptor() {
    return tail == null ? null : new GrpcTailInterceptor(tail);
  }

  /** Registers the resource, and with the tools on the request recorder, in {@code app}. */
  public void register(ResourceConfig app) {
    // Through a feature, as the user API registers its resource: registered on the application
    // itself, a resource instance draws a spurious "will be ignored" warning from Jersey (its
    // issue 3700) though it is served.
    app.register(
        (Feature)
            context -> {
              context.register(resource);
              context.register(new ConsoleToolFilter(guard, resource), Priorities.AUTHENTICATION);
              return true;
            });
    if (tail != null) {
      // Before every filter of the API (its outermost is 100), so that refusals are recorded.
      app.register(new RestTailFilter(tail), 50);
    }
  }

  /** The ports the listeners are bound to. */
  public void started(int restPort, int grpcPort) {
    resource.started(restPort, grpcPort);
  }

  /** Ends every log stream and refuses new ones: the server is draining. */
  public void close() {
    resource.close();
  }
}
