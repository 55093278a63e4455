package dev.userapi.server.internal;

import dev.userapi.core.LimitedUserService;
import dev.userapi.rest.UserApiFeature;
import dev.userapi.server.internal.console.Console;
import dev.userapi.server.internal.web.WebProtocols;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Both protocols of one running {@code UserServer}, and every thread they use: the worker pools,
 * the timer (SSE heartbeats, stalled gRPC streams), Netty's event loops (in {@link GrpcHost}) and
 * Grizzly's selectors (in {@link RestHost}). Everything started here is stopped by {@link
 * #shutdown(Duration)}.
 *
 * <p>Thread-safe. Not API: used by userapi modules only.
 */
public final class Hosting {
  private static final Logger log = LoggerFactory.getLogger(Hosting.class);
  private static final Duration WEB_TERMINATION = Duration.ofSeconds(2);

  private final DrainingUserService service;
  private final ExecutorService restWorkers;
  private final ExecutorService grpcWorkers; // null: calls run on the event loop
  private final ScheduledExecutorService timer;
  private final RestHost rest;
  private final GrpcHost grpc;
  private final WebProtocols web; // null: off
  private final Console console; // null: off

  private Hosting(
      DrainingUserService service,
      ExecutorService restWorkers,
      ExecutorService grpcWorkers,
      ScheduledExecutorService timer,
      RestHost rest,
      GrpcHost grpc,
      WebProtocols web,
      Console console) {
    this.web = web;
    this.console = console;
    this.service = service;
    this.restWorkers = restWorkers;
    this.grpcWorkers = grpcWorkers;
    this.timer = timer;
    this.rest = rest;
    this.grpc = grpc;
  }

  /**
   * Starts both listeners.
   *
   * @param options the server's settings
   * @return the running pair
   */
  public static Hosting start(HostOptions options) {
    // What clients do to their own calls and connections is logged at DEBUG, not as warnings.
    ClientEventLogs.install();
    DrainingUserService service =
        new DrainingUserService(
            LimitedUserService.builder(options.users())
                .maxConcurrentWatches(options.maxConcurrentWatches())
                .maxConcurrentStreams(options.maxConcurrentStreams())
                .build());
    ExecutorService restWorkers =
        Executors.newFixedThreadPool(
            options.workerThreads(), new NamedThreads("userapi-rest-worker"));
    ExecutorService grpcWorkers =
        options.blockingStore()
            ? Executors.newFixedThreadPool(
                options.workerThreads(), new NamedThreads("userapi-grpc-worker"))
            : null;
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(new NamedThreads("userapi-timer"));
    GrpcHost grpc = null;
    WebProtocols web = null;
    Console console =
        options.console() ? Console.create(options, service, restWorkers, timer) : null;
    try {
      grpc =
          GrpcHost.start(
              new InetSocketAddress(options.bind(), options.grpcPort()),
              options,
              service,
              grpcWorkers,
              timer,
              console == null ? null : console.grpcInterceptor());
      if (options.webProtocols()) {
        web =
            WebProtocols.start(
                grpc.services(),
                grpcWorkers,
                timer,
                options.maxMessageBytes(),
                options.maxRequestBodyBytes(),
                options.idleTimeout(),
                options.corsAllowedOrigins());
      }
      RestHost rest =
          RestHost.start(
              new InetSocketAddress(options.bind(), options.restPort()),
              restApplication(options, service, restWorkers, timer, console),
              options,
              restWorkers,
              web);
      log.info(
          "listening: REST{} on port {}, gRPC on port {}",
          web == null ? "" : " (with gRPC-Web and Connect)",
          rest.port(),
          grpc.port());
      if (console != null) {
        console.started(rest.port(), grpc.port());
      }
      return new Hosting(service, restWorkers, grpcWorkers, timer, rest, grpc, web, console);
    } catch (RuntimeException e) {
      if (web != null) {
        web.shutdownNow();
      }
      if (grpc != null) {
        grpc.shutdownNow();
      }
      restWorkers.shutdownNow();
      timer.shutdownNow();
      if (grpcWorkers != null) {
        grpcWorkers.shutdownNow();
      }
      throw e;
    }
  }

  private static ResourceConfig restApplication(
      HostOptions options,
      DrainingUserService service,
      ExecutorService restWorkers,
      ScheduledExecutorService timer,
      Console console) {
    // SSE watches write to their connection: their events go through the worker pool rather than
    // the writer's selector thread or event loop (see OffloadedWatchService).
    UserApiFeature.Builder api =
        UserApiFeature.builder(new OffloadedWatchService(service, restWorkers))
            .maxBodyBytes(options.maxRequestBodyBytes())
            .watchHeartbeat(options.watchHeartbeat(), timer);
    if (options.authenticator() != null) {
      api.authenticator(options.authenticator());
    }
    // Jersey holds back the first 8 KiB of every response to compute a Content-Length, which would
    // delay the first NDJSON lines of a slow stream; the API's own JSON documents carry their
    // length
    // anyway (the feature sets it), so this host turns the buffer off for its application.
    ResourceConfig app =
        new ResourceConfig()
            .property(ServerProperties.WADL_FEATURE_DISABLE, true)
            .property(ServerProperties.OUTBOUND_CONTENT_LENGTH_BUFFER, 0)
            .register(api.build());
    if (options.restMetrics() != null) {
      app.register(options.restMetrics());
    }
    if (options.restTracing() != null) {
      app.register(options.restTracing());
    }
    if (options.compressResponses()) {
      RestHost.enableGzip(app);
    }
    if (options.http2()) {
      app.register(new Http2Bodies());
    }
    if (console != null) {
      console.register(app);
    }
    for (Object component : options.restComponents()) {
      if (component instanceof Class<?> type) {
        app.register(type);
      } else {
        app.register(component);
      }
    }
    return app;
  }

  /** The bound REST port. */
  public int restPort() {
    return rest.port();
  }

  /** The bound gRPC port. */
  public int grpcPort() {
    return grpc.port();
  }

  /**
   * Stops in stages: NOT_SERVING, watches ended, listeners closed, calls in flight given {@code
   * grace}, then every thread stopped.
   *
   * @return whether every call finished within the grace period
   */
  public boolean shutdown(Duration grace) {
    log.info("shutting down; calls in flight get {} ms", grace.toMillis());
    grpc.notServing();
    service.drain();
    if (console != null) {
      console.close(); // its event streams, as the drain ends the watches
    }
    long deadline = System.nanoTime() + grace.toNanos();
    grpc.stopAccepting();
    rest.stopAccepting(grace);
    if (web != null) {
      web.stopAccepting();
    }
    boolean grpcDrained = grpc.awaitDrained(grace);
    // Web calls are HTTP requests too: the REST drain waits for them.
    boolean restDrained =
        rest.awaitDrained(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    if (web != null) {
      // Web calls were HTTP requests the REST drain waited for: what is left is bookkeeping, which
      // gets a moment even when the grace period is spent.
      Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
      restDrained &= web.awaitDrained(restDrained ? max(left, WEB_TERMINATION) : left);
    }
    timer.shutdownNow();
    restWorkers.shutdown();
    if (grpcWorkers != null) {
      grpcWorkers.shutdown();
    }
    awaitQuietly(restWorkers);
    awaitQuietly(grpcWorkers);
    grpc.releaseEventLoops();
    boolean clean = grpcDrained && restDrained;
    log.info("stopped ({})", clean ? "every call finished" : "some calls were cut off");
    return clean;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static void awaitQuietly(ExecutorService executor) {
    if (executor == null) {
      return;
    }
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
