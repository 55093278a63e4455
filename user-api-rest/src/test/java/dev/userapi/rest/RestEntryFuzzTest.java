package dev.userapi.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.InMemoryUserRepository;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes the REST entry points with arbitrary bodies over a real Jersey/Grizzly server. In CI it
 * replays the committed seed corpus (src/test/resources/.../RestEntryFuzzTestInputs); see
 * CONTRIBUTING.md to fuzz for real (instrument Jackson too). Every answer is a documented status
 * with a problem+json body when it is an error — never a 500, never a hang — and a rejected request
 * leaves the store as it was.
 */
class RestEntryFuzzTest {
  private static final Set<Integer> CREATE_OK = Set.of(201, 400, 409, 413);
  private static final Set<Integer> PATCH_OK = Set.of(200, 400, 409, 413);
  private static final Set<Integer> BATCH_OK = Set.of(200, 400, 413, 429);

  private static InMemoryUserRepository store;
  private static TestServer server;
  private static User ada;
  private static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    store = new InMemoryUserRepository();
    DefaultUserService service = DefaultUserService.of(store);
    ada = service.create(NewUser.of("Ada", "ada@example.com", 36));
    server = TestServer.start(UserApiFeature.builder(service).maxBodyBytes(64 * 1024).build());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @FuzzTest(maxDuration = "60s")
  void createUser(byte[] body) throws Exception {
    int before = store.size();

    HttpResponse<String> response = send("POST", "api/users", "application/json", body);

    assertDocumented(response, CREATE_OK);
    if (response.statusCode() != 201) {
      assertThat(store.size()).isEqualTo(before);
    }
  }

  @FuzzTest(maxDuration = "60s")
  void patchUser(byte[] body) throws Exception {
    User current = store.findById(ada.id()).orElseThrow();

    HttpResponse<String> response =
        send("PATCH", "api/users/" + ada.id(), "application/merge-patch+json", body);

    assertDocumented(response, PATCH_OK);
    if (response.statusCode() != 200) {
      assertThat(store.findById(ada.id())).hasValue(current);
    }
  }

  @FuzzTest(maxDuration = "60s")
  void batchCreate(byte[] body) throws Exception {
    int before = store.size();

    HttpResponse<String> response =
        send("POST", "api/users:batchCreate", "application/x-ndjson", body);

    assertDocumented(response, BATCH_OK);
    if (response.statusCode() != 200) {
      assertThat(store.size()).isEqualTo(before);
    }
  }

  private static void assertDocumented(HttpResponse<String> response, Set<Integer> allowed)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isIn(allowed);
    if (response.statusCode() >= 400) {
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
      JsonNode problem = json.readTree(response.body());
      assertThat(problem.get("status").asInt()).isEqualTo(response.statusCode());
      assertThat(response.body()).doesNotContain("Exception", "at com.", "at dev.");
    }
  }

  private static HttpResponse<String> send(String method, String path, String type, byte[] body)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(server.uri(path))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", type)
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
