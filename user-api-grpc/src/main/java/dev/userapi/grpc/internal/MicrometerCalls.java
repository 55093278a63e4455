package dev.userapi.grpc.internal;

import dev.userapi.core.UserOperation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Records calls as Micrometer meters: the timer {@code userapi.server.calls} and, for failed calls,
 * the counter {@code userapi.server.errors}, both tagged with exactly {@code protocol=grpc}, {@code
 * method} (the {@link UserOperation} name, as REST tags it) and {@code code}. Calls that are not
 * user-service calls are not recorded, so every tag takes values from a small fixed set. The only
 * class of this module that touches Micrometer; loaded only when a caller asks for metrics.
 * Thread-safe. Not API: used by userapi modules only.
 */
public final class MicrometerCalls implements ObservedCalls.Sink {
  public static final String CALLS = "userapi.server.calls";
  public static final String ERRORS = "userapi.server.errors";

  private final MeterRegistry registry;
  // Operations and codes are bounded (two enums and CANCELLED), so is this map.
  private final Map<String, Meters> meters = new ConcurrentHashMap<>();

  public MicrometerCalls(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void record(
      String method, UserOperation operation, String code, long nanos, SocketAddress peer) {
    if (operation == null) {
      return; // not a user-service call
    }
    Meters m =
        meters.computeIfAbsent(
            operation.name() + ' ' + code, k -> register(operation.name(), code));
    m.timer.record(nanos, TimeUnit.NANOSECONDS);
    if (m.errors != null) {
      m.errors.increment();
    }
  }

  private Meters register(String method, String code) {
    Timer timer =
        Timer.builder(CALLS)
            .description("Calls of the user service, timed until the call (or stream) ends")
            .tags("protocol", "grpc", "method", method, "code", code)
            .register(registry);
    Counter errors =
        "OK".equals(code)
            ? null
            : Counter.builder(ERRORS)
                .description("Failed calls of the user service, by error code")
                .tags("protocol", "grpc", "method", method, "code", code)
                .register(registry);
    return new Meters(timer, errors);
  }

  private record Meters(Timer timer, Counter errors) {}
}
