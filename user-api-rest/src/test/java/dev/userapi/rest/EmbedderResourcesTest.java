package dev.userapi.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userapi.core.Authenticator;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.Principal;
import dev.userapi.core.Scopes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An application's own resource, registered beside {@link UserApiFeature}, answers exactly as it
 * does in the same application without the feature: framing (Content-Length or chunked, as Jersey
 * decides), headers, bodies, body limits, method override and authentication.
 */
class EmbedderResourcesTest {
  private static final int LARGE = 20_000; // beyond Jersey's 8 KiB content-length buffer

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private HttpServer plain;
  private HttpServer withFeature;

  /** The embedder's resource. */
  @Path("/app")
  public static final class Own {
    @GET
    @Path("small")
    @Produces(MediaType.TEXT_PLAIN)
    public String small() {
      return "hello";
    }

    @GET
    @Path("large")
    @Produces(MediaType.TEXT_PLAIN)
    public String large() {
      return "x".repeat(LARGE);
    }

    @POST
    @Path("upload")
    @Produces(MediaType.TEXT_PLAIN)
    public String upload(InputStream body) throws IOException {
      return "POST " + body.readAllBytes().length;
    }

    @PATCH
    @Path("upload")
    @Produces(MediaType.TEXT_PLAIN)
    public String patch(InputStream body) throws IOException {
      return "PATCH " + body.readAllBytes().length;
    }

    @GET
    @Path("users/{id}")
    @Produces(MediaType.TEXT_PLAIN)
    public String user(@PathParam("id") String id) {
      return "own " + id;
    }
  }

  @BeforeEach
  void start() {
    plain = start(new ResourceConfig().register(Own.class));
    Authenticator tokens =
        Authenticator.staticTokens(Map.of("t", new Principal("p", Set.of(Scopes.READ))));
    withFeature =
        start(
            new ResourceConfig()
                .register(Own.class)
                .register(
                    UserApiFeature.builder(DefaultUserService.inMemory())
                        .maxBodyBytes(16)
                        .authenticator(tokens)
                        .build()));
  }

  private static HttpServer start(ResourceConfig config) {
    return GrizzlyHttpServerFactory.createHttpServer(URI.create("http://127.0.0.1:0/"), config);
  }

  @AfterEach
  void stop() {
    plain.shutdownNow();
    withFeature.shutdownNow();
  }

  private static URI uri(HttpServer server, String path) {
    return URI.create("http://127.0.0.1:" + server.getListener("grizzly").getPort() + "/" + path);
  }

  /** Status, body and every header but Date: what a client can tell apart. */
  private Map<String, Object> answer(HttpServer server, String path, HttpRequest.Builder request)
      throws Exception {
    HttpResponse<String> response =
        http.send(request.uri(uri(server, path)).build(), HttpResponse.BodyHandlers.ofString());
    Map<String, Object> seen = new TreeMap<>();
    seen.put(":status", response.statusCode());
    seen.put(":body", response.body());
    response.headers().map().forEach((name, values) -> seen.put(name.toLowerCase(), values));
    seen.remove("date");
    return seen;
  }

  private void assertSameAnswer(String path, HttpRequest.Builder request) throws Exception {
    Map<String, Object> without = answer(plain, path, request);
    Map<String, Object> with = answer(withFeature, path, request);
    assertThat(with).as(path).isEqualTo(without);
  }

  @Test
  void aSmallResponseKeepsJerseysContentLengthAndGetsNoExtraHeaders() throws Exception {
    assertSameAnswer("app/small", HttpRequest.newBuilder());
    assertThat(answer(withFeature, "app/small", HttpRequest.newBuilder()))
        .containsEntry("content-length", List.of("5"))
        .doesNotContainKeys("cache-control", "vary");
  }

  @Test
  void aLargeResponseIsChunkedAsJerseyDoesWithoutTheFeature() throws Exception {
    assertSameAnswer("app/large", HttpRequest.newBuilder());
    assertThat(answer(withFeature, "app/large", HttpRequest.newBuilder()))
        .containsEntry("transfer-encoding", List.of("chunked"))
        .doesNotContainKey("content-length");
  }

  @Test
  void theApisBodyLimitAndMethodOverrideDoNotApplyToOwnResources() throws Exception {
    HttpRequest.Builder upload =
        HttpRequest.newBuilder()
            .header("X-HTTP-Method-Override", "PATCH")
            .POST(HttpRequest.BodyPublishers.ofString("a body longer than sixteen bytes"));

    assertSameAnswer("app/upload", upload);
    assertThat(answer(withFeature, "app/upload", upload)).containsEntry(":body", "POST 32");
  }

  @Test
  void ownResourcesNeedNoTokenWhenTheApiRequiresOne() throws Exception {
    assertSameAnswer("app/users/42", HttpRequest.newBuilder());
    assertThat(answer(withFeature, "api/users", HttpRequest.newBuilder()))
        .containsEntry(":status", 401);
  }
}
