package dev.userapi.rest.internal;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one DEBUG line per finished request to the logger {@value #LOGGER}: operation, status,
 * outcome code and duration. Never URIs (a query may hold an email), headers or bodies.
 * Thread-safe. Not API: used by userapi modules only.
 */
public final class RequestLog implements ObservedRequests.Sink {
  public static final String LOGGER = "dev.userapi.rest.requests";

  private final Logger log = LoggerFactory.getLogger(LOGGER);

  @Override
  public void record(String method, int status, String code, long nanos) {
    if (log.isDebugEnabled()) {
      log.debug(
          "rest {} {} {} {} ms",
          method,
          status,
          code,
          String.format(Locale.ROOT, "%.3f", nanos / 1e6));
    }
  }
}
