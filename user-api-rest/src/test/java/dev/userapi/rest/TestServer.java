package dev.userapi.rest;

import jakarta.ws.rs.core.Feature;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;

/**
 * Jersey on Grizzly on a loopback ephemeral port, serving one {@link UserApiFeature}. Every
 * exchange is recorded ({@link WireRecorder}) and, when the server closes, held against the OpenAPI
 * document ({@link OpenApiConformance}): a response the document does not describe fails the test
 * that caused it.
 */
final class TestServer implements AutoCloseable {
  /**
   * What a host does to get each NDJSON line out at once on Jersey: turn off the runtime's 8 KiB
   * content-length buffer for its application (the feature leaves that setting to the host).
   */
  static final Feature UNBUFFERED =
      context -> {
        context.property("jersey.config.server.contentLength.buffer", 0);
        return true;
      };

  private final HttpServer server;
  private final URI baseUri;
  private final WireRecorder recorder;
  private final AtomicBoolean closed = new AtomicBoolean();

  private TestServer(HttpServer server, WireRecorder recorder) {
    this.server = server;
    this.recorder = recorder;
    int port = server.getListener("grizzly").getPort();
    this.baseUri = URI.create("http://127.0.0.1:" + port + "/");
  }

  static TestServer start(UserApiFeature feature, Object... extraComponents) throws IOException {
    return start(null, feature, extraComponents);
  }

  /**
   * Starts a server whose transport gives up on a read that waits longer than {@code readTimeout}
   * (null: Grizzly's default).
   */
  static TestServer start(Duration readTimeout, UserApiFeature feature, Object... extraComponents)
      throws IOException {
    WireRecorder recorder = new WireRecorder();
    ResourceConfig config = new ResourceConfig().register(feature).register(recorder);
    for (Object component : extraComponents) {
      if (component instanceof Class<?> type) {
        config.register(type);
      } else {
        config.register(component);
      }
    }
    HttpServer server =
        GrizzlyHttpServerFactory.createHttpServer(URI.create("http://127.0.0.1:0/"), config, false);
    if (readTimeout != null) {
      server
          .getListener("grizzly")
          .getTransport()
          .setReadTimeout(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    server.start();
    return new TestServer(server, recorder);
  }

  /** The server root; the API lives under {@code api/}. */
  URI baseUri() {
    return baseUri;
  }

  URI uri(String path) {
    return baseUri.resolve(path);
  }

  /** What the server answered so far. */
  List<WireRecorder.Exchange> exchanges() {
    return recorder.exchanges();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    // What the server answered while it was up: a request cut short by the shutdown itself (a test
    // that kills the server mid-call) gets the runtime's teardown answer, which no client sees.
    List<WireRecorder.Exchange> answered = recorder.exchanges();
    server.shutdownNow();
    List<String> violations = OpenApiConformance.served().violations(answered);
    if (!violations.isEmpty()) {
      throw new AssertionError(
          "responses that the OpenAPI document does not describe:\n  "
              + String.join("\n  ", violations));
    }
  }
}
