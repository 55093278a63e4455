package dev.userapi.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicReference;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;
import org.glassfish.grizzly.strategies.SameThreadIOStrategy;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;

/**
 * The floor under any REST framework: a raw Grizzly handler at {@code /raw} writing the pre-built
 * JSON of the bare fixtures, on the selector thread that read the request. Jersey's own cost is the
 * distance between this and the bare resource.
 *
 * <p>{@code UserServer} hosts JAX-RS components only, so this handler has a listener of its own,
 * with the transport settings of user-server's REST host: same-thread I/O strategy, one selector
 * per core, {@code TCP_NODELAY}. Its threads are named {@code srv-raw-*} so that {@link CpuMeter}
 * counts them as server threads.
 */
final class RawFloorServer implements AutoCloseable {
  static final String THREAD_PREFIX = "srv-raw-";

  private final HttpServer server;

  private RawFloorServer(HttpServer server) {
    this.server = server;
  }

  /** Starts the raw floor on a loopback ephemeral port. */
  static RawFloorServer start(AtomicReference<Fixtures> fixtures) {
    int cores = Runtime.getRuntime().availableProcessors();
    HttpServer server = new HttpServer();
    NetworkListener listener =
        new NetworkListener("raw", InetAddress.getLoopbackAddress().getHostAddress(), 0);
    TCPNIOTransport transport = listener.getTransport();
    transport.setIOStrategy(SameThreadIOStrategy.getInstance());
    transport.setSelectorRunnersCount(cores);
    transport.setKernelThreadPoolConfig(
        ThreadPoolConfig.defaultConfig()
            .setPoolName(THREAD_PREFIX + "selector")
            .setCorePoolSize(cores)
            .setMaxPoolSize(cores));
    // Nothing runs on workers (same-thread strategy), but name the pool in case Grizzly starts it.
    transport.setWorkerThreadPoolConfig(
        ThreadPoolConfig.defaultConfig()
            .setPoolName(THREAD_PREFIX + "worker")
            .setCorePoolSize(1)
            .setMaxPoolSize(1));
    transport.setTcpNoDelay(true);
    server.addListener(listener);
    server.getServerConfiguration().setJmxEnabled(false);
    server.getServerConfiguration().addHttpHandler(new RawHandler(fixtures), "/raw");
    try {
      server.start();
    } catch (IOException e) {
      server.shutdownNow();
      throw new UncheckedIOException("cannot start the raw Grizzly server", e);
    }
    return new RawFloorServer(server);
  }

  int port() {
    return server.getListener("raw").getPort();
  }

  @Override
  public void close() {
    server.shutdownNow();
  }

  /** Writes the prepared user or page JSON; no parsing, no framework. */
  private static final class RawHandler extends HttpHandler {
    private final AtomicReference<Fixtures> fixtures;

    RawHandler(AtomicReference<Fixtures> fixtures) {
      this.fixtures = fixtures;
    }

    @Override
    public void service(Request request, Response response) throws IOException {
      byte[] body =
          request.getRequestURI().contains("/users/")
              ? fixtures.get().userJson()
              : fixtures.get().pageJson();
      response.setContentType("application/json");
      response.setContentLength(body.length);
      response.getOutputStream().write(body);
    }
  }
}
