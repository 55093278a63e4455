package dev.userapi.examples.embedding;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.UserService;
import dev.userapi.server.UserServer;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * userapi inside an application: one {@link UserServer} hosts the user API on both protocols, and
 * the application's own REST resource ({@link AppInfo}) beside it on the same listener. Both
 * protocols serve the same {@link UserService}, so a user created over one is there on the other.
 *
 * <pre>
 * mvn -q -pl examples exec:java -Dexec.mainClass=dev.userapi.examples.embedding.EmbeddedApp
 * </pre>
 *
 * <p>Ports default to 0 (free ports, printed). Serves until Ctrl-C.
 *
 * @since 0.1.0
 */
public final class EmbeddedApp implements AutoCloseable {
  private final UserServer server;

  private EmbeddedApp(UserServer server) {
    this.server = server;
  }

  /**
   * Starts the application on {@code 127.0.0.1}; 0 picks a free port.
   *
   * @param restPort the REST port
   * @param grpcPort the gRPC port
   * @return the running application
   */
  public static EmbeddedApp start(int restPort, int grpcPort) {
    UserService users = DefaultUserService.inMemory(); // or over PostgresUserRepository
    UserServer server =
        UserServer.builder(users)
            .restPort(restPort)
            .grpcPort(grpcPort)
            .blockingStore(false) // in memory: calls run on the event loops, no thread hop
            .gracePeriod(Duration.ofSeconds(2))
            .addRestComponent(new AppInfo()) // the application's own resource
            .build()
            .start();
    return new EmbeddedApp(server);
  }

  /**
   * Where the REST listener is; the user API is under {@code api/}, the app's own under {@code
   * app/}.
   *
   * @return the REST root
   */
  public URI restUri() {
    return server.restUri();
  }

  /**
   * Where the gRPC listener is.
   *
   * @return {@code host:port}
   */
  public String grpcTarget() {
    return server.grpcTarget();
  }

  /** Stops both protocols gracefully. */
  @Override
  public void close() {
    server.close();
  }

  /** The application's own resource, served beside the user API. */
  @Path("app/info")
  public static final class AppInfo {
    /**
     * What this application is.
     *
     * @return a line of text
     */
    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String info() {
      return "embedded app with userapi inside";
    }
  }

  /**
   * Runs the application until it is stopped.
   *
   * @param args optional REST port and gRPC port (default: free ports)
   * @throws InterruptedException when interrupted while running
   */
  public static void main(String[] args) throws InterruptedException {
    int restPort = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    int grpcPort = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    EmbeddedApp embedded = start(restPort, grpcPort);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  embedded.close();
                  stopped.countDown();
                },
                "embedded-shutdown"));
    System.out.println(
        "embedded app: REST "
            + embedded.restUri()
            + "api/users (and app/info), gRPC "
            + embedded.grpcTarget());
    System.out.println("Ctrl-C stops it.");
    stopped.await();
  }
}
