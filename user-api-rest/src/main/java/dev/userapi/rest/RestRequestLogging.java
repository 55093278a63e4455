package dev.userapi.rest;

import dev.userapi.rest.internal.ComponentFeature;
import dev.userapi.rest.internal.ObservedRequests;
import dev.userapi.rest.internal.RequestLog;
import jakarta.ws.rs.core.Feature;

/**
 * Request logging through SLF4J: one line per request at DEBUG on the logger {@value #LOGGER},
 * written when the response has been written (see {@link RestMetrics} for streams):
 *
 * <pre>
 * rest GET 404 NOT_FOUND 0.731 ms
 * </pre>
 *
 * <p>That is the operation (as in {@link RestMetrics}), the HTTP status, the outcome code and the
 * duration. URIs (a query may carry an email), headers (tokens) and bodies are never logged. The
 * peer address is not part of the line: the JAX-RS API does not expose it portably; your HTTP
 * server's access log has it. With DEBUG off for that logger the cost is one level check per
 * request.
 *
 * <pre>{@code
 * new ResourceConfig().register(UserApiFeature.of(users)).register(RestRequestLogging.feature());
 * }</pre>
 *
 * @since 0.1.0
 */
public final class RestRequestLogging {
  /** The logger the lines are written to. */
  public static final String LOGGER = RequestLog.LOGGER;

  private RestRequestLogging() {}

  /**
   * A feature that logs every request of the application to {@link #LOGGER}. Thread-safe.
   *
   * @return a new feature to register with the application
   */
  public static Feature feature() {
    return new ComponentFeature(new ObservedRequests(new RequestLog()), ComponentFeature.OUTERMOST);
  }
}
