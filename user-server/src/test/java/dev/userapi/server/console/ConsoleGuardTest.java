package dev.userapi.server.console;

import static dev.userapi.server.console.ConsoleHttp.get;
import static dev.userapi.server.console.ConsoleHttp.json;
import static dev.userapi.server.console.ConsoleHttp.open;
import static dev.userapi.server.console.ConsoleHttp.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.userapi.core.Authenticator;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.Principal;
import dev.userapi.core.Scopes;
import dev.userapi.server.UserServer;
import dev.userapi.server.internal.console.ConsoleGuard;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Who may use the console's tools (the request-log tail stands for all of them) and the demo write,
 * on real servers: open on loopback without tokens; off with tokens unless turned on, and then only
 * with the admin scope; off when turned off; absent without the console.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConsoleGuardTest {
  private static final Authenticator TOKENS =
      Authenticator.staticTokens(
          Map.of(
              "reader-secret", new Principal("reader", Set.of(Scopes.READ)),
              "writer-secret", new Principal("writer", Set.of(Scopes.WRITE)),
              "admin-secret", new Principal("admin", Set.of(Scopes.ADMIN))));

  private static UserServer open;
  private static UserServer tokens;
  private static UserServer tokensWithTools;
  private static UserServer toolsOff;
  private static UserServer noConsole;

  @BeforeAll
  static void start() {
    open = server().console(true).build().start();
    tokens = server().console(true).authenticator(TOKENS).build().start();
    tokensWithTools =
        server().console(true).authenticator(TOKENS).consoleTools(true).build().start();
    toolsOff = server().console(true).consoleTools(false).build().start();
    noConsole = server().build().start();
  }

  private static UserServer.Builder server() {
    return UserServer.builder(DefaultUserService.inMemory())
        .restPort(0)
        .grpcPort(0)
        .blockingStore(false);
  }

  @AfterAll
  static void stop() {
    for (UserServer server :
        new UserServer[] {open, tokens, tokensWithTools, toolsOff, noConsole}) {
      if (server != null) {
        server.close();
      }
    }
  }

  @Test
  void toolsAreOnOnLoopbackWithoutTokens() throws Exception {
    assertThat(logStatus(open, null)).isEqualTo(200);
    JsonNode info = json(get(open.restUri(), "console/api/info", null));
    assertThat(info.get("tools").asBoolean()).isTrue();
    assertThat(info.get("auth").asBoolean()).isFalse();
    assertThat(info.get("toolsReason").asText()).contains("loopback");
  }

  @Test
  void toolsAreOffWithTokensAndThe404SaysHowToTurnThemOn() throws Exception {
    HttpResponse<String> response = get(tokens.restUri(), "console/api/log", "admin-secret");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(json(response).get("code").asText()).isEqualTo("NOT_FOUND");
    assertThat(json(response).get("detail").asText()).contains("--console-tools");
    JsonNode info = json(get(tokens.restUri(), "console/api/info", null));
    assertThat(info.get("tools").asBoolean()).isFalse();
    assertThat(info.get("auth").asBoolean()).isTrue();
  }

  @Test
  void turnedOnWithTokensTheToolsNeedATokenFirst() throws Exception {
    HttpResponse<String> response = get(tokensWithTools.restUri(), "console/api/log", null);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
    assertThat(json(response).get("code").asText()).isEqualTo("UNAUTHENTICATED");
  }

  @Test
  void turnedOnWithTokensTheToolsRefuseAnUnknownToken() throws Exception {
    assertThat(logStatus(tokensWithTools, "wrong-secret")).isEqualTo(401);
  }

  @Test
  void turnedOnWithTokensTheToolsRefuseAWriteToken() throws Exception {
    HttpResponse<String> response =
        get(tokensWithTools.restUri(), "console/api/log", "writer-secret");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(json(response).get("code").asText()).isEqualTo("PERMISSION_DENIED");
    assertThat(json(response).get("detail").asText()).contains(Scopes.ADMIN);
  }

  @Test
  void turnedOnWithTokensTheToolsServeAnAdminToken() throws Exception {
    assertThat(logStatus(tokensWithTools, "admin-secret")).isEqualTo(200);
    assertThat(
            json(get(tokensWithTools.restUri(), "console/api/info", null)).get("tools").asBoolean())
        .isTrue();
  }

  @Test
  void turnedOffTheToolsAre404EvenOnLoopback() throws Exception {
    HttpResponse<String> response = get(toolsOff.restUri(), "console/api/log", null);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(json(response).get("detail").asText()).contains("--no-console-tools");
  }

  @Test
  void withoutTheConsoleItsApiIsNotThere() throws Exception {
    assertThat(get(noConsole.restUri(), "console/api/info", null).statusCode()).isEqualTo(404);
    assertThat(post(noConsole.restUri(), "console/api/demo/write", null, null).statusCode())
        .isEqualTo(404);
  }

  @Test
  void theDemoWriteNeedsTheWriteScopeWhenTheServerHasTokens() throws Exception {
    String path = "console/api/demo/write";
    assertThat(post(tokens.restUri(), path, null, null).statusCode()).isEqualTo(401);
    assertThat(post(tokens.restUri(), path, "reader-secret", null).statusCode()).isEqualTo(403);
    assertThat(post(tokens.restUri(), path, "writer-secret", null).statusCode()).isEqualTo(201);
    assertThat(post(tokens.restUri(), path, "admin-secret", null).statusCode()).isEqualTo(201);
  }

  @Test
  void theRuleIsOnForLoopbackNamesAndOffForOtherAddressesOrTokens() {
    assertThat(ConsoleGuard.of("127.0.0.1", null, null).toolsOn()).isTrue();
    assertThat(ConsoleGuard.of("localhost", null, null).toolsOn()).isTrue();
    assertThat(ConsoleGuard.of("::1", null, null).toolsOn()).isTrue();
    assertThat(ConsoleGuard.of("0.0.0.0", null, null).toolsOn()).isFalse();
    assertThat(ConsoleGuard.of("0.0.0.0", null, null).reason()).contains("not to loopback");
    assertThat(ConsoleGuard.of("127.0.0.1", TOKENS, null).toolsOn()).isFalse();
    assertThat(ConsoleGuard.of("0.0.0.0", TOKENS, true).toolsOn()).isTrue();
    assertThat(ConsoleGuard.of("127.0.0.1", null, false).toolsOn()).isFalse();
  }

  private static int logStatus(UserServer server, String token) throws Exception {
    HttpResponse<InputStream> response = open(server.restUri(), "console/api/log", token);
    try (InputStream body = response.body()) {
      if (response.statusCode() == 200) {
        assertThat(response.headers().firstValue("Content-Type").orElse(""))
            .startsWith("text/event-stream");
      }
      return response.statusCode();
    }
  }
}
