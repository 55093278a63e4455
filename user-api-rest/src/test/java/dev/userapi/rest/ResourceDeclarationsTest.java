package dev.userapi.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.userapi.core.Authenticator;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.Principal;
import dev.userapi.core.Scopes;
import dev.userapi.rest.internal.Operation;
import dev.userapi.rest.internal.PublicEndpoint;
import dev.userapi.rest.internal.UserApi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every resource method of the API says what it is ({@link Operation} or {@link PublicEndpoint}),
 * and {@link BearerAuthFilter} refuses one that does not.
 */
class ResourceDeclarationsTest {
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static boolean isResourceMethod(Method method) {
    return Modifier.isPublic(method.getModifiers())
        && (method.isAnnotationPresent(Path.class)
            || Arrays.stream(method.getAnnotations())
                .anyMatch(a -> a.annotationType().isAnnotationPresent(HttpMethod.class)));
  }

  @Test
  void everyResourceMethodOfUserResourceDeclaresExactlyOneOperationOrIsPublic() {
    List<Method> resourceMethods =
        Arrays.stream(UserResource.class.getDeclaredMethods())
            .filter(ResourceDeclarationsTest::isResourceMethod)
            .toList();

    assertThat(resourceMethods).hasSizeGreaterThanOrEqualTo(12);
    assertThat(resourceMethods)
        .allSatisfy(
            method ->
                assertThat(
                        method.isAnnotationPresent(Operation.class)
                            ^ method.isAnnotationPresent(PublicEndpoint.class))
                    .as(method.getName() + " declares exactly one of @Operation, @PublicEndpoint")
                    .isTrue());
    assertThat(
            resourceMethods.stream()
                .filter(m -> m.isAnnotationPresent(PublicEndpoint.class))
                .map(Method::getName))
        .containsExactlyInAnyOrder("health", "openApi");
  }

  /** A resource of the API (bound like UserResource) whose method forgot to declare anything. */
  @UserApi
  @Path("/api/undeclared")
  public static final class Undeclared {
    @GET
    public String hello() {
      return "served without a check";
    }
  }

  @Test
  void aResourceMethodOfTheApiThatDeclaresNothingIsRefusedEvenWithEveryScope() throws Exception {
    Authenticator tokens =
        Authenticator.staticTokens(
            Map.of("admin-secret", new Principal("admin", Set.of(Scopes.READ, Scopes.WRITE))));
    server =
        TestServer.start(
            UserApiFeature.builder(DefaultUserService.inMemory()).authenticator(tokens).build(),
            Undeclared.class);

    HttpResponse<String> withToken =
        http.send(
            HttpRequest.newBuilder(server.uri("api/undeclared"))
                .header("Authorization", "Bearer admin-secret")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> withoutToken =
        http.send(
            HttpRequest.newBuilder(server.uri("api/undeclared")).build(),
            HttpResponse.BodyHandlers.ofString());

    for (HttpResponse<String> response : List.of(withToken, withoutToken)) {
      assertThat(response.statusCode()).isEqualTo(403);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
      assertThat(new ObjectMapper().readTree(response.body()).get("code").asText())
          .isEqualTo("PERMISSION_DENIED");
    }
  }
}
