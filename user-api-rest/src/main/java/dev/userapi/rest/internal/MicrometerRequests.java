package dev.userapi.rest.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Records requests as Micrometer meters: the timer {@code userapi.server.calls} and, for failed
 * requests, the counter {@code userapi.server.errors}, both tagged {@code protocol=rest}, {@code
 * method}, {@code code} and {@code status}. The only class of this module that touches Micrometer;
 * loaded only when a caller asks for metrics. Thread-safe. Not API: used by userapi modules only.
 */
public final class MicrometerRequests implements ObservedRequests.Sink {
  public static final String CALLS = "userapi.server.calls";
  public static final String ERRORS = "userapi.server.errors";

  private final MeterRegistry registry;
  // Methods, codes and statuses are bounded sets, so is this map.
  private final Map<String, Meters> meters = new ConcurrentHashMap<>();

  public MicrometerRequests(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void record(String method, int status, String code, long nanos) {
    Meters m =
        meters.computeIfAbsent(
            method + ' ' + status + ' ' + code, k -> register(method, status, code));
    m.timer.record(nanos, TimeUnit.NANOSECONDS);
    if (m.errors != null) {
      m.errors.increment();
    }
  }

  private Meters register(String method, int status, String code) {
    String[] tags = {
      "protocol", "rest", "method", method, "code", code, "status", Integer.toString(status)
    };
    Timer timer =
        Timer.builder(CALLS)
            .description("Calls of the user service, timed until the response (or stream) ends")
            .tags(tags)
            .register(registry);
    Counter errors =
        "OK".equals(code)
            ? null
            : Counter.builder(ERRORS)
                .description("Failed calls of the user service, by error code")
                .tags(tags)
                .register(registry);
    return new Meters(timer, errors);
  }

  private record Meters(Timer timer, Counter errors) {}
}
