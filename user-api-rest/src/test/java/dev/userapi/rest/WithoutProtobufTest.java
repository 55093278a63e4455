package dev.userapi.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * user-api-grpc (and with it protobuf) is optional: without it the API speaks JSON, refuses a
 * protobuf request with 406 or 415 before doing anything, and the client refuses protobuf mode.
 */
// A hang guard, not a speed check: the fresh class loader loads Jersey, Grizzly and TestServer's
// OpenAPI validator anew, which takes tens of seconds on a loaded 2-core machine.
@Timeout(180)
class WithoutProtobufTest {
  private static URLClassLoader withoutProtobuf() {
    URL[] urls =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(entry -> !entry.contains("protobuf") && !entry.contains("grpc"))
            .filter(entry -> !entry.contains("user-api-proto"))
            .map(WithoutProtobufTest::url)
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
  void theApiSpeaksJsonAndRefusesProtobufUpFront() throws Exception {
    Thread thread = Thread.currentThread();
    ClassLoader original = thread.getContextClassLoader();
    URLClassLoader loader = withoutProtobuf();
    try {
      assertThatThrownBy(() -> loader.loadClass("com.google.protobuf.Message"))
          .isInstanceOf(ClassNotFoundException.class);
      thread.setContextClassLoader(loader);

      Object outcome =
          Class.forName(Exchanges.class.getName(), true, loader).getMethod("run").invoke(null);

      assertThat(outcome).isEqualTo(List.of("200 application/json", "406", "415 1", "refused"));
    } finally {
      thread.setContextClassLoader(original);
    }
  }

  /** Runs inside the restricted loader. */
  public static final class Exchanges {
    private Exchanges() {}

    /** The status (and type) of a JSON read, a protobuf read and a protobuf create. */
    public static List<String> run() throws Exception {
      DefaultUserService service = DefaultUserService.inMemory();
      User ada = service.create(NewUser.of("Ada", "ada@example.com"));
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      try (TestServer server = TestServer.start(UserApiFeature.of(service))) {
        HttpResponse<String> json = get(http, server, ada.id(), "application/json");
        HttpResponse<String> protobuf = get(http, server, ada.id(), "application/x-protobuf");
        HttpResponse<String> create =
            http.send(
                HttpRequest.newBuilder(server.uri("api/users"))
                    .header("Content-Type", "application/x-protobuf")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {0x12, 0x01, 0x41}))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        String client;
        try {
          RestUserClient.builder().baseUri(server.baseUri()).protobuf(true).build().close();
          client = "built";
        } catch (IllegalStateException e) {
          client = "refused";
        }
        return List.of(
            json.statusCode()
                + " "
                + json.headers().firstValue("Content-Type").orElse("").split(";")[0],
            protobuf.statusCode()
                + (protobuf.body().contains("\"code\"") ? "" : " (not a problem)"),
            create.statusCode()
                + " "
                + service
                    .list(new dev.userapi.core.UserQuery(dev.userapi.core.UserFilter.all(), 0, ""))
                    .items()
                    .size(),
            client);
      }
    }

    private static HttpResponse<String> get(
        HttpClient http, TestServer server, String id, String accept) throws Exception {
      return http.send(
          HttpRequest.newBuilder(server.uri("api/users/" + id)).header("Accept", accept).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }
}
