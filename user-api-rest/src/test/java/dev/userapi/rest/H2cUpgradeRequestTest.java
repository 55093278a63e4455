package dev.userapi.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userapi.core.DefaultUserService;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * java.net.http's default client offers HTTP/2 on a plain-text connection with {@code Upgrade:
 * h2c}. The server must answer such a request over HTTP/1.1 like any other; the body-limit filter
 * once peeked at the (non-existent) body and hung until a read timeout, then answered 500.
 *
 * <p>Requests with a body and an upgrade offer are a Grizzly matter (it does not frame the body of
 * an upgrade request): see the examples server, which is where the container is chosen.
 */
class H2cUpgradeRequestTest {
  private TestServer server;
  private final HttpClient defaults = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(UserApiFeature.of(DefaultUserService.inMemory()));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    // The timeout only turns the old hang into a failure; it asserts nothing about speed.
    return defaults.send(
        request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void getWithAnUpgradeOfferIsAnsweredOverHttp11() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(server.uri("api/users")).GET());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
  }

  @Test
  void postWithAnUpgradeOfferIsAnsweredAndStoresOnce() throws Exception {
    HttpResponse<String> created =
        send(
            HttpRequest.newBuilder(server.uri("api/users"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"Ada\",\"email\":\"ada@example.com\"}")));

    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(send(HttpRequest.newBuilder(server.uri("api/users")).GET()).body())
        .contains("ada@example.com");
  }

  @Test
  void patchWithAnUpgradeOfferIsAnswered() throws Exception {
    HttpResponse<String> created =
        send(
            HttpRequest.newBuilder(server.uri("api/users"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"Ada\",\"email\":\"ada@example.com\"}")));
    String location = created.headers().firstValue("Location").orElseThrow();

    HttpResponse<String> patched =
        send(
            HttpRequest.newBuilder(server.baseUri().resolve(location))
                .header("Content-Type", "application/merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"age\":37}")));

    assertThat(patched.statusCode()).isEqualTo(200);
    assertThat(patched.body()).contains("\"age\":37");
  }

  @Test
  void deleteWithAnUpgradeOfferIsAnswered() throws Exception {
    HttpResponse<String> created =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build()
            .send(
                HttpRequest.newBuilder(server.uri("api/users"))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"name\":\"Ada\",\"email\":\"ada@example.com\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    String location = created.headers().firstValue("Location").orElseThrow();

    assertThat(
            send(HttpRequest.newBuilder(server.baseUri().resolve(location)).DELETE()).statusCode())
        .isEqualTo(204);
  }
}
