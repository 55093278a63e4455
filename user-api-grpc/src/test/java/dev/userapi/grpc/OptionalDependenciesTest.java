package dev.userapi.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Micrometer and the OpenTelemetry API are optional: a server and a client run on a class path
 * without them, as long as the caller does not ask for metrics or tracing.
 */
class OptionalDependenciesTest {
  /**
   * The test class path minus Micrometer and OpenTelemetry, in a loader that sees nothing else.
   * Never closed: transport threads it loaded (Netty's shared event loops) wind down after the test
   * and must still find their classes.
   */
  private static URLClassLoader withoutOptionalDependencies() {
    URL[] urls =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(entry -> !entry.contains("micrometer") && !entry.contains("opentelemetry"))
            .map(OptionalDependenciesTest::url)
            .toArray(URL[]::new);
    return new URLClassLoader(urls, ClassLoader.getPlatformClassLoader());
  }

  private static URL url(String entry) {
    try {
      return new File(entry).toURI().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException(entry, e);
    }
  }

  @Test
  void theServerAndClientRunWithoutMicrometerOrOpenTelemetry() throws Exception {
    URLClassLoader loader = withoutOptionalDependencies();
    assertThatThrownBy(() -> loader.loadClass("io.micrometer.core.instrument.MeterRegistry"))
        .isInstanceOf(ClassNotFoundException.class);
    assertThatThrownBy(() -> loader.loadClass("io.opentelemetry.api.OpenTelemetry"))
        .isInstanceOf(ClassNotFoundException.class);

    Object health =
        Class.forName(RoundTrip.class.getName(), true, loader).getMethod("run").invoke(null);

    assertThat(health).hasToString("SERVING");
  }

  /** Runs inside the restricted loader. */
  public static final class RoundTrip {
    private RoundTrip() {}

    /** Starts a plain Netty server with logging, calls it through a client, stops both. */
    public static String run() {
      try (LoopbackServer server =
              LoopbackServer.builder(
                      UserGrpcService.of(dev.userapi.core.DefaultUserService.inMemory()))
                  .intercept(GrpcRequestLogging.interceptor())
                  .start();
          GrpcUserClient client = GrpcUserClient.connect(server.target())) {
        client.create(dev.userapi.core.NewUser.of("Ada", "ada@example.com"), null);
        return client.health().toString();
      }
    }
  }
}
