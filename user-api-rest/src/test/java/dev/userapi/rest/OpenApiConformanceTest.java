package dev.userapi.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The check that {@link TestServer} runs on every wire test's exchanges catches a document that
 * does not describe what the server sends — proved here by breaking the document.
 */
class OpenApiConformanceTest {
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void theServedDocumentDescribesAUserAndAProblem() throws Exception {
    List<WireRecorder.Exchange> exchanges = exchangesOfAGetAndAMissingUser();

    assertThat(OpenApiConformance.served().violations(exchanges)).isEmpty();
  }

  @Test
  void aDocumentMissingAMemberTheServerSendsIsCaught() throws Exception {
    ObjectNode broken = (ObjectNode) OpenApiConformance.servedDocument();
    ObjectNode user = (ObjectNode) broken.at("/components/schemas/User");
    user.put("additionalProperties", false);
    ((ObjectNode) user.get("properties")).remove("etag");

    List<String> violations =
        new OpenApiConformance(broken).violations(exchangesOfAGetAndAMissingUser());

    assertThat(violations).anySatisfy(v -> assertThat(v).contains("GET /api/users/", "etag"));
  }

  @Test
  void anUndocumentedStatusAndAMissingRequiredHeaderAreCaught() throws Exception {
    ObjectNode broken = (ObjectNode) OpenApiConformance.servedDocument();
    ObjectNode get = (ObjectNode) broken.at("/paths/~1api~1users~1{id}/get/responses");
    get.remove("default");
    get.remove("404");
    ObjectNode headers = (ObjectNode) get.at("/200/headers");
    headers.putObject("X-Missing").put("required", true).putObject("schema").put("type", "string");

    List<String> violations =
        new OpenApiConformance(broken).violations(exchangesOfAGetAndAMissingUser());

    assertThat(violations)
        .anySatisfy(v -> assertThat(v).contains("404", "status 404 is not documented"))
        .anySatisfy(v -> assertThat(v).contains("required header X-Missing is missing"));
  }

  @Test
  void aBodyOfAnUndocumentedMediaTypeIsCaught() throws Exception {
    JsonNode document = OpenApiConformance.servedDocument();
    ObjectNode content =
        (ObjectNode) document.at("/paths/~1api~1users~1{id}/get/responses/200/content");
    content.set("application/yaml", content.remove("application/json"));

    List<String> violations =
        new OpenApiConformance(document).violations(exchangesOfAGetAndAMissingUser());

    assertThat(violations).anySatisfy(v -> assertThat(v).contains("is not documented"));
  }

  private List<WireRecorder.Exchange> exchangesOfAGetAndAMissingUser() throws Exception {
    DefaultUserService service = DefaultUserService.inMemory();
    User ada = service.create(NewUser.of("Ada", "ada@example.com", 36));
    try (TestServer server = TestServer.start(UserApiFeature.of(service))) {
      get(server, "api/users/" + ada.id());
      get(server, "api/users/0190a0a0-0000-7000-8000-000000000000");
      List<WireRecorder.Exchange> exchanges = server.exchanges();
      assertThat(exchanges).extracting(WireRecorder.Exchange::status).containsExactly(200, 404);
      return exchanges;
    }
  }

  private void get(TestServer server, String path) throws Exception {
    http.send(
        HttpRequest.newBuilder(server.uri(path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
