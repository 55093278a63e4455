package dev.userapi.benchmarks;

import dev.userapi.core.UserService;
import dev.userapi.server.UserServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The servers the benchmark measures, in this process on loopback ephemeral ports: one {@link
 * UserServer} (the published hosting module, as shipped) serving the real API on both protocols
 * with the bare baselines beside it, and the {@link RawFloorServer} under them. The bare baselines
 * are registered through the server's own extension points ({@code addGrpcService}, {@code
 * addRestComponent}), so they run in the same containers, on the same threads, as our API.
 */
final class InProcessServers implements AutoCloseable {
  /** Calls in flight when a run ends are the load client's last ones; they need little time. */
  private static final Duration GRACE = Duration.ofSeconds(2);

  private final UserServer server;
  private final RawFloorServer raw;
  private final long startMillis;

  private InProcessServers(UserServer server, RawFloorServer raw, long startMillis) {
    this.server = server;
    this.raw = raw;
    this.startMillis = startMillis;
  }

  /**
   * Starts the user server and the raw floor.
   *
   * @param users the service behind the real endpoints
   * @param fixtures the responses of the bare and raw endpoints
   * @param streamCount how many items the bare streams send
   * @param blockingStore the server's threading: false runs short calls on the event loop and
   *     selector threads (right for the in-memory store), true runs every call on worker pools
   */
  static InProcessServers start(
      UserService users,
      AtomicReference<Fixtures> fixtures,
      int streamCount,
      boolean blockingStore) {
    long t0 = System.nanoTime();
    UserServer.Builder builder =
        UserServer.builder(users)
            .restPort(0)
            .grpcPort(0)
            .blockingStore(blockingStore)
            .compressResponses(true)
            .http2(true) // as the CLI ships it: HTTP/1.1 and h2c on the one REST port
            .webProtocols(true) // gRPC-Web and Connect on the REST port, as the CLI ships it
            .docs(false)
            .gracePeriod(GRACE)
            .addGrpcService(() -> BareGrpcService.definition(fixtures.get(), streamCount))
            .addGrpcService(() -> BareGrpcService.protobufDefinition(fixtures.get()))
            .addRestComponent(new BareResource(fixtures, streamCount))
            .addRestComponent(BareResource.shortCalls(fixtures));
    UserServer server = builder.build().start();
    RawFloorServer raw;
    try {
      raw = RawFloorServer.start(fixtures);
    } catch (RuntimeException e) {
      server.shutdown(Duration.ZERO);
      throw e;
    }
    return new InProcessServers(server, raw, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  int grpcPort() {
    return server.grpcPort();
  }

  int restPort() {
    return server.restPort();
  }

  /** The port of the raw Grizzly floor (a listener of its own, see {@link RawFloorServer}). */
  int rawPort() {
    return raw.port();
  }

  /** Milliseconds from nothing to every server listening. */
  long startMillis() {
    return startMillis;
  }

  @Override
  public void close() {
    try {
      server.shutdown(GRACE);
    } finally {
      raw.close();
    }
  }
}
