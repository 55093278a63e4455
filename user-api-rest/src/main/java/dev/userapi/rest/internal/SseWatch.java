package dev.userapi.rest.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserException;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards a watch to an SSE sink with back-pressure: at most {@value #WINDOW} events are in flight
 * and one more is requested each time a send completes. A failed send (the client went away)
 * cancels the watch. A failure signalled before {@link #start()} is kept so that the resource can
 * answer it with a normal problem response; later failures become a final {@code error} event.
 *
 * <p>{@link #start()} may come before or after {@code onSubscribe}: the Flow contract lets a
 * publisher call {@code onSubscribe} from another thread after {@code subscribe} returned
 * (userapi's own publishers do not, but the resource takes any {@code UserService}), so whichever
 * of the two comes second makes the first request. A second {@code onSubscribe} is cancelled
 * (Reactive Streams rule 2.5) and null signals are refused with {@link NullPointerException}
 * (2.13).
 *
 * <p>Event format: {@code id} = sequence (so {@code Last-Event-ID} resumes), {@code event} = {@code
 * created|updated|deleted}, {@code data} = the event as JSON.
 *
 * <p>Not API: used by userapi modules only.
 */
public final class SseWatch implements Flow.Subscriber<UserEvent> {
  private static final Logger log = LoggerFactory.getLogger(SseWatch.class);
  private static final int WINDOW = 16;

  private final SseEventSink sink;
  private final Sse sse;
  private final ObjectMapper mapper;
  private final ScheduledExecutorService heartbeats;
  private final Duration heartbeatInterval;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile ScheduledFuture<?> heartbeat;
  private volatile Flow.Subscription subscription;
  private boolean started; // guarded by this
  private boolean startCalled; // guarded by this
  private Throwable earlyError; // guarded by this
  private volatile boolean sent;

  /**
   * A watch writing to {@code sink}; with a {@code heartbeats} scheduler it also writes an SSE
   * comment every {@code heartbeatInterval}, which finds a departed client without waiting for the
   * next event (and keeps proxies from timing the stream out).
   */
  public SseWatch(
      SseEventSink sink,
      Sse sse,
      ObjectMapper mapper,
      ScheduledExecutorService heartbeats,
      Duration heartbeatInterval) {
    this.sink = sink;
    this.sse = sse;
    this.mapper = mapper;
    this.heartbeats = heartbeats;
    this.heartbeatInterval = heartbeatInterval;
  }

  /**
   * Starts the flow of events, or rethrows a failure the publisher signalled while subscribing (an
   * invalid or expired Last-Event-ID).
   */
  public void start() {
    throwIfFailedEarly(false);
    Flow.Subscription s;
    synchronized (this) {
      startCalled = true;
      s = subscription;
    }
    // Without a subscription yet, onSubscribe makes the first request when it comes.
    if (s != null) {
      s.request(WINDOW);
    }
    // The first request may fail at once (an invalid sequence), before anything was sent.
    throwIfFailedEarly(true);
    if (heartbeats != null && !closed.get()) {
      long millis = heartbeatInterval.toMillis();
      heartbeat = heartbeats.scheduleAtFixedRate(this::beat, millis, millis, TimeUnit.MILLISECONDS);
      if (closed.get()) {
        heartbeat.cancel(false);
      }
    }
  }

  private void beat() {
    if (closed.get()) {
      return;
    }
    CompletionStage<?> written;
    try {
      written = sink.send(sse.newEventBuilder().comment("keep-alive").build());
    } catch (IllegalStateException sinkClosed) {
      clientWentAway(sinkClosed); // see onNext
      return;
    }
    written.whenComplete(
        (ignored, error) -> {
          if (error != null) {
            clientWentAway(error);
          }
        });
  }

  private void throwIfFailedEarly(boolean lastCheck) {
    Throwable early;
    synchronized (this) {
      early = earlyError;
      if (lastCheck && early == null) {
        started = true;
      }
    }
    if (early instanceof RuntimeException e) {
      throw e;
    }
    if (early != null) {
      throw new UserException(ErrorCode.INTERNAL, "watch failed", List.of(), early);
    }
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    Objects.requireNonNull(s, "subscription");
    boolean second;
    boolean requestNow;
    synchronized (this) {
      second = subscription != null;
      requestNow = !second && startCalled;
      if (!second) {
        subscription = s;
      }
    }
    if (second) {
      s.cancel(); // rule 2.5: one subscription per watch
      return;
    }
    if (closed.get()) {
      s.cancel(); // the client left (a failed heartbeat) before the publisher called back
      return;
    }
    if (requestNow) {
      s.request(WINDOW); // start() came first
    }
  }

  @Override
  public void onNext(UserEvent event) {
    Objects.requireNonNull(event, "event");
    if (closed.get()) {
      return;
    }
    String data;
    try {
      data = mapper.writeValueAsString(DtoMapper.toDto(event));
    } catch (JsonProcessingException e) {
      subscription.cancel();
      fail(e);
      return;
    }
    sent = true;
    OutboundSseEvent outbound =
        sse.newEventBuilder()
            .id(Long.toString(event.sequence()))
            .name(event.type().name().toLowerCase(Locale.ROOT))
            .data(String.class, data)
            .build();
    CompletionStage<?> written;
    try {
      written = sink.send(outbound);
    } catch (IllegalStateException sinkClosed) {
      // Jersey closes the sink when the client hangs up, and then send throws instead of failing
      // the stage: the same event as a failed write, caused by the client, not a server fault.
      clientWentAway(sinkClosed);
      return;
    }
    written.whenComplete(
        (ignored, error) -> {
          if (error != null) {
            clientWentAway(error);
          } else {
            subscription.request(1);
          }
        });
  }

  @Override
  public void onError(Throwable error) {
    Objects.requireNonNull(error, "error");
    synchronized (this) {
      if (!started && !sent) {
        earlyError = error;
        return;
      }
    }
    fail(error);
  }

  @Override
  public void onComplete() {
    close();
  }

  private void fail(Throwable error) {
    if (closed.get()) {
      return;
    }
    UserException problem;
    if (error instanceof UserException e) {
      problem = e;
    } else {
      log.error("watch failed", error);
      problem = new UserException(ErrorCode.INTERNAL, "the watch failed; it has been logged");
    }
    try {
      String data = mapper.writeValueAsString(Problems.toProblem(problem));
      sink.send(sse.newEventBuilder().name("error").data(String.class, data).build())
          .whenComplete((ignored, sendError) -> close());
    } catch (JsonProcessingException | RuntimeException e) {
      close();
    }
  }

  /** A send failed: the client is gone, so the watch behind it stops. */
  private void clientWentAway(Throwable error) {
    log.debug("watch client went away: {}", error.toString());
    // Closed first: either this sees the subscription or a late onSubscribe sees closed.
    close();
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
  }

  private void close() {
    if (closed.compareAndSet(false, true)) {
      ScheduledFuture<?> beating = heartbeat;
      if (beating != null) {
        beating.cancel(false);
      }
      try {
        sink.close();
      } catch (IOException | RuntimeException e) {
        log.debug("closing the SSE sink failed", e);
      }
    }
  }
}
