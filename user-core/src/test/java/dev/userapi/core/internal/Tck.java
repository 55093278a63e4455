package dev.userapi.core.internal;

import org.reactivestreams.tck.TestEnvironment;

/** Shared settings for this module's Reactive Streams TCK runs. */
public final class Tck {
  /**
   * How long a publisher may take to drop a cancelled subscriber (rule 3.13). Generous: the build
   * shares two cores with others.
   */
  public static final long PUBLISHER_GC_TIMEOUT_MILLIS = 2_000;

  private Tck() {}

  /**
   * Timeouts well above the TCK's 100 ms default, which flakes on a loaded build machine; the
   * no-signal wait stays short because every "nothing arrives" check pays it in full.
   */
  public static TestEnvironment environment() {
    return new TestEnvironment(2_000, 200);
  }
}
