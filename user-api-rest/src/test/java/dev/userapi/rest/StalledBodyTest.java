package dev.userapi.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.userapi.core.BlockingStream;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.UserFilter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A request body that stops arriving, against Jersey on Grizzly with a short transport read
 * timeout: the feature alone (no host-specific mapper) answers 408 problem+json with {@code
 * Connection: close}. Closing the socket is the host's part (Grizzly would wait for the rest of the
 * body), so it is not asserted here.
 */
@Timeout(60)
class StalledBodyTest {
  private static final ObjectMapper json = new ObjectMapper();

  private final DefaultUserService users = DefaultUserService.inMemory();
  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aBodyThatStopsArrivingIsAnsweredWith408AndConnectionClose() throws Exception {
    server = TestServer.start(Duration.ofMillis(300), UserApiFeature.of(users));
    try (Socket socket = new Socket("127.0.0.1", server.baseUri().getPort())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      // Half of a 100-byte body, then silence: the socket stays open, nothing more is sent.
      out.write(
          ("POST /api/users HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  + "Content-Length: 100\r\n\r\n"
                  + "{\"name\":\"Ada\",\"email\":\"ada@exa")
              .getBytes(StandardCharsets.UTF_8));
      out.flush();

      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String statusLine = in.readLine();
      Map<String, String> headers = new HashMap<>();
      for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
        int colon = line.indexOf(':');
        headers.put(
            line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).trim());
      }
      char[] body = new char[Integer.parseInt(headers.get("content-length"))];
      int read = 0;
      while (read < body.length) {
        read += in.read(body, read, body.length - read);
      }
      JsonNode problem = json.readTree(new String(body));

      assertThat(statusLine).startsWith("HTTP/1.1 408");
      assertThat(headers.get("content-type")).startsWith("application/problem+json");
      assertThat(headers.get("connection")).isEqualToIgnoringCase("close");
      assertThat(problem.get("status").asInt()).isEqualTo(408);
      assertThat(problem.get("code").asText()).isEqualTo("DEADLINE_EXCEEDED");
      assertThat(problem.get("detail").asText()).isEqualTo("the request body stopped arriving");
    }
    assertThat(BlockingStream.toList(users.stream(UserFilter.all()))).isEmpty();
  }
}
