package dev.userapi.server.cli;

import static java.util.Objects.requireNonNull;

import dev.userapi.core.Authenticator;
import dev.userapi.core.UserService;
import dev.userapi.server.ServerTls;
import dev.userapi.server.UserServer;
import dev.userapi.server.internal.console.ConsoleGuard;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command-line server, {@code userapi-server.jar}: one {@link UserService} (in memory, or
 * PostgreSQL with {@code --jdbc-url}) hosted over REST and gRPC by a {@link UserServer} built from
 * flags and environment variables. Operators script against the flags; the class is not API.
 *
 * <pre>{@code
 * java -jar user-server/target/userapi-server.jar --rest-port 8080 --grpc-port 9090 --seed 100
 * }</pre>
 *
 * <p>Thread-safe.
 */
@Command(
    name = "userapi-server",
    mixinStandardHelpOptions = true,
    version = "userapi-server 0.1.0",
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Serves one user service over REST and gRPC from one process.",
      "REST: http://<bind>:<rest-port>/api/users (Swagger UI at /docs/).",
      "gRPC: <bind>:<grpc-port>, service userapi.v1.UserService with health and reflection.",
      "gRPC-Web and Connect: the REST port, at the gRPC paths (--no-web-protocols: off).",
      "Console: http://<bind>:<rest-port>/ (--no-console: off).",
      ""
    },
    footer = {
      "",
      "Every option can also come from an environment variable: USERAPI_REST_PORT,",
      "USERAPI_GRPC_PORT, USERAPI_BIND, USERAPI_SEED, USERAPI_JDBC_URL, USERAPI_JDBC_USER,",
      "USERAPI_JDBC_PASSWORD, USERAPI_GRACE_PERIOD, USERAPI_TOKEN_FILE, USERAPI_TLS_CERT,",
      "USERAPI_TLS_KEY, USERAPI_TLS_CLIENT_CA, USERAPI_INSECURE, USERAPI_MAX_WATCHES,",
      "USERAPI_MAX_STREAMS, USERAPI_IDLE_TIMEOUT, USERAPI_HTTP2, USERAPI_WEB_PROTOCOLS,",
      "USERAPI_CORS_ORIGINS (comma-separated), USERAPI_CONSOLE, USERAPI_CONSOLE_TOOLS.",
      "A flag wins over its variable.",
      "",
      "Example: userapi-server --rest-port 0 --grpc-port 0 --seed 1000"
    })
public final class UserServerCommand implements Callable<Integer>, AutoCloseable {
  static {
    // The jar logs through slf4j-simple: to stderr at info, quiet about gRPC's and Netty's
    // internals. Set before the first logger is made; -D flags on the command line still win.
    logDefault("org.slf4j.simpleLogger.defaultLogLevel", "info");
    logDefault("org.slf4j.simpleLogger.showDateTime", "true");
    logDefault("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
    logDefault("org.slf4j.simpleLogger.showShortLogName", "true");
    logDefault("org.slf4j.simpleLogger.log.io.grpc", "warn");
    logDefault("org.slf4j.simpleLogger.log.io.netty", "warn");
  }

  private static final Logger log = LoggerFactory.getLogger(UserServerCommand.class);

  private static void logDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /**
   * Threads for calls that may block: REST streaming everywhere, every call on a blocking store.
   */
  private static final int WORKER_THREADS = 16;

  @Option(
      names = "--rest-port",
      paramLabel = "PORT",
      defaultValue = "${env:USERAPI_REST_PORT:-8080}",
      description =
          "HTTP port for REST and /docs; 0 picks a free port (default: ${DEFAULT-VALUE}).")
  private int restPort;

  @Option(
      names = "--grpc-port",
      paramLabel = "PORT",
      defaultValue = "${env:USERAPI_GRPC_PORT:-9090}",
      description = "gRPC port; 0 picks a free port (default: ${DEFAULT-VALUE}).")
  private int grpcPort;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      defaultValue = "${env:USERAPI_BIND:-127.0.0.1}",
      description =
          "Address both protocols listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
  private String bind;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "${env:USERAPI_SEED:-0}",
      description =
          "Create N deterministic users (user1@example.com ...) at start (default: ${DEFAULT-VALUE}).")
  private int seed;

  @Option(
      names = "--jdbc-url",
      paramLabel = "URL",
      defaultValue = "${env:USERAPI_JDBC_URL}",
      description =
          "PostgreSQL JDBC URL, e.g. jdbc:postgresql://localhost:5432/users; without it the store is in memory.")
  private String jdbcUrl;

  @Option(
      names = "--jdbc-user",
      paramLabel = "USER",
      defaultValue = "${env:USERAPI_JDBC_USER}",
      description = "Database user.")
  private String jdbcUser;

  @Option(
      names = "--jdbc-password",
      paramLabel = "PASSWORD",
      defaultValue = "${env:USERAPI_JDBC_PASSWORD}",
      description =
          "Database password (prefer the USERAPI_JDBC_PASSWORD variable: flags show in ps).")
  private String jdbcPassword;

  @Option(
      names = "--grace-period",
      paramLabel = "DURATION",
      defaultValue = "${env:USERAPI_GRACE_PERIOD:-10s}",
      converter = DurationConverter.class,
      description =
          "How long calls in flight may run on shutdown: 500ms, 10s, 2m or ISO-8601 (default: ${DEFAULT-VALUE}).")
  private Duration gracePeriod;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      defaultValue = "${env:USERAPI_TOKEN_FILE}",
      description = {
        "Require bearer tokens on both protocols. One per line: '<token> <scope>[,<scope>...] [<name>]',",
        "scopes users.read, users.write, users.admin. Without it the server is open."
      })
  private Path tokenFile;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      defaultValue = "${env:USERAPI_TLS_CERT}",
      description = "PEM certificate chain: serve HTTPS and gRPC over TLS (with --tls-key).")
  private Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      defaultValue = "${env:USERAPI_TLS_KEY}",
      description = "PEM PKCS#8 private key of --tls-cert.")
  private Path tlsKey;

  @Option(
      names = "--tls-client-ca",
      paramLabel = "FILE",
      defaultValue = "${env:USERAPI_TLS_CLIENT_CA}",
      description = "PEM CA certificates: require client certificates signed by them (mutual TLS).")
  private Path tlsClientCa;

  @Option(
      names = "--insecure",
      defaultValue = "${env:USERAPI_INSECURE:-false}",
      description = "Allow serving a non-loopback --bind address without --token-file.")
  private boolean insecure;

  @Option(
      names = "--max-watches",
      paramLabel = "N",
      defaultValue = "${env:USERAPI_MAX_WATCHES:-1024}",
      description =
          "Open watches allowed at once, both protocols; more get RESOURCE_EXHAUSTED / 429 (default: ${DEFAULT-VALUE}).")
  private int maxWatches;

  @Option(
      names = "--max-streams",
      paramLabel = "N",
      defaultValue = "${env:USERAPI_MAX_STREAMS:-256}",
      description =
          "Open user streams allowed at once, both protocols (default: ${DEFAULT-VALUE}).")
  private int maxStreams;

  @Option(
      names = "--idle-timeout",
      paramLabel = "DURATION",
      defaultValue = "${env:USERAPI_IDLE_TIMEOUT:-30s}",
      converter = DurationConverter.class,
      description = {
        "How long a REST request body may stop arriving, or a REST response or gRPC stream stop",
        "being read, before the server gives up on it and frees what it holds",
        "(default: ${DEFAULT-VALUE})."
      })
  private Duration idleTimeout;

  @Option(
      names = "--http2",
      negatable = true,
      defaultValue = "${env:USERAPI_HTTP2:-true}",
      fallbackValue = "true",
      description = {
        "Serve HTTP/2 on the REST port besides HTTP/1.1: h2c (prior knowledge or Upgrade), or h2",
        "through ALPN with TLS; --no-http2 keeps the port on HTTP/1.1 (default: ${DEFAULT-VALUE})."
      })
  private boolean http2;

  @Option(
      names = "--web-protocols",
      negatable = true,
      defaultValue = "${env:USERAPI_WEB_PROTOCOLS:-true}",
      fallbackValue = "true",
      description = {
        "Serve gRPC-Web and Connect on the REST port, at the gRPC paths",
        "(POST /userapi.v1.UserService/GetUser); on by default."
      })
  private boolean webProtocols;

  @Option(
      names = "--cors-origin",
      paramLabel = "ORIGIN",
      split = ",",
      defaultValue = "${env:USERAPI_CORS_ORIGINS}",
      description = {
        "An origin (https://app.example.com) whose browser pages may call gRPC-Web and Connect;",
        "repeat it, or separate with commas; * for any. None by default (same origin only)."
      })
  private List<String> corsOrigins;

  @Option(
      names = "--console",
      negatable = true,
      defaultValue = "${env:USERAPI_CONSOLE:-true}",
      fallbackValue = "true",
      description = {
        "Serve the console at / (REST and gRPC side by side, live streams, the benchmark) and",
        "its API under /console/api/; on by default."
      })
  private boolean console;

  @Option(
      names = "--console-tools",
      negatable = true,
      defaultValue = "${env:USERAPI_CONSOLE_TOOLS}",
      fallbackValue = "true",
      description = {
        "The console's tools (benchmark runs, client scenarios, request-log tail). Unset: on only",
        "on a loopback bind without --token-file. --console-tools turns them on anywhere (with",
        "tokens each call then needs the users.admin scope); --no-console-tools turns them off."
      })
  private Boolean consoleTools;

  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile Running running;

  /**
   * A server configured from command-line arguments (and environment variables); not started.
   *
   * @param args the options, as on the command line
   * @return the server
   */
  public static UserServerCommand fromArgs(String... args) {
    UserServerCommand server = new UserServerCommand();
    new CommandLine(server).parseArgs(args);
    return server;
  }

  /**
   * Runs the server until Ctrl-C (or SIGTERM); {@code --help} lists the options.
   *
   * @param args the options
   */
  public static void main(String[] args) {
    int exit = new CommandLine(new UserServerCommand()).execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  /** The picocli entry point: start, print how to call it, serve until the JVM is asked to stop. */
  @Override
  public Integer call() throws InterruptedException {
    start();
    printBanner(System.out);
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "userapi-shutdown"));
    stopped.await();
    return 0;
  }

  /**
   * Opens the store, seeds it if asked, and starts both protocols.
   *
   * @return this command, serving
   * @throws IllegalStateException if already started
   * @throws IllegalArgumentException if the flags are invalid or name unreadable files
   */
  public UserServerCommand start() {
    validate();
    quietContainerLogging();
    Security security = readSecurityFiles(); // before the store is opened: fail fast
    return start(openStore(), security);
  }

  /** Starts over {@code store}, which is closed on shutdown (tests use their own). */
  UserServerCommand start(Store store) {
    try {
      validate();
      return start(store, readSecurityFiles());
    } catch (RuntimeException e) {
      closeQuietly(store.resources());
      throw e;
    }
  }

  private synchronized UserServerCommand start(Store store, Security security) {
    if (running != null) {
      closeQuietly(store.resources());
      throw new IllegalStateException("already started");
    }
    try {
      int seeded = 0;
      if (seed > 0) {
        Seeder.Result result = Seeder.seed(store.service(), seed);
        seeded = result.created() + result.alreadyPresent();
        log.info("seeded {} users ({} were already there)", seeded, result.alreadyPresent());
      }
      UserServer server = configure(store, security).build().start();
      running = new Running(store, server, security, seeded);
    } catch (RuntimeException e) {
      closeQuietly(store.resources());
      throw e;
    }
    return this;
  }

  private UserServer.Builder configure(Store store, Security security) {
    UserServer.Builder server =
        UserServer.builder(store.service())
            .bind(bind)
            .restPort(restPort)
            .grpcPort(grpcPort)
            .blockingStore(store.blocks())
            .workerThreads(WORKER_THREADS)
            .maxConcurrentStreams(maxStreams)
            .maxConcurrentWatches(maxWatches)
            .idleTimeout(idleTimeout)
            .http2(http2)
            .gracePeriod(gracePeriod)
            .insecure(insecure)
            .webProtocols(webProtocols)
            .console(console);
    if (consoleTools != null) {
      server.consoleTools(consoleTools);
    }
    if (corsOrigins != null && !corsOrigins.isEmpty()) {
      server.corsAllowedOrigins(corsOrigins);
    }
    if (security.tls() != null) {
      server.tls(security.tls());
    }
    if (security.authenticator() != null) {
      server.authenticator(security.authenticator());
    }
    return server;
  }

  /** What --tls-* and --token-file name, read and checked. */
  private record Security(ServerTls tls, Authenticator authenticator) {}

  private Security readSecurityFiles() {
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together");
    }
    if (tlsClientCa != null && tlsCert == null) {
      throw new IllegalArgumentException("--tls-client-ca needs --tls-cert and --tls-key");
    }
    ServerTls tls = null;
    if (tlsCert != null) {
      tls = ServerTls.fromPem(tlsCert, tlsKey);
      if (tlsClientCa != null) {
        tls = tls.requireClientCertificates(tlsClientCa);
      }
    }
    Authenticator authenticator = tokenFile == null ? null : TokenFile.read(tokenFile);
    checkExposure(tls, authenticator);
    return new Security(tls, authenticator);
  }

  /**
   * The REST port actually bound (useful with {@code --rest-port 0}).
   *
   * @return the port
   */
  public int restPort() {
    return running().server.restPort();
  }

  /**
   * The gRPC port actually bound (useful with {@code --grpc-port 0}).
   *
   * @return the port
   */
  public int grpcPort() {
    return running().server.grpcPort();
  }

  /**
   * The root of the REST server; the API is under {@code api/}, Swagger UI under {@code docs/}.
   *
   * @return the root URI
   */
  public URI restUri() {
    return running().server.restUri();
  }

  /**
   * The gRPC target, for {@code GrpcUserClient.connect} or grpcurl.
   *
   * @return {@code host:port}
   */
  public String grpcTarget() {
    return running().server.grpcTarget();
  }

  /**
   * The configured grace period.
   *
   * @return the grace period
   */
  public Duration gracePeriod() {
    return gracePeriod;
  }

  /**
   * Stops gracefully (see {@link UserServer#shutdown(Duration)}), then closes the store.
   * Idempotent.
   *
   * @param grace how long calls in flight may take
   */
  public void shutdown(Duration grace) {
    requireNonNull(grace, "grace");
    Running r;
    synchronized (this) {
      r = running;
      running = null;
    }
    if (r != null) {
      r.server.shutdown(grace);
      closeQuietly(r.store.resources());
    }
    stopped.countDown();
  }

  /** {@link #shutdown(Duration)} with the configured grace period. */
  @Override
  public void close() {
    shutdown(gracePeriod);
  }

  /**
   * Prints where each protocol listens and commands to try.
   *
   * @param out where to print
   */
  public void printBanner(PrintStream out) {
    Running r = running();
    String rest = restUri().toString();
    String grpc = grpcTarget();
    String seeded = seed > 0 ? ", " + r.seeded + " users seeded" : "";
    out.println(
        "userapi server: one UserService ("
            + r.store.description()
            + " store"
            + seeded
            + ") over REST and gRPC");
    out.println("  REST  listening on " + rest + "api/users");
    out.println("        Swagger UI " + rest + "docs/  OpenAPI " + rest + "api/openapi.yaml");
    out.println(
        "  gRPC  listening on " + grpc + "  (userapi.v1.UserService, grpc.health.v1, reflection)");
    if (console) {
      out.println("  Console " + rest + "  (tools " + consoleToolsState(r) + ")");
    }
    out.println();
    boolean tls = r.security.tls() != null;
    boolean tokens = r.security.authenticator() != null;
    String curl =
        "curl"
            + (tls ? " --cacert CA.pem" : "")
            + (tokens ? " -H \"Authorization: Bearer $TOKEN\"" : "");
    String grpcurl =
        "grpcurl "
            + (tls ? "-cacert CA.pem" : "-plaintext")
            + (tokens ? " -H \"authorization: Bearer $TOKEN\"" : "");
    out.println("Try REST:");
    out.println(
        "  "
            + curl
            + " -i -H 'Content-Type: application/json' -d '{\"name\":\"Ada Lovelace\",\"email\":\"ada@example.com\",\"age\":36}' "
            + rest
            + "api/users");
    out.println("  " + curl + " '" + rest + "api/users?pageSize=5'");
    out.println("  " + curl + " -N " + rest + "api/users:stream");
    out.println("  " + curl + " -N " + rest + "api/users:watch");
    out.println("Try gRPC (grpcurl; reflection means no .proto is needed):");
    out.println("  " + grpcurl + " " + grpc + " list userapi.v1.UserService");
    out.println(
        "  "
            + grpcurl
            + " -d '{\"user\":{\"name\":\"Grace Hopper\",\"email\":\"grace@example.com\",\"age\":85}}' "
            + grpc
            + " userapi.v1.UserService/CreateUser");
    out.println(
        "  " + grpcurl + " -d '{\"pageSize\":5}' " + grpc + " userapi.v1.UserService/ListUsers");
    out.println("  " + grpcurl + " -d '{}' " + grpc + " userapi.v1.UserService/WatchUsers");
    if (webProtocols) {
      out.println("Try Connect (the same gRPC methods on the REST port, JSON over HTTP/1.1):");
      out.println(
          "  "
              + curl
              + " -H 'Content-Type: application/json' -d '{\"pageSize\":5}' "
              + rest
              + "userapi.v1.UserService/ListUsers");
    }
    if (tokens) {
      out.println(
          "Every user call needs a bearer token from the token file ($TOKEN above); /api/health stays open.");
    }
    out.println(
        "Ctrl-C stops the server; calls in flight get " + format(gracePeriod) + " to finish.");
    out.flush();
  }

  /** What the console's guard decides, in the words of its rule. */
  private String consoleToolsState(Running r) {
    return ConsoleGuard.of(bind, r.security.authenticator(), consoleTools).reason();
  }

  private Running running() {
    Running r = running;
    if (r == null) {
      throw new IllegalStateException("not running");
    }
    return r;
  }

  private void validate() {
    checkPort("--rest-port", restPort);
    checkPort("--grpc-port", grpcPort);
    if (seed < 0) {
      throw new IllegalArgumentException("--seed: " + seed + " (expected: >= 0)");
    }
    if (maxWatches < 1 || maxStreams < 1) {
      throw new IllegalArgumentException("--max-watches and --max-streams: expected >= 1");
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("--idle-timeout: " + idleTimeout + " (expected: > 0)");
    }
    if (gracePeriod.isNegative()) {
      throw new IllegalArgumentException("--grace-period: " + gracePeriod + " (expected: >= 0)");
    }
  }

  /**
   * An open server is for loopback: anyone who can reach a public address could read and change
   * every user. Serving one without tokens takes an explicit --insecure. (UserServer's builder
   * refuses it too; here the message names the flags.)
   */
  private void checkExposure(ServerTls tls, Authenticator authenticator) {
    boolean loopback;
    try {
      loopback = InetAddress.getByName(bind).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--bind: cannot resolve " + bind);
    }
    if (loopback) {
      return;
    }
    if (authenticator == null && !insecure) {
      throw new IllegalArgumentException(
          "refusing to serve "
              + bind
              + " without authentication: give --token-file"
              + " (and --tls-cert/--tls-key), or --insecure to serve it open anyway");
    }
    if (tls == null) {
      log.warn(
          "serving {} without TLS: tokens and personal data cross the network in clear text", bind);
    }
  }

  private static void checkPort(String flag, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(flag + ": " + port + " (expected: 0..65535)");
    }
  }

  private Store openStore() {
    if (jdbcUrl == null || jdbcUrl.isBlank()) {
      return Store.inMemory();
    }
    return Store.postgres(jdbcUrl, jdbcUser, jdbcPassword, WORKER_THREADS);
  }

  private static String format(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  private static void closeQuietly(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception e) {
      log.warn("closing the store failed", e);
    }
  }

  /**
   * Grizzly, Jersey and grpc-java log through java.util.logging; keep their info chatter (and the
   * notice that a graceful shutdown has begun, which we log ourselves) off the console. Held here
   * because JUL keeps loggers weakly.
   */
  private static final java.util.logging.Logger GLASSFISH =
      java.util.logging.Logger.getLogger("org.glassfish");

  private static final java.util.logging.Logger GRIZZLY_SHUTDOWN =
      java.util.logging.Logger.getLogger("org.glassfish.grizzly.nio.GracefulShutdownRunner");

  /**
   * grpc-java logs through java.util.logging too, not SLF4J: the {@code log.io.grpc=warn} above
   * only reaches the SLF4J side, so the same level is set here for JUL.
   */
  private static final java.util.logging.Logger GRPC =
      java.util.logging.Logger.getLogger("io.grpc");

  private static void quietContainerLogging() {
    GLASSFISH.setLevel(Level.WARNING);
    GRIZZLY_SHUTDOWN.setLevel(Level.SEVERE);
    GRPC.setLevel(Level.WARNING);
  }

  /** What runs between {@link #start()} and {@link #shutdown(Duration)}. */
  private record Running(Store store, UserServer server, Security security, int seeded) {}

  /** {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, a bare number of seconds, or ISO-8601. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      try {
        if (v.startsWith("p")) {
          return Duration.parse(v.toUpperCase(Locale.ROOT));
        }
        if (v.endsWith("ms")) {
          return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        if (v.endsWith("s")) {
          return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
        }
        if (v.endsWith("m")) {
          return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
        }
        if (v.endsWith("h")) {
          return Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
        }
        return Duration.ofSeconds(Long.parseLong(v));
      } catch (NumberFormatException | DateTimeParseException e) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a duration (expected e.g. 500ms, 10s, 2m or PT10S)");
      }
    }
  }
}
