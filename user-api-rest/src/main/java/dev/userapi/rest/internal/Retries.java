package dev.userapi.rest.internal;

import jakarta.ws.rs.client.Invocation;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * When {@code RestUserClient} repeats a request, and after how long. Only idempotent methods (GET,
 * HEAD, PUT, DELETE) are repeated; POST (create, batch create) and PATCH never are. A repeat
 * follows a connection failure before any response, or a 503 whose {@code Retry-After} (if any) is
 * at most {@link #MAX_RETRY_AFTER}. Timeouts are not repeated: the server may still be working on
 * the request, and a repeat would multiply the caller's wait.
 *
 * <p>Not API: used by userapi modules only.
 */
public final class Retries {
  /** The longest {@code Retry-After} the client waits out; a longer one ends the call with 503. */
  public static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(1);

  private static final Duration INITIAL_BACKOFF = Duration.ofMillis(50);
  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE");

  /**
   * Jersey's {@code ClientProperties.REQUEST_ENTITY_PROCESSING}, named by its value so that this
   * module needs no Jersey at compile time; other client implementations ignore it.
   */
  private static final String ENTITY_PROCESSING = "jersey.config.client.request.entity.processing";

  private Retries() {}

  /**
   * Marks a request that must reach the server at most once. Jersey's default connector rides on
   * the JDK's {@code HttpURLConnection}, which quietly sends a buffered request a second time when
   * the connection drops before the answer ({@code sun.net.http.retryPost}, on by default, even for
   * POST); a streamed (chunked) body turns that off for this request alone.
   */
  public static Invocation.Builder sendOnce(Invocation.Builder request) {
    return request.property(ENTITY_PROCESSING, "CHUNKED");
  }

  /** Whether a request with this HTTP method may be sent again. */
  public static boolean idempotent(String method) {
    return IDEMPOTENT.contains(method.toUpperCase(Locale.ROOT));
  }

  /** Whether {@code failure} (from sending a request) is a connection failure worth a repeat. */
  public static boolean connectionFailure(Throwable failure) {
    boolean io = false;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof InterruptedIOException || t instanceof HttpTimeoutException) {
        return false;
      }
      io |= t instanceof IOException;
    }
    return io;
  }

  /** The pause before attempt {@code attempt + 1} after a connection failure: 50 ms, 100 ms, ... */
  public static Duration backoff(int attempt) {
    return INITIAL_BACKOFF.multipliedBy(1L << Math.min(attempt - 1, 5));
  }

  /**
   * The pause before attempt {@code attempt + 1} after a 503 with this {@code Retry-After} header
   * (null when absent), or null when the server asked for more than {@link #MAX_RETRY_AFTER}. A
   * header in HTTP-date form is treated as absent.
   */
  public static Duration afterUnavailable(int attempt, String retryAfter) {
    if (retryAfter == null || retryAfter.isBlank()) {
      return backoff(attempt);
    }
    long seconds;
    try {
      seconds = Long.parseLong(retryAfter.trim());
    } catch (NumberFormatException e) {
      return backoff(attempt);
    }
    if (seconds < 0) {
      return backoff(attempt);
    }
    Duration asked = Duration.ofSeconds(seconds);
    return asked.compareTo(MAX_RETRY_AFTER) > 0 ? null : max(asked, backoff(attempt));
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
