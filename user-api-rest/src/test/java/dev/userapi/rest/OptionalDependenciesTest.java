package dev.userapi.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.NewUser;
import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Micrometer and the OpenTelemetry API are optional: the feature, the resource and the client run
 * on a class path without them, as long as the caller does not ask for metrics or tracing.
 */
// A hang guard, not a speed check: the fresh class loader loads Jersey, Grizzly and TestServer's
// OpenAPI validator anew, which takes tens of seconds on a loaded 2-core machine.
@Timeout(180)
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
    Thread thread = Thread.currentThread();
    ClassLoader original = thread.getContextClassLoader();
    URLClassLoader loader = withoutOptionalDependencies();
    try {
      assertThatThrownBy(() -> loader.loadClass("io.micrometer.core.instrument.MeterRegistry"))
          .isInstanceOf(ClassNotFoundException.class);
      assertThatThrownBy(() -> loader.loadClass("io.opentelemetry.api.OpenTelemetry"))
          .isInstanceOf(ClassNotFoundException.class);
      // Jakarta REST finds its implementation through the context class loader.
      thread.setContextClassLoader(loader);

      Object name =
          Class.forName(RoundTrip.class.getName(), true, loader).getMethod("run").invoke(null);

      assertThat(name).isEqualTo("Ada");
    } finally {
      thread.setContextClassLoader(original);
    }
  }

  /** Runs inside the restricted loader. */
  public static final class RoundTrip {
    private RoundTrip() {}

    /** Serves with request logging, creates a user through the client, stops both. */
    public static String run() throws IOException {
      try (TestServer server =
              TestServer.start(
                  UserApiFeature.of(DefaultUserService.inMemory()), RestRequestLogging.feature());
          RestUserClient client = RestUserClient.connect(server.baseUri())) {
        return client.create(NewUser.of("Ada", "ada@example.com"), null).name();
      }
    }
  }
}
