package dev.userapi.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.core.UserFilter;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * NDJSON streaming and SSE watch over a real socket. The timeout only turns a hang into a failure.
 */
@Timeout(60)
class UserResourceStreamingTest {
  private static final ObjectMapper json = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void streamSendsLinesBeforeTheSourceEnds() throws Exception {
    DefaultUserService core = DefaultUserService.inMemory();
    for (int i = 0; i < 3; i++) {
      core.create(NewUser.of("user" + i, "u" + i + "@example.com"));
    }
    StalledStreamService stalled = new StalledStreamService(core);
    server = TestServer.start(UserApiFeature.of(stalled), TestServer.UNBUFFERED);
    HttpRequest request = HttpRequest.newBuilder(server.uri("api/users:stream")).build();

    HttpResponse<InputStream> response =
        http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      // The source has sent three users and stalls: all three must arrive before it ends.
      List<String> firstThree = List.of(lines.readLine(), lines.readLine(), lines.readLine());
      assertThat(stalled.completed.getCount()).isEqualTo(1);
      stalled.release();

      assertThat(firstThree)
          .extracting(l -> json.readTree(l).get("name").asText())
          .containsExactly("user0", "user1", "user2");
      assertThat(lines.readLine()).isNull();
    }
  }

  @Test
  void streamEndsWithAnErrorLineWhenTheSourceFailsMidway() throws Exception {
    DefaultUserService core = DefaultUserService.inMemory();
    core.create(NewUser.of("Ada", "ada@example.com"));
    StalledStreamService failing = new StalledStreamService(core);
    server = TestServer.start(UserApiFeature.of(failing), TestServer.UNBUFFERED);
    HttpRequest request = HttpRequest.newBuilder(server.uri("api/users:stream")).build();

    HttpResponse<InputStream> response =
        http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      assertThat(lines.readLine()).contains("Ada");
      failing.fail(dev.userapi.core.UserException.notFound("x"));
      JsonNode error = json.readTree(lines.readLine()).get("error");
      assertThat(error.get("code").asText()).isEqualTo("NOT_FOUND");
      assertThat(lines.readLine()).isNull();
    }
  }

  @Test
  void watchSendsHistoryAndLiveEventsAsServerSentEvents() throws Exception {
    DefaultUserService core = DefaultUserService.inMemory();
    User ada = core.create(NewUser.of("Ada", "ada@example.com"));
    server = TestServer.start(UserApiFeature.of(core));
    HttpRequest request =
        HttpRequest.newBuilder(server.uri("api/users:watch"))
            .header("Accept", "text/event-stream")
            .header("Last-Event-ID", "0")
            .build();

    HttpResponse<InputStream> response =
        http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      List<String> first = readEvent(lines);
      core.update(ada.id(), dev.userapi.core.UserUpdate.builder().age(36).build(), null);
      List<String> second = readEvent(lines);

      assertThat(first).contains("id:1", "event:created");
      assertThat(second).contains("id:2", "event:updated");
      JsonNode data = json.readTree(dataOf(second));
      assertThat(data.get("sequence").asLong()).isEqualTo(2);
      assertThat(data.get("type").asText()).isEqualTo("UPDATED");
      assertThat(data.get("user").get("age").asInt()).isEqualTo(36);
    }
  }

  @Test
  void aWatchWithHeartbeatsEndsWhenItsClientLeavesEvenWithoutChanges() throws Exception {
    java.util.concurrent.ScheduledExecutorService scheduler =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    try {
      WatchCancelRecorder observed = new WatchCancelRecorder(DefaultUserService.inMemory());
      server =
          TestServer.start(
              UserApiFeature.builder(observed)
                  .watchHeartbeat(java.time.Duration.ofMillis(20), scheduler)
                  .build());
      HttpRequest request = HttpRequest.newBuilder(server.uri("api/users:watch")).build();

      HttpResponse<InputStream> response =
          http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (BufferedReader lines =
          new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
        assertThat(lines.readLine()).startsWith(":");
      }

      assertThat(observed.cancelled.await(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      server.close();
      server = null;
      scheduler.shutdownNow();
    }
  }

  @Test
  void watchResumesAfterLastEventId() throws Exception {
    DefaultUserService core = DefaultUserService.inMemory();
    core.create(NewUser.of("Ada", "ada@example.com"));
    core.create(NewUser.of("Grace", "grace@example.com"));
    server = TestServer.start(UserApiFeature.of(core));
    HttpRequest request =
        HttpRequest.newBuilder(server.uri("api/users:watch")).header("Last-Event-ID", "1").build();

    HttpResponse<InputStream> response =
        http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      List<String> event = readEvent(lines);

      assertThat(event).contains("id:2");
      assertThat(json.readTree(dataOf(event)).get("user").get("name").asText()).isEqualTo("Grace");
    }
  }

  @Test
  void watchRejectsAMalformedOrFutureLastEventIdWithAProblem() throws Exception {
    server = TestServer.start(UserApiFeature.of(DefaultUserService.inMemory()));

    for (String lastEventId : List.of("abc", "-5", "99")) {
      HttpRequest request =
          HttpRequest.newBuilder(server.uri("api/users:watch"))
              .header("Last-Event-ID", lastEventId)
              .build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).as(lastEventId).isEqualTo(400);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    }
  }

  private static List<String> readEvent(BufferedReader lines) throws Exception {
    List<String> event = new ArrayList<>();
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      if (line.isEmpty()) {
        if (!event.isEmpty()) {
          return event;
        }
        continue;
      }
      event.add(line.replace(": ", ":"));
    }
    return event;
  }

  private static String dataOf(List<String> event) {
    return event.stream()
        .filter(l -> l.startsWith("data:"))
        .map(l -> l.substring(5))
        .findFirst()
        .orElseThrow();
  }

  /** Streams what the store holds, then stalls until released (or failed) by the test. */
  private static final class StalledStreamService extends DelegatingUserService {
    final CountDownLatch completed = new CountDownLatch(1);
    private final AtomicReference<Flow.Subscriber<? super User>> subscriber =
        new AtomicReference<>();
    private final DefaultUserService core;

    StalledStreamService(DefaultUserService core) {
      super(core);
      this.core = core;
    }

    @Override
    public Flow.Publisher<User> stream(UserFilter filter) {
      List<User> users = dev.userapi.core.BlockingStream.toList(core.stream(filter));
      return s -> {
        subscriber.set(s);
        s.onSubscribe(
            new Flow.Subscription() {
              private boolean sent;

              @Override
              public void request(long n) {
                // Enough demand is asked for up front (BlockingStream prefetches 64).
                if (!sent) {
                  sent = true;
                  users.forEach(s::onNext);
                }
              }

              @Override
              public void cancel() {}
            });
      };
    }

    void release() throws InterruptedException {
      subscriber.get().onComplete();
      completed.countDown();
      assertThat(completed.await(1, TimeUnit.SECONDS)).isTrue();
    }

    void fail(RuntimeException error) {
      subscriber.get().onError(error);
    }
  }
}
