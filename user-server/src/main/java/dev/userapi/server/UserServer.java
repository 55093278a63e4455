package dev.userapi.server;

import static java.util.Objects.requireNonNull;

import dev.userapi.core.Authenticator;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.LimitedUserService;
import dev.userapi.core.UserService;
import dev.userapi.grpc.GrpcMetrics;
import dev.userapi.grpc.GrpcTracing;
import dev.userapi.rest.RestMetrics;
import dev.userapi.rest.RestTracing;
import dev.userapi.server.internal.HostOptions;
import dev.userapi.server.internal.Hosting;
import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import jakarta.ws.rs.core.Feature;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Hosts one {@link UserService} over REST (Jersey on Grizzly: {@code /api/users}, the OpenAPI
 * document at {@code /api/openapi.yaml}, Swagger UI at {@code /docs/}) and gRPC (grpc-java on
 * Netty: {@code userapi.v1.UserService}, {@code grpc.health.v1}, server reflection) from one
 * builder, with production behaviour on both: TLS and mutual TLS, bearer tokens with scopes,
 * limits, idle and stalled-stream timeouts, health following {@link UserService#health()}, metrics
 * and tracing hooks, and a staged graceful shutdown.
 *
 * <pre>{@code
 * try (UserServer server = UserServer.builder(DefaultUserService.inMemory())
 *         .restPort(8080)
 *         .grpcPort(9090)
 *         .blockingStore(false)        // the in-memory store never blocks
 *         .build()
 *         .start()) {
 *   server.awaitTermination();
 * }
 * }</pre>
 *
 * <p><b>Threading</b> follows the store ({@link Builder#blockingStore}). When it never blocks, gRPC
 * calls run on the Netty event loop and short REST calls (one user, a page of up to 100, health) on
 * Grizzly's selector thread: no thread hop per call. Streaming REST endpoints, large pages, the
 * docs and requests whose body is still arriving go to a bounded worker pool, as do the events of
 * SSE watches. When the store blocks (JDBC), every call of both protocols runs on bounded worker
 * pools.
 *
 * <p><b>Shutdown</b> ({@link #shutdown(Duration)}, {@link #close()}) goes in stages: health turns
 * NOT_SERVING on both protocols, open watches end normally, both listeners stop accepting, calls in
 * flight get the grace period to finish, then what is left is cut off and every thread the server
 * started is stopped. Requests that arrive meanwhile get 503 problem+json with {@code Retry-After}
 * (REST) or UNAVAILABLE (gRPC). The {@link UserService} is not closed: whoever opened it closes it.
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class UserServer implements AutoCloseable {
  private final HostOptions options;
  private final Object lock = new Object();
  private Hosting running; // guarded by lock
  private boolean stopped; // guarded by lock

  private UserServer(HostOptions options) {
    this.options = options;
  }

  /**
   * A builder for a server of {@code users}.
   *
   * @param users the service both protocols serve
   * @return a new builder with the defaults documented on each of its methods
   */
  public static Builder builder(UserService users) {
    return new Builder(requireNonNull(users, "users"));
  }

  /**
   * Binds both listeners and starts serving.
   *
   * @return this server
   * @throws IllegalStateException if started before
   * @throws java.io.UncheckedIOException if a port cannot be bound
   */
  public UserServer start() {
    synchronized (lock) {
      if (running != null || stopped) {
        throw new IllegalStateException("already started");
      }
      running = Hosting.start(options);
      return this;
    }
  }

  /**
   * The REST port bound (useful with port 0).
   *
   * @return the port
   * @throws IllegalStateException when not running
   */
  public int restPort() {
    return running().restPort();
  }

  /**
   * The gRPC port bound (useful with port 0).
   *
   * @return the port
   * @throws IllegalStateException when not running
   */
  public int grpcPort() {
    return running().grpcPort();
  }

  /**
   * The root of the HTTP listener, {@code http://host:port/} or {@code https://...} with TLS; the
   * API is under {@code api/}, Swagger UI under {@code docs/}.
   *
   * @return the root URI
   * @throws IllegalStateException when not running
   */
  public URI restUri() {
    String scheme = options.tls() ? "https" : "http";
    return URI.create(scheme + "://" + hostForUrls() + ":" + restPort() + "/");
  }

  /**
   * The gRPC target, {@code host:port}, for {@code GrpcUserClient.connect} or grpcurl.
   *
   * @return the target
   * @throws IllegalStateException when not running
   */
  public String grpcTarget() {
    return hostForUrls() + ":" + grpcPort();
  }

  /**
   * The grace period {@link #close()} gives calls in flight.
   *
   * @return the grace period
   */
  public Duration gracePeriod() {
    return options.gracePeriod();
  }

  /**
   * Whether the server is serving: started and not yet shut down.
   *
   * @return true while serving
   */
  public boolean isRunning() {
    synchronized (lock) {
      return running != null;
    }
  }

  /**
   * Stops in stages (see the class comment), giving calls in flight up to {@code grace}; returns
   * once everything the server started has stopped. Idempotent; a server that was never started
   * cannot be started afterwards.
   *
   * @param grace how long calls in flight may take
   * @return true if every call finished within the grace period, false if some were cut off
   */
  public boolean shutdown(Duration grace) {
    requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace: " + grace + " (expected: >= 0)");
    }
    Hosting hosting;
    synchronized (lock) {
      hosting = running;
      running = null;
      stopped = true;
      lock.notifyAll();
    }
    return hosting == null || hosting.shutdown(grace);
  }

  /** {@link #shutdown(Duration)} with the builder's grace period. */
  @Override
  public void close() {
    shutdown(options.gracePeriod());
  }

  /**
   * Blocks until the server has been shut down.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  public void awaitTermination() throws InterruptedException {
    synchronized (lock) {
      while (!stopped) {
        lock.wait();
      }
    }
  }

  private Hosting running() {
    synchronized (lock) {
      if (running == null) {
        throw new IllegalStateException("not running");
      }
      return running;
    }
  }

  private String hostForUrls() {
    String bind = options.bind();
    if (bind.equals("0.0.0.0") || bind.equals("::")) {
      return "localhost";
    }
    return bind.indexOf(':') >= 0 ? "[" + bind + "]" : bind;
  }

  /**
   * Configures a {@link UserServer}. Every setting has a default fit for a loopback development
   * server; {@link #build()} checks the combination. Not thread-safe.
   */
  public static final class Builder {
    private final UserService users;
    private String bind = "127.0.0.1";
    private int restPort = 8080;
    private int grpcPort = 9090;
    private boolean blockingStore = true;
    private int workerThreads = 16;
    private ServerTls tls;
    private Authenticator authenticator;
    private boolean insecure;
    private long maxRequestBodyBytes = 1024 * 1024;
    private int maxMessageBytes = 1024 * 1024;
    private int maxCallsPerConnection = 128;
    private int maxBatchItems = DefaultUserService.DEFAULT_MAX_BATCH_SIZE;
    private int maxConcurrentStreams = LimitedUserService.DEFAULT_MAX_CONCURRENT_STREAMS;
    private int maxConcurrentWatches = LimitedUserService.DEFAULT_MAX_CONCURRENT_WATCHES;
    private Duration idleTimeout = Duration.ofSeconds(30);
    private Duration watchHeartbeat = Duration.ofSeconds(15);
    private Duration healthCheckInterval = Duration.ofSeconds(2);
    private Duration gracePeriod = Duration.ofSeconds(10);
    private boolean reflection = true;
    private boolean docs = true;
    private boolean compressResponses;
    private boolean http2;
    private boolean webProtocols;
    private List<String> corsAllowedOrigins = List.of();
    private boolean console;
    private Boolean consoleTools; // null: the console's rule decides
    private ServerInterceptor grpcMetrics;
    private Feature restMetrics;
    private ServerInterceptor grpcTracing;
    private Feature restTracing;
    private final List<ServerServiceDefinition> grpcServices = new ArrayList<>();
    private final List<Object> restComponents = new ArrayList<>();

    private Builder(UserService users) {
      this.users = users;
    }

    /**
     * The address both listeners bind; {@code 127.0.0.1} by default, {@code 0.0.0.0} for every
     * interface. A non-loopback address needs an {@link #authenticator} (or {@link #insecure}).
     *
     * @param address a host name or literal address
     * @return this builder
     */
    public Builder bind(String address) {
      this.bind = requireNonNull(address, "address").strip();
      return this;
    }

    /**
     * The HTTP port of REST and the docs; 8080 by default, 0 picks a free port.
     *
     * @param port 0..65535
     * @return this builder
     */
    public Builder restPort(int port) {
      this.restPort = checkPort("restPort", port);
      return this;
    }

    /**
     * The gRPC port; 9090 by default, 0 picks a free port.
     *
     * @param port 0..65535
     * @return this builder
     */
    public Builder grpcPort(int port) {
      this.grpcPort = checkPort("grpcPort", port);
      return this;
    }

    /**
     * Whether calls into the service may block (a JDBC store: true, the default) or never do (the
     * in-memory store: false). Decides the threading of both protocols; see the class comment. A
     * service that blocks but is declared non-blocking stalls the event loops.
     *
     * @param blocks whether the service may block
     * @return this builder
     */
    public Builder blockingStore(boolean blocks) {
      this.blockingStore = blocks;
      return this;
    }

    /**
     * Threads of each worker pool (REST, and gRPC when the store blocks); 16 by default. With a
     * pooled JDBC store, about the pool's size.
     *
     * @param threads at least 1
     * @return this builder
     */
    public Builder workerThreads(int threads) {
      this.workerThreads = checkAtLeastOne("workerThreads", threads);
      return this;
    }

    /**
     * Serves HTTPS and gRPC over TLS (optionally mutual) instead of plaintext.
     *
     * @param tls the certificate, key and client CA
     * @return this builder
     */
    public Builder tls(ServerTls tls) {
      this.tls = requireNonNull(tls, "tls");
      return this;
    }

    /**
     * Requires a bearer token with the operation's scope on every user call of both protocols
     * ({@code Authorization: Bearer ...}); health, the OpenAPI document and the docs stay open.
     * Without one the server is open to anyone who can reach it.
     *
     * @param authenticator checks presented tokens
     * @return this builder
     */
    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = requireNonNull(authenticator, "authenticator");
      return this;
    }

    /**
     * Allows a non-loopback {@link #bind} address without an {@link #authenticator}; refused
     * otherwise, since anyone who reaches the address could read and change every user.
     *
     * @param insecure true to serve an open server beyond loopback
     * @return this builder
     */
    public Builder insecure(boolean insecure) {
      this.insecure = insecure;
      return this;
    }

    /**
     * The largest REST request body; larger ones get 413. 1 MiB by default.
     *
     * @param bytes at least 1
     * @return this builder
     */
    public Builder maxRequestBodyBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxRequestBodyBytes: " + bytes + " (expected: >= 1)");
      }
      this.maxRequestBodyBytes = bytes;
      return this;
    }

    /**
     * The largest gRPC request message; larger ones fail with RESOURCE_EXHAUSTED. 1 MiB by default.
     *
     * @param bytes at least 1
     * @return this builder
     */
    public Builder maxMessageBytes(int bytes) {
      this.maxMessageBytes = checkAtLeastOne("maxMessageBytes", bytes);
      return this;
    }

    /**
     * Calls in flight allowed on one gRPC connection (HTTP/2 MAX_CONCURRENT_STREAMS); 128 by
     * default, so that one connection cannot hog the server.
     *
     * @param calls at least 1
     * @return this builder
     */
    public Builder maxCallsPerConnection(int calls) {
      this.maxCallsPerConnection = checkAtLeastOne("maxCallsPerConnection", calls);
      return this;
    }

    /**
     * The most users one gRPC BatchCreateUsers call may carry; the service's own batch limit also
     * applies (REST's batch bodies are bounded by {@link #maxRequestBodyBytes} and the service).
     *
     * @param items at least 1
     * @return this builder
     */
    public Builder maxBatchItems(int items) {
      this.maxBatchItems = checkAtLeastOne("maxBatchItems", items);
      return this;
    }

    /**
     * User streams open at once over both protocols; more get 429 / RESOURCE_EXHAUSTED. {@value
     * LimitedUserService#DEFAULT_MAX_CONCURRENT_STREAMS} by default.
     *
     * @param streams at least 1
     * @return this builder
     */
    public Builder maxConcurrentStreams(int streams) {
      this.maxConcurrentStreams = checkAtLeastOne("maxConcurrentStreams", streams);
      return this;
    }

    /**
     * Watches open at once over both protocols; more get 429 / RESOURCE_EXHAUSTED. {@value
     * LimitedUserService#DEFAULT_MAX_CONCURRENT_WATCHES} by default.
     *
     * @param watches at least 1
     * @return this builder
     */
    public Builder maxConcurrentWatches(int watches) {
      this.maxConcurrentWatches = checkAtLeastOne("maxConcurrentWatches", watches);
      return this;
    }

    /**
     * How long a REST request body may stop arriving or a REST response stop being read, and how
     * long a gRPC stream may go on with a client that takes (or sends) no data, before the server
     * gives up on it and frees what it holds: a half-sent body gets 408 and its connection is
     * closed, a stalled gRPC stream ends with DEADLINE_EXCEEDED. 30 seconds by default.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = checkPositive("idleTimeout", timeout);
      return this;
    }

    /**
     * How often an idle SSE watch gets a comment line, which finds departed clients and keeps
     * proxies from closing the connection; 15 seconds by default.
     *
     * @param interval a positive duration
     * @return this builder
     */
    public Builder watchHeartbeat(Duration interval) {
      this.watchHeartbeat = checkPositive("watchHeartbeat", interval);
      return this;
    }

    /**
     * How often {@link UserService#health()} is asked for the gRPC health service (REST asks on
     * each {@code /api/health}); 2 seconds by default.
     *
     * @param interval a positive duration
     * @return this builder
     */
    public Builder healthCheckInterval(Duration interval) {
      this.healthCheckInterval = checkPositive("healthCheckInterval", interval);
      return this;
    }

    /**
     * How long calls in flight may run when {@link UserServer#close()} is called; 10 seconds by
     * default.
     *
     * @param grace zero or more
     * @return this builder
     */
    public Builder gracePeriod(Duration grace) {
      requireNonNull(grace, "grace");
      if (grace.isNegative()) {
        throw new IllegalArgumentException("gracePeriod: " + grace + " (expected: >= 0)");
      }
      this.gracePeriod = grace;
      return this;
    }

    /**
     * Whether gRPC server reflection is served (grpcurl needs no {@code .proto}); on by default.
     *
     * @param enabled false to leave it out
     * @return this builder
     */
    public Builder reflection(boolean enabled) {
      this.reflection = enabled;
      return this;
    }

    /**
     * Whether Swagger UI is served at {@code /docs/}; on by default. The OpenAPI document at {@code
     * /api/openapi.yaml} is part of the API and always served.
     *
     * @param enabled false to leave it out
     * @return this builder
     */
    public Builder docs(boolean enabled) {
      this.docs = enabled;
      return this;
    }

    /**
     * Whether responses are gzipped for clients that ask: REST responses of requests with {@code
     * Accept-Encoding: gzip}, gRPC responses of calls whose request came gzipped (every grpc-java
     * client accepts gzip, so a compressed request is the only signal of a client that wants it).
     * Off by default: on loopback and fast networks it costs more CPU than it saves.
     *
     * @param enabled true to compress
     * @return this builder
     */
    public Builder compressResponses(boolean enabled) {
      this.compressResponses = enabled;
      return this;
    }

    /**
     * Whether the REST port also speaks HTTP/2; off by default. HTTP/1.1 keeps working on the same
     * port either way. Without TLS a client reaches HTTP/2 with prior knowledge ({@code curl
     * --http2-prior-knowledge}) or by an {@code Upgrade: h2c} request (java.net.http's {@code
     * HttpClient}); with {@link #tls} through ALPN. The API behaves the same on both versions:
     * NDJSON and Server-Sent Events stream under HTTP/2 flow control; the body limit (413, with or
     * without a {@code Content-Length}), the idle timeout (408; on HTTP/2 only the stalled stream
     * ends), the stream and watch limits (429) and the drain (requests in flight finish, new ones
     * get 503 with {@code Retry-After}) answer the same. The gRPC port is HTTP/2 regardless.
     *
     * <p>Off by default in the library so that an embedding application's port changes protocol
     * only when it asks: with HTTP/2 on, clients that offer an upgrade (java.net.http's default
     * client does, on every cleartext connection) move to HTTP/2, which changes what proxies,
     * access logs and connection limits in front of the port see. The command-line server turns it
     * on ({@code --no-http2} turns it off).
     *
     * @param enabled true to serve HTTP/2 besides HTTP/1.1
     * @return this builder
     * @since 0.1.0
     */
    public Builder http2(boolean enabled) {
      this.http2 = enabled;
      return this;
    }

    /**
     * Whether the HTTP port also serves the gRPC services to browsers and HTTP/1.1 clients, at
     * their gRPC paths ({@code POST /userapi.v1.UserService/GetUser}): gRPC-Web ({@code
     * application/grpc-web[+proto]}, {@code application/grpc-web-text}) and Connect (unary {@code
     * application/json} and {@code application/proto}, streaming {@code application/connect+json}
     * and {@code +proto}). Each call goes through the same service definition and interceptors as a
     * native gRPC call (authentication, limits, metrics, tracing), in process. Unary and server
     * streaming; client streaming runs half-duplex (every message in the request body). Off by
     * default; the command-line server turns it on.
     *
     * @param enabled true to serve them
     * @return this builder
     * @since 0.1.0
     */
    public Builder webProtocols(boolean enabled) {
      this.webProtocols = enabled;
      return this;
    }

    /**
     * The origins (such as {@code https://app.example.com}) whose pages may call the gRPC-Web and
     * Connect endpoints from a browser: their CORS preflights are answered and the responses carry
     * {@code Access-Control-Allow-Origin}. {@code *} allows every origin. None by default, so
     * browsers keep such calls to the server's own origin. Replaces earlier origins.
     *
     * @param origins scheme, host and port of each allowed origin
     * @return this builder
     * @since 0.1.0
     */
    public Builder corsAllowedOrigins(java.util.Collection<String> origins) {
      requireNonNull(origins, "origins");
      for (String origin : origins) {
        requireNonNull(origin, "origin");
        if (!origin.equals("*") && !origin.matches("(?i)https?://[^/\\s]+/?")) {
          throw new IllegalArgumentException(
              "corsAllowedOrigins: " + origin + " (expected: scheme://host[:port] or *)");
        }
      }
      this.corsAllowedOrigins = List.copyOf(origins);
      return this;
    }

    /**
     * {@link #corsAllowedOrigins(java.util.Collection)} with the origins as arguments.
     *
     * @param origins scheme, host and port of each allowed origin
     * @return this builder
     * @since 0.1.0
     */
    public Builder corsAllowedOrigins(String... origins) {
      return corsAllowedOrigins(List.of(origins));
    }

    /**
     * Whether the HTTP port serves the console: the page at {@code /} and its API under {@code
     * /console/api/} (server info, a demo write through the server's own service, and the guarded
     * tools: the benchmark, the client scenarios and the request-log tail, see {@link
     * #consoleTools(boolean)}). Off by default in the library; the command-line server turns it on
     * ({@code --no-console} turns it off). The page calls this server over REST and over gRPC-Web
     * side by side (its gRPC panels need {@link #webProtocols(boolean)}); its files carry a
     * Content-Security-Policy that allows this origin only, and with an {@link #authenticator} it
     * asks for a token and sends it on both protocols.
     *
     * @param enabled true to serve the console
     * @return this builder
     * @since 0.1.0
     */
    public Builder console(boolean enabled) {
      this.console = enabled;
      return this;
    }

    /**
     * Whether the console's tools are served: the benchmark runs, the client scenarios and the
     * request-log tail under {@code /console/api/}. Unset, they are on only when the server is
     * bound to a loopback address and has no {@link #authenticator}; {@code true} turns them on
     * anywhere, and then, with an authenticator, each call of a tool needs a token with the {@code
     * users.admin} scope (401 without a token, 403 without the scope); {@code false} turns them
     * off. Off, they answer 404 with a problem that says how to turn them on. Has no effect without
     * {@link #console(boolean)}.
     *
     * @param enabled true to serve the tools, false to refuse them
     * @return this builder
     * @since 0.1.0
     */
    public Builder consoleTools(boolean enabled) {
      this.consoleTools = enabled;
      return this;
    }

    /**
     * Records per-operation metrics of both protocols into {@code registry} (timers {@code
     * userapi.server.calls}, counters {@code userapi.server.errors}, tagged by protocol and
     * operation). Needs {@code io.micrometer:micrometer-core} on the class path.
     *
     * @param registry where the meters are registered
     * @return this builder
     */
    public Builder meterRegistry(MeterRegistry registry) {
      requireNonNull(registry, "registry");
      this.grpcMetrics = GrpcMetrics.interceptor(registry);
      this.restMetrics = RestMetrics.feature(registry);
      return this;
    }

    /**
     * Continues W3C trace context from incoming calls of both protocols and records a server span
     * per call. Needs {@code io.opentelemetry:opentelemetry-api} on the class path.
     *
     * @param openTelemetry the OpenTelemetry instance
     * @return this builder
     */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      requireNonNull(openTelemetry, "openTelemetry");
      this.grpcTracing = GrpcTracing.serverInterceptor(openTelemetry);
      this.restTracing = RestTracing.serverFeature(openTelemetry);
      return this;
    }

    /**
     * Serves another gRPC service beside the user service, on the same listener and executor,
     * without the user service's interceptors (authentication, metrics, tracing): your own health
     * of dependencies, an admin service, a baseline to measure against. {@link #compressResponses}
     * applies to it as to the user service.
     *
     * @param service the service
     * @return this builder
     */
    public Builder addGrpcService(BindableService service) {
      grpcServices.add(requireNonNull(service, "service").bindService());
      return this;
    }

    /**
     * Registers a JAX-RS component (a resource, provider or feature, as a class or an instance) in
     * the REST application beside the user API, for resources of your own. The API's filters, error
     * mappers and JSON configuration apply only to its own endpoints.
     *
     * @param component a JAX-RS component class or instance
     * @return this builder
     */
    public Builder addRestComponent(Object component) {
      restComponents.add(requireNonNull(component, "component"));
      return this;
    }

    /**
     * Checks the settings and makes the server; {@link UserServer#start()} binds it.
     *
     * @return a new, unstarted server
     * @throws IllegalStateException when the settings do not go together (an open server on a
     *     public address)
     */
    public UserServer build() {
      checkExposure();
      return new UserServer(
          new HostOptions(
              users,
              bind,
              restPort,
              grpcPort,
              blockingStore,
              workerThreads,
              tls == null ? InsecureServerCredentials.create() : tls.grpcCredentials(),
              tls == null ? null : tls.sslContext(),
              tls != null && tls.mutualTls(),
              tls == null ? List.of() : tls.certificateChain(),
              authenticator,
              maxRequestBodyBytes,
              maxMessageBytes,
              maxCallsPerConnection,
              maxBatchItems,
              maxConcurrentStreams,
              maxConcurrentWatches,
              idleTimeout,
              watchHeartbeat,
              healthCheckInterval,
              gracePeriod,
              reflection,
              docs,
              compressResponses,
              http2,
              webProtocols,
              corsAllowedOrigins,
              console,
              consoleTools,
              grpcMetrics,
              restMetrics,
              grpcTracing,
              restTracing,
              List.copyOf(grpcServices),
              List.copyOf(restComponents)));
    }

    private void checkExposure() {
      boolean loopback;
      try {
        loopback = InetAddress.getByName(bind).isLoopbackAddress();
      } catch (UnknownHostException e) {
        throw new IllegalStateException("bind: cannot resolve " + bind, e);
      }
      if (!loopback && authenticator == null && !insecure) {
        throw new IllegalStateException(
            "refusing to serve "
                + bind
                + " without authentication: set an authenticator (and TLS),"
                + " or insecure(true) to serve it open anyway");
      }
    }

    private static int checkPort(String name, int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(name + ": " + port + " (expected: 0..65535)");
      }
      return port;
    }

    private static int checkAtLeastOne(String name, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1)");
      }
      return value;
    }

    private static Duration checkPositive(String name, Duration value) {
      requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
      }
      return value;
    }
  }
}
