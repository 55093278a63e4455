package dev.userapi.server.internal;

import static java.util.Objects.requireNonNull;

import dev.userapi.rest.internal.Filters;
import dev.userapi.server.internal.web.WebProtocols;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.GrizzlyFuture;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChain;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.FilterChainEvent;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.filterchain.ShutdownEvent;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.Protocol;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.HttpServerFilter;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.RequestExecutorProvider;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.http.server.ServerConfiguration;
import org.glassfish.grizzly.http.util.Header;
import org.glassfish.grizzly.http2.Http2AddOn;
import org.glassfish.grizzly.http2.Http2Configuration;
import org.glassfish.grizzly.http2.Http2ServerFilter;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;
import org.glassfish.grizzly.ssl.SSLEngineConfigurator;
import org.glassfish.grizzly.strategies.SameThreadIOStrategy;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpContainer;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpContainerProvider;
import org.glassfish.jersey.message.GZipEncoder;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.filter.EncodingFilter;
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
 * <p>With HTTP/2 on ({@link HostOptions#http2()}) Grizzly's HTTP/2 add-on sits in the same
 * listener: a connection starts as HTTP/1.1 and turns to HTTP/2 on the client's preface (prior
 * knowledge), on an {@code Upgrade: h2c} request, or through ALPN under TLS. Each HTTP/2 stream
 * becomes a request of its own that goes through the same handler, the same executor choice and the
 * same probes as an HTTP/1.1 request: the add-on gets no thread pool of its own, so a stream's
 * request is dispatched on the selector thread that read its headers and {@link Routes} moves it to
 * a worker exactly when it would move an HTTP/1.1 request. A request body still in flight is always
 * one (HEADERS arrive before DATA), so a selector never waits for a stream's body.
 *
 * <p>The drain and the limits answer HTTP/2 streams as they answer HTTP/1.1 requests. Grizzly's
 * add-on would meet a shutdown with a GOAWAY and then silently drop every new stream on the
 * connection; here the shutdown never reaches it ({@link KeepHttp2SessionsThroughTheDrain}), so a
 * new stream gets the drain's 503 problem+json with {@code Retry-After} from the HTTP layer,
 * streams in flight finish, and the connections close when the drain ends. A stalled body gets 408
 * (see {@link Http2Bodies}) and only its stream ends, not the connection and the other streams on
 * it; a body without {@code Content-Length} is counted against the body limit like a chunked one.
 *
 * <p>Swagger UI (the {@code org.webjars:swagger-ui} jar) is served at {@code /docs/} over the
 * OpenAPI document at {@code /api/openapi.yaml}; the console, when on, at {@code /} and {@code
 * /console/} (see {@link ConsoleFiles}).
 *
 * <p>Not API: used by userapi modules only.
 */
final class RestHost {
  private static final Logger log = LoggerFactory.getLogger(RestHost.class);
  private static final String LISTENER = "userapi-rest";
  private static final String DOCS = "/docs";

  /** Largest page served on a selector thread; 100 users are some 25 KiB of JSON. */
  static final int SMALL_PAGE = 100;

  private static final long DRAIN_POLL_MILLIS = 10;

  /** HTTP/2 streams one connection may have open at once, advertised in the server's SETTINGS. */
  static final int HTTP2_MAX_CONCURRENT_STREAMS = 128;

  private final HttpServer server;
  private final InFlightRequests inFlight;
  private final Routes routes;
  private volatile GrizzlyFuture<HttpServer> shutdown;

  private RestHost(HttpServer server, InFlightRequests inFlight, Routes routes) {
    this.server = server;
    this.inFlight = inFlight;
    this.routes = routes;
  }

  /**
   * Builds and starts the server.
   *
   * @param app the Jersey application (the user API is registered in it)
   * @param options the server's settings: TLS, whether the store blocks, the idle timeout, docs
   * @param workers runs requests that must not run on a selector thread; owned by the caller
   * @param web gRPC-Web and Connect on the gRPC paths; null for none
   */
  static RestHost start(
      InetSocketAddress address,
      ResourceConfig app,
      HostOptions options,
      ExecutorService workers,
      WebProtocols web) {
    requireNonNull(address, "address");
    requireNonNull(app, "app");
    requireNonNull(workers, "workers");
    HttpServer server = new HttpServer();
    NetworkListener listener =
        new NetworkListener(LISTENER, address.getHostString(), address.getPort());
    TCPNIOTransport transport = listener.getTransport();
    transport.setIOStrategy(SameThreadIOStrategy.getInstance());
    int cores = Runtime.getRuntime().availableProcessors();
    transport.setSelectorRunnersCount(cores);
    transport.setKernelThreadPoolConfig(
        ThreadPoolConfig.defaultConfig()
            .setPoolName("userapi-rest-selector")
            .setCorePoolSize(cores)
            .setMaxPoolSize(cores));
    transport.setTcpNoDelay(true);
    // A worker blocked on a client that stopped sending its body, or stopped reading a stream,
    // is freed after this long: without it a few stalled sockets would hold every worker.
    long idleMillis = options.idleTimeout().toMillis();
    transport.setReadTimeout(idleMillis, TimeUnit.MILLISECONDS);
    transport.setWriteTimeout(idleMillis, TimeUnit.MILLISECONDS);
    if (options.tls()) {
      listener.setSecure(true);
      listener.setSSLEngineConfig(
          new SSLEngineConfigurator(options.sslContext(), false, options.mutualTls(), false));
    }
    if (options.http2()) {
      // No executor of its own (see the class comment); ALPN comes from the JDK (9+). The stream
      // cap is set explicitly because Grizzly advertises SETTINGS_MAX_CONCURRENT_STREAMS only when
      // it differs from its default (100): unadvertised, a client that opens one stream more is
      // answered by tearing down the whole connection.
      listener.registerAddOn(
          new Http2AddOn(
              Http2Configuration.builder()
                  .maxConcurrentStreams(HTTP2_MAX_CONCURRENT_STREAMS)
                  .build()));
    }
    server.addListener(listener);

    ServerConfiguration config = server.getServerConfiguration();
    config.setDefaultQueryEncoding(StandardCharsets.UTF_8);
    config.setJmxEnabled(false);
    // Errors Grizzly answers itself (the drain's 503, a request it cannot parse, a missing static
    // file) are problem+json like the API's own, and no response names the server software.
    config.setDefaultErrorPageGenerator(new ProblemPages());
    config.setHttpServerName("");
    config.setHttpServerVersion("");
    InFlightRequests inFlight = new InFlightRequests();
    config.getMonitoringConfig().getWebServerConfig().addProbes(inFlight);
    GrizzlyHttpContainer jersey =
        new GrizzlyHttpContainerProvider().createContainer(GrizzlyHttpContainer.class, app);
    StaticFiles docs =
        options.docs()
            ? new StaticFiles(
                DOCS,
                "/dev/userapi/server/docs/",
                "/META-INF/resources/webjars/swagger-ui/" + swaggerUiVersion() + "/")
            : null;
    ConsoleFiles console = options.console() ? new ConsoleFiles() : null;
    Routes routes = new Routes(jersey, docs, console, web, options.blockingStore(), workers);
    config.addHttpHandler(routes, "/");
    try {
      server.start();
    } catch (IOException e) {
      server.shutdownNow();
      throw new UncheckedIOException("cannot start the REST server on " + address, e);
    }
    // The chain exists once started. Events travel from the last filter (HttpServerFilter) towards
    // the transport, so a watcher just before HttpServerFilter sees the shutdown after it.
    FilterChain chain = server.getListener(LISTENER).getFilterChain();
    chain.add(chain.indexOfType(HttpServerFilter.class), inFlight.shutdownWatcher());
    // Right after the HTTP codec, which announces an offered upgrade as soon as it parses it; h2c
    // is left to the HTTP/2 add-on when it is on, except on :watch and :stream (see the filter).
    chain.add(
        chain.indexOfType(org.glassfish.grizzly.http.HttpServerFilter.class) + 1,
        new IgnoredUpgrades(options.http2() ? Set.of("h2c") : Set.of()));
    if (options.http2()) {
      chain.add(
          chain.indexOfType(Http2ServerFilter.class) + 1, new KeepHttp2SessionsThroughTheDrain());
    }
    return new RestHost(server, inFlight, routes);
  }

  /** Gzips responses for clients that send {@code Accept-Encoding: gzip}. */
  static void enableGzip(ResourceConfig app) {
    EncodingFilter.enableFor(app, GZipEncoder.class);
  }

  /** The bound port. */
  int port() {
    return server.getListener(LISTENER).getPort();
  }

  /**
   * Stops accepting connections; requests in flight go on for up to {@code grace}, then are cut
   * off. See {@link #awaitDrained(Duration)}.
   */
  void stopAccepting(Duration grace) {
    requireNonNull(grace, "grace");
    // Before the listener closes: Grizzly unbinds first and only then tells its HTTP filter, so a
    // request on a kept-alive connection could otherwise slip into the API in between.
    routes.draining = true;
    shutdown = server.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Waits up to {@code timeout} for the requests in flight after {@link #stopAccepting}; cuts off
   * what is left. Returns whether everything finished in time.
   *
   * <p>Grizzly's own wait would also sit out every suspended response whose client hung up (see
   * {@link InFlightRequests}), so the drain ends when either count says nothing is being served.
   */
  boolean awaitDrained(Duration timeout) {
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
  void shutdownNow() {
    server.shutdownNow();
  }

  /** The version of the Swagger UI webjar on the class path. */
  static String swaggerUiVersion() {
    String pom = "/META-INF/maven/org.webjars/swagger-ui/pom.properties";
    try (InputStream in = RestHost.class.getResourceAsStream(pom)) {
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
   * Stops Grizzly's shutdown event on its way to the HTTP/2 filter, which would answer it with a
   * GOAWAY and from then on ignore new streams without a word. Past this filter the HTTP layer
   * still sees the event and answers new requests, HTTP/2 streams included, with the drain's 503.
   */
  private static final class KeepHttp2SessionsThroughTheDrain extends BaseFilter {
    @Override
    public NextAction handleEvent(FilterChainContext ctx, FilterChainEvent event)
        throws IOException {
      if (event.type() == ShutdownEvent.TYPE) {
        return ctx.getStopAction();
      }
      return ctx.getInvokeAction();
    }
  }

  /**
   * The one handler of the listener: checks the request's path, then passes it to the static files
   * or to Jersey, run on the selector thread or a worker as the class comment describes.
   *
   * <p>One root handler rather than a handler per context path: Grizzly's own mapping decodes and
   * normalises the path first, and answers a path it cannot decode ({@code %c0%ae}, a {@code ..}
   * above the root) with an empty 500. Here such a path gets 400 problem+json.
   */
  private static final class Routes extends HttpHandler {
    private final GrizzlyHttpContainer jersey;
    private final StaticFiles docs; // null: no docs
    private final ConsoleFiles console; // null: no console
    private final WebProtocols web; // null: none
    private final RequestExecutorProvider executors;
    private static final String ARRIVED_DRAINING = Routes.class.getName() + ".arrivedDraining";
    private volatile boolean draining;

    Routes(
        GrizzlyHttpContainer jersey,
        StaticFiles docs,
        ConsoleFiles console,
        WebProtocols web,
        boolean storeBlocks,
        Executor workers) {
      this.jersey = jersey;
      this.docs = docs;
      this.console = console;
      this.web = web;
      // A web call whose body has arrived runs on the selector: its responses are written without
      // blocking and the call itself runs where native gRPC runs it. A body still arriving is read
      // on a worker, as for REST.
      this.executors =
          request -> {
            if (draining) {
              // Decided as the request arrives, so one already queued for a worker is served.
              request.setAttribute(ARRIVED_DRAINING, Boolean.TRUE);
              return null;
            }
            if (isWeb(request)) {
              return request.getInputBuffer().isFinished() ? null : workers;
            }
            return isDocs(request) || isConsole(request) || mayBlock(request, storeBlocks)
                ? workers
                : null;
          };
    }

    private boolean isWeb(Request request) {
      return web != null && web.handles(request, rawPath(request));
    }

    @Override
    public RequestExecutorProvider getRequestExecutorProvider() {
      return executors;
    }

    private boolean isDocs(Request request) {
      if (docs == null) {
        return false;
      }
      String raw = rawPath(request);
      return raw.equals(DOCS) || raw.startsWith(DOCS + "/");
    }

    private boolean isConsole(Request request) {
      return console != null && ConsoleFiles.handles(rawPath(request));
    }

    private static String rawPath(Request request) {
      return request.getRequest().getRequestURIRef().getOriginalRequestURIBC().toString();
    }

    @Override
    public void service(Request request, Response response) throws Exception {
      response.setHeader(Header.Date, DateHeader.now());
      if (request.getAttribute(ARRIVED_DRAINING) != null && !isWeb(request)) {
        // Every request that arrives once the drain began gets its 503 (ProblemPages writes it);
        // a web call gets UNAVAILABLE in its own protocol's form from the stopped in-process
        // server.
        response.sendError(503);
        return;
      }
      try {
        request.getRequest().getRequestURIRef().getDecodedRequestURIBC(false);
      } catch (CharConversionException e) {
        response.sendError(400);
        return;
      }
      if (isDocs(request)) {
        docs.service(request, response);
        return;
      }
      if (isConsole(request)) {
        console.service(request, response, rawPath(request));
        return;
      }
      if (isWeb(request)) {
        web.service(request, response, rawPath(request));
        return;
      }
      boolean http2 = request.getProtocol() == Protocol.HTTP_2_0;
      if (http2 && request.getContentLengthLong() < 0) {
        // DATA frames frame an HTTP/2 body: no Content-Length or Transfer-Encoding to go by.
        request.setAttribute(Filters.BODY_WITHOUT_LENGTH, Boolean.TRUE);
      }
      jersey.service(request, response);
      if (response.getStatus() == 408 && !request.getInputBuffer().isFinished()) {
        // The body stopped arriving (UserApiFeature answers 408): send the answer. Over HTTP/1.1
        // then hang up, since the rest of the body would never come and Grizzly would wait for
        // it; over HTTP/2 finishing the response ends the stream, and the connection's other
        // streams go on.
        response.finish();
        if (!http2) {
          request.getContext().getConnection().closeSilently();
        }
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
