package dev.userapi.examples.server.internal;

import static java.util.Objects.requireNonNull;

import dev.userapi.core.ErrorCode;
import dev.userapi.core.UserException;
import dev.userapi.rest.internal.Problems;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.glassfish.grizzly.GrizzlyFuture;
import org.glassfish.grizzly.filterchain.FilterChain;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.server.CLStaticHttpHandler;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpHandlerRegistration;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.HttpServerFilter;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.RequestExecutorProvider;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.http.server.ServerConfiguration;
import org.glassfish.grizzly.ssl.SSLEngineConfigurator;
import org.glassfish.grizzly.strategies.SameThreadIOStrategy;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpContainer;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpContainerProvider;
import org.glassfish.jersey.server.ResourceConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jersey on Grizzly, tuned for the store behind it.
 *
 * <p>Grizzly reads and parses on its selector threads ({@link SameThreadIOStrategy}); each request
 * then runs either right there or on a bounded worker pool:
 *
 * <ul>
 *   <li>on the selector thread when the store never blocks and the request can finish without
 *       waiting: a single-user call or a health check or a small page ({@code pageSize} up to
 *       {@value #SMALL_PAGE}), whose body (if any) has fully arrived. That is no thread hop per
 *       request, which is what the in-memory store wants;
 *   <li>on the worker pool otherwise: a store that blocks (JDBC), a body still in flight (reading
 *       it would block), the streaming endpoints ({@code :stream} writes NDJSON while waiting for
 *       the store and the client; {@code :watch} replays history; {@code :batchCreate} reads a long
 *       body), large pages, the OpenAPI document, Swagger UI's files, and any path the API does not
 *       know. A large response could fill Grizzly's write queue for a slow client, and a selector
 *       thread waiting for its own connection to drain would stall every connection it serves.
 * </ul>
 *
 * <p>Only an allow-list of paths runs on the selector, so that a spelling the list does not expect
 * ({@code users%3Astream}, a matrix parameter) can only cost a thread hop, never a blocked
 * selector.
 *
 * <p>Swagger UI (the {@code org.webjars:swagger-ui} jar) is served at {@code /docs/} over the
 * OpenAPI document at {@code /api/openapi.yaml}.
 *
 * <p>Not API: used by the example server only.
 */
public final class RestEndpoint {
  private static final Logger log = LoggerFactory.getLogger(RestEndpoint.class);
  private static final String LISTENER = "userapi-rest";

  /** Largest page served on a selector thread; 100 users are some 25 KiB of JSON. */
  static final int SMALL_PAGE = 100;

  private static final long DRAIN_POLL_MILLIS = 10;

  private final HttpServer server;
  private final InFlightRequests inFlight;
  private volatile GrizzlyFuture<HttpServer> shutdown;

  private RestEndpoint(HttpServer server, InFlightRequests inFlight) {
    this.server = server;
    this.inFlight = inFlight;
  }

  /**
   * Builds and starts the server.
   *
   * @param app the Jersey application (the user API is registered in it)
   * @param storeBlocks whether the store may block (then every request runs on a worker)
   * @param workers runs requests that must not run on a selector thread; owned by the caller
   * @param idleTimeout how long a blocking read of a request body or write of a response may wait
   *     for the peer before the connection is closed
   */
  public static RestEndpoint start(
      InetSocketAddress address,
      ResourceConfig app,
      boolean storeBlocks,
      ExecutorService workers,
      Duration idleTimeout,
      Security security) {
    requireNonNull(address, "address");
    requireNonNull(app, "app");
    requireNonNull(workers, "workers");
    requireNonNull(idleTimeout, "idleTimeout");
    HttpServer server = new HttpServer();
    NetworkListener listener =
        new NetworkListener(LISTENER, address.getHostString(), address.getPort());
    listener.getTransport().setIOStrategy(SameThreadIOStrategy.getInstance());
    // A worker blocked on a client that stopped sending its body, or stopped reading a stream,
    // is freed after this long: without it a few stalled sockets would hold every worker.
    listener.getTransport().setReadTimeout(idleTimeout.toMillis(), TimeUnit.MILLISECONDS);
    listener.getTransport().setWriteTimeout(idleTimeout.toMillis(), TimeUnit.MILLISECONDS);
    if (security.tls()) {
      listener.setSecure(true);
      listener.setSSLEngineConfig(
          new SSLEngineConfigurator(security.sslContext(), false, security.mutualTls(), false));
    }
    server.addListener(listener);

    ServerConfiguration config = server.getServerConfiguration();
    config.setDefaultQueryEncoding(StandardCharsets.UTF_8);
    config.setJmxEnabled(false);
    InFlightRequests inFlight = new InFlightRequests();
    config.getMonitoringConfig().getWebServerConfig().addProbes(inFlight);
    app.register(new StalledBodies());
    GrizzlyHttpContainer jersey =
        new GrizzlyHttpContainerProvider().createContainer(GrizzlyHttpContainer.class, app);
    config.addHttpHandler(new RoutedJersey(jersey, storeBlocks, workers), "/");
    config.addHttpHandler(
        new Docs(workers),
        HttpHandlerRegistration.builder().contextPath("/docs").urlPattern("/*").build());
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the REST server on " + address, e);
    }
    // The chain exists once started. Events travel from the last filter (HttpServerFilter) towards
    // the transport, so a watcher just before HttpServerFilter sees the shutdown after it.
    FilterChain chain = server.getListener(LISTENER).getFilterChain();
    chain.add(chain.indexOfType(HttpServerFilter.class), inFlight.shutdownWatcher());
    return new RestEndpoint(server, inFlight);
  }

  /** The bound port. */
  public int port() {
    return server.getListener(LISTENER).getPort();
  }

  /**
   * Stops accepting connections; requests in flight go on for up to {@code grace}, then are cut
   * off. See {@link #awaitDrained(Duration)}.
   */
  public void stopAccepting(Duration grace) {
    requireNonNull(grace, "grace");
    shutdown = server.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Waits up to {@code timeout} for the requests in flight after {@link #stopAccepting}; cuts off
   * what is left. Returns whether everything finished in time.
   *
   * <p>Grizzly's own wait would also sit out every suspended response whose client hung up (see
   * {@link InFlightRequests}), so the drain ends when either count says nothing is being served.
   */
  public boolean awaitDrained(Duration timeout) {
    GrizzlyFuture<HttpServer> done = shutdown;
    if (done == null) {
      throw new IllegalStateException("stopAccepting first");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (!done.isDone() && (inFlight.count() > 0 || !inFlight.shutdownSeen())) {
        if (System.nanoTime() - deadline >= 0) {
          log.warn("REST requests still running after the grace period; closing them");
          server.shutdownNow();
          return false;
        }
        Thread.sleep(DRAIN_POLL_MILLIS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
      return false;
    }
    if (!done.isDone()) {
      // Grizzly still counts responses cancelled by their clients; nothing else is left.
      server.shutdownNow();
    }
    return true;
  }

  /** Stops at once. */
  public void shutdownNow() {
    server.shutdownNow();
  }

  /** The version of the Swagger UI webjar on the class path. */
  static String swaggerUiVersion() {
    String pom = "/META-INF/maven/org.webjars/swagger-ui/pom.properties";
    try (InputStream in = RestEndpoint.class.getResourceAsStream(pom)) {
      if (in == null) {
        throw new IllegalStateException("org.webjars:swagger-ui is not on the class path");
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Swagger UI from the webjar, with our {@code swagger-initializer.js} (pointing the UI at {@code
   * /api/openapi.yaml}) shadowing the webjar's; {@code /docs} redirects to {@code /docs/} so that
   * the UI's relative links resolve. Files are written on a worker: the UI's bundle is over a
   * megabyte.
   */
  private static final class Docs extends HttpHandler {
    private final CLStaticHttpHandler files =
        new CLStaticHttpHandler(
            RestEndpoint.class.getClassLoader(),
            "/dev/userapi/examples/server/docs/",
            "/META-INF/resources/webjars/swagger-ui/" + swaggerUiVersion() + "/");
    private final RequestExecutorProvider executors;

    Docs(Executor workers) {
      files.setFileCacheEnabled(false);
      this.executors = request -> workers;
    }

    @Override
    public RequestExecutorProvider getRequestExecutorProvider() {
      return executors;
    }

    @Override
    public void service(Request request, Response response) throws Exception {
      if (request.getRequestURI().equals("/docs")) {
        response.setStatus(301);
        response.setHeader("Location", "/docs/");
        return;
      }
      files.service(request, response);
    }
  }

  /**
   * A request body that stops arriving for the idle timeout is the client's fault, not ours: answer
   * 408 (DEADLINE_EXCEEDED) and close the connection, instead of logging an internal error and
   * leaving the half-read connection open. Other read failures keep their usual mapping.
   */
  @Provider
  static final class StalledBodies implements ExceptionMapper<IOException> {
    @Override
    public jakarta.ws.rs.core.Response toResponse(IOException error) {
      for (Throwable t = error; t != null && t.getCause() != t; t = t.getCause()) {
        if (t instanceof TimeoutException) {
          log.debug("a request body stopped arriving; closing its connection");
          jakarta.ws.rs.core.Response timeout =
              Problems.fromUserException(
                  new UserException(
                      ErrorCode.DEADLINE_EXCEEDED, "the request body stopped arriving"),
                  408);
          return jakarta.ws.rs.core.Response.fromResponse(timeout)
              .header("Connection", "close")
              .build();
        }
      }
      return Problems.toResponse(error);
    }
  }

  /** Jersey, run on the selector thread or a worker as the class comment describes. */
  private static final class RoutedJersey extends HttpHandler {
    private final GrizzlyHttpContainer jersey;
    private final RequestExecutorProvider executors;

    RoutedJersey(GrizzlyHttpContainer jersey, boolean storeBlocks, Executor workers) {
      this.jersey = jersey;
      this.executors = request -> mayBlock(request, storeBlocks) ? workers : null;
    }

    @Override
    public RequestExecutorProvider getRequestExecutorProvider() {
      return executors;
    }

    @Override
    public void service(Request request, Response response) throws Exception {
      jersey.service(request, response);
      if (response.getStatus() == 408 && !request.getInputBuffer().isFinished()) {
        // The body stopped arriving (see StalledBodies): send the answer, then hang up, since the
        // rest of the body would never come and Grizzly would wait for it.
        response.finish();
        request.getContext().getConnection().closeSilently();
      }
    }

    @Override
    public void start() {
      jersey.start();
    }

    @Override
    public void destroy() {
      jersey.destroy();
    }

    static boolean mayBlock(Request request, boolean storeBlocks) {
      if (storeBlocks || !isShortCall(request)) {
        return true;
      }
      Method method = request.getMethod();
      if (method == Method.GET || method == Method.HEAD || method == Method.DELETE) {
        return false;
      }
      return !request.getInputBuffer().isFinished();
    }

    /** {@code /api/users/{id}}, {@code /api/health}, or {@code /api/users} with a small page. */
    private static boolean isShortCall(Request request) {
      String path = request.getRequestURI();
      if (path.indexOf('%') >= 0 || path.indexOf(';') >= 0) {
        return false;
      }
      if (path.equals("/api/health")) {
        return true;
      }
      if (path.equals("/api/users")) {
        return request.getMethod() != Method.GET || isSmallPage(request.getParameter("pageSize"));
      }
      String prefix = "/api/users/";
      return path.startsWith(prefix)
          && path.length() > prefix.length()
          && path.indexOf('/', prefix.length()) < 0
          && path.indexOf(':', prefix.length()) < 0;
    }

    private static boolean isSmallPage(String pageSize) {
      if (pageSize == null || pageSize.isEmpty()) {
        return true; // the service's default page size is small
      }
      try {
        return Integer.parseInt(pageSize.trim()) <= SMALL_PAGE;
      } catch (NumberFormatException e) {
        return true; // a 400 problem
      }
    }
  }
}
