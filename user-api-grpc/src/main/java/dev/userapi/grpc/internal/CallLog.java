package dev.userapi.grpc.internal;

import dev.userapi.core.UserOperation;
import java.net.SocketAddress;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one DEBUG line per finished call to the logger {@value #LOGGER}: method, outcome code,
 * duration and peer address. Never messages or metadata, so never personal data such as emails or
 * names. Thread-safe. Not API: used by userapi modules only.
 */
public final class CallLog implements ObservedCalls.Sink {
  public static final String LOGGER = "dev.userapi.grpc.requests";

  private final Logger log = LoggerFactory.getLogger(LOGGER);

  @Override
  public void record(
      String method, UserOperation operation, String code, long nanos, SocketAddress peer) {
    if (log.isDebugEnabled()) {
      log.debug(
          "grpc {} {} {} ms peer={}",
          method,
          code,
          String.format(Locale.ROOT, "%.3f", nanos / 1e6),
          peer == null ? "-" : peer);
    }
  }
}
