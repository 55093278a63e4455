package dev.userapi.benchmarks;

import dev.userapi.core.NewUser;
import dev.userapi.proto.v1.User;
import java.nio.charset.StandardCharsets;

/** The synthetic users every workload creates, the same on both protocols. */
final class Workloads {
  private Workloads() {}

  /** A new user with a unique email derived from {@code key}. */
  static NewUser newUser(String key) {
    return NewUser.of(
        "Bench " + key, "bench-" + key + "@example.com", 20 + Math.floorMod(key.hashCode(), 60));
  }

  static User newUserProto(String key) {
    NewUser user = newUser(key);
    return User.newBuilder()
        .setName(user.name())
        .setEmail(user.email())
        .setAge(user.age().getAsInt())
        .build();
  }

  /**
   * The same user as a REST JSON body (no escaping needed: keys are ASCII letters, digits, '-').
   */
  static byte[] newUserJson(String key) {
    return newUserJsonText(key).getBytes(StandardCharsets.UTF_8);
  }

  static String newUserJsonText(String key) {
    NewUser user = newUser(key);
    return "{\"name\":\""
        + user.name()
        + "\",\"email\":\""
        + user.email()
        + "\",\"age\":"
        + user.age().getAsInt()
        + "}";
  }

  static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }
}
