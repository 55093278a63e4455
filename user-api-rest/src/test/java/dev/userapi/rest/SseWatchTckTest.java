package dev.userapi.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.User;
import dev.userapi.core.UserEvent;
import dev.userapi.rest.internal.DtoMapper;
import dev.userapi.rest.internal.SseWatch;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowSubscriberBlackboxVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * Reactive Streams TCK (run by the TestNG engine) for {@link SseWatch}, the server's subscriber
 * that writes a watch to an SSE response, as a black box. Each subscriber writes to a real {@link
 * SseEventSink}: a request from a JDK HTTP client (which reads and discards the events) to a
 * resource on Jersey/Grizzly over loopback that hands its sink over to the test, the narrowest seam
 * that keeps the real sink. {@link SseWatch#start()}, which {@code UserResource} calls after
 * subscribing, is the subscriber's first request; the TCK's helper publisher may call {@code
 * onSubscribe} from its own thread after that.
 *
 * <p>Skipped by the TCK itself: its {@code untested_*} placeholders (rules it has no test for).
 */
public class SseWatchTckTest extends FlowSubscriberBlackboxVerification<UserEvent> {
  private final ObjectMapper mapper = DtoMapper.newObjectMapper();
  private final SinkHandOff handOff = new SinkHandOff();
  private TestServer server;
  private HttpClient http;

  public SseWatchTckTest() {
    super(new TestEnvironment(2_000, 200));
  }

  @BeforeClass
  public void startServer() throws IOException {
    server = TestServer.start(UserApiFeature.of(DefaultUserService.inMemory()), handOff);
    http = HttpClient.newHttpClient();
  }

  @AfterClass(alwaysRun = true)
  public void stopServer() {
    // Closing the server ends the responses the subscribers left open.
    if (server != null) {
      server.close();
    }
  }

  @Override
  public Flow.Subscriber<UserEvent> createFlowSubscriber() {
    http.sendAsync(
        HttpRequest.newBuilder(server.uri("tck/sse")).build(),
        HttpResponse.BodyHandlers.discarding());
    OpenSink open;
    try {
      open = handOff.sinks.poll(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (open == null) {
      throw new IllegalStateException("the SSE request did not reach the server");
    }
    return new SseWatch(open.sink(), open.sse(), mapper, null, null);
  }

  @Override
  public void triggerFlowRequest(Flow.Subscriber<? super UserEvent> subscriber) {
    ((SseWatch) subscriber).start();
  }

  @Override
  public UserEvent createElement(int element) {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    long n = element + 1L;
    User user =
        new User("u" + n, "User " + n, "u" + n + "@example.com", OptionalInt.empty(), now, now, 1);
    return new UserEvent(n, UserEvent.Type.CREATED, user);
  }

  record OpenSink(SseEventSink sink, Sse sse) {}

  /** Hands each opened SSE response's sink to the test; the response stays open until closed. */
  @Path("tck")
  public static final class SinkHandOff {
    final BlockingQueue<OpenSink> sinks = new LinkedBlockingQueue<>();

    @GET
    @Path("sse")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void open(@Context SseEventSink sink, @Context Sse sse) {
      sinks.add(new OpenSink(sink, sse));
    }
  }
}
