package dev.userapi.load;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What each call of a cell does. Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public enum Workload {
  /** Get one user by id (a user the run seeds). */
  GET("get"),
  /** Read the first page of 50 users (the run seeds 50). */
  LIST50("list50"),
  /** Create a new user each call (tagged with the run's email domain). */
  CREATE("create");

  private final String wireName;

  Workload(String wireName) {
    this.wireName = wireName;
  }

  /**
   * The name in JSON and on the command line.
   *
   * @return e.g. {@code list50}
   */
  public String wireName() {
    return wireName;
  }

  /**
   * The workload of a {@link #wireName()}.
   *
   * @param name a wire name, e.g. {@code get}
   * @return the workload
   * @throws IllegalArgumentException naming the known workloads when there is no such workload
   */
  public static Workload fromWireName(String name) {
    for (Workload w : values()) {
      if (w.wireName.equals(name)) {
        return w;
      }
    }
    throw new IllegalArgumentException(
        "unknown workload '"
            + name
            + "' (known: "
            + Arrays.stream(values()).map(Workload::wireName).collect(Collectors.joining(", "))
            + ")");
  }
}
