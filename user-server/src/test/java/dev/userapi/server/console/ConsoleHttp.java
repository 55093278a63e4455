package dev.userapi.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.userapi.core.DefaultUserService;
import dev.userapi.server.UserServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** What the console tests send and read, over java.net.http (HTTP/1.1). */
final class ConsoleHttp {
  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  static final ObjectMapper JSON = new ObjectMapper();

  private ConsoleHttp() {}

  /** A server on free ports over an empty in-memory store, with the console on. */
  static UserServer.Builder consoleServer() {
    return UserServer.builder(DefaultUserService.inMemory()).restPort(0).grpcPort(0).console(true);
  }

  static HttpResponse<String> get(URI root, String path, String token) throws Exception {
    return HTTP.send(
        request(root, path, token).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(URI root, String path, String token, String json)
      throws Exception {
    HttpRequest.Builder request =
        request(root, path, token)
            .header("Content-Type", "application/json")
            .POST(
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Opens an event stream; the caller closes its body. */
  static HttpResponse<InputStream> open(URI root, String path, String token) throws Exception {
    return HTTP.send(
        request(root, path, token).header("Accept", "text/event-stream").GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
  }

  static JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  private static HttpRequest.Builder request(URI root, String path, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(root.resolve(path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return request;
  }

  /** Reads SSE {@code data:} lines of {@code event} until {@code until} holds for the ones read. */
  static final class Events implements AutoCloseable {
    private final BufferedReader reader;
    private final List<String> raw = new ArrayList<>();

    Events(InputStream body) {
      this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    }

    /** Every line read so far, comments and names included. */
    List<String> raw() {
      return raw;
    }

    /** The data of events named {@code name}, read until {@code until} holds for the list. */
    List<JsonNode> readUntil(String name, Predicate<List<JsonNode>> until) {
      List<JsonNode> events = new ArrayList<>();
      String event = null;
      try {
        String line;
        while ((line = reader.readLine()) != null) {
          raw.add(line);
          if (line.startsWith("event:")) {
            event = line.substring(6).trim();
          } else if (line.startsWith("data:") && name.equals(event)) {
            events.add(JSON.readTree(line.substring(5).trim()));
            if (until.test(events)) {
              return events;
            }
          } else if (line.isEmpty()) {
            event = null;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      throw new AssertionError("the stream ended before the expected events; read " + raw);
    }

    /** One event: its name and its data. */
    record Named(String name, JsonNode data) {}

    /** Every event until the server ends the stream. */
    List<Named> readToEnd() {
      List<Named> events = new ArrayList<>();
      String event = null;
      try {
        String line;
        while ((line = reader.readLine()) != null) {
          raw.add(line);
          if (line.startsWith("event:")) {
            event = line.substring(6).trim();
          } else if (line.startsWith("data:")) {
            events.add(new Named(event, JSON.readTree(line.substring(5).trim())));
          } else if (line.isEmpty()) {
            event = null;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return events;
    }

    @Override
    public void close() throws IOException {
      reader.close();
    }
  }
}
