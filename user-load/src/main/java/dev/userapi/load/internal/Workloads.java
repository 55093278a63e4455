package dev.userapi.load.internal;

import dev.userapi.core.NewUser;
import dev.userapi.proto.v1.User;
import java.nio.charset.StandardCharsets;

/** The synthetic users every workload creates, the same on both protocols. */
public final class Workloads {
  private Workloads() {}

  /** The email domain of the benchmark's users unless a run asks for its own. */
  public static final String DEFAULT_DOMAIN = "example.com";

  /** A new user with a unique email derived from {@code key}. */
  public static NewUser newUser(String key) {
    return newUser(key, DEFAULT_DOMAIN);
  }

  /** A new user with a unique email derived from {@code key}, at {@code domain}. */
  public static NewUser newUser(String key, String domain) {
    return NewUser.of(
        "Bench " + key, "bench-" + key + "@" + domain, 20 + Math.floorMod(key.hashCode(), 60));
  }

  public static User newUserProto(String key) {
    return newUserProto(key, DEFAULT_DOMAIN);
  }

  public static User newUserProto(String key, String domain) {
    NewUser user = newUser(key, domain);
    return User.newBuilder()
        .setName(user.name())
        .setEmail(user.email())
        .setAge(user.age().getAsInt())
        .build();
  }

  /**
   * The same user as a REST JSON body (no escaping needed: keys are ASCII letters, digits, '-').
   */
  public static byte[] newUserJson(String key) {
    return newUserJson(key, DEFAULT_DOMAIN);
  }

  public static byte[] newUserJson(String key, String domain) {
    return newUserJsonText(key, domain).getBytes(StandardCharsets.UTF_8);
  }

  public static String newUserJsonText(String key) {
    return newUserJsonText(key, DEFAULT_DOMAIN);
  }

  public static String newUserJsonText(String key, String domain) {
    NewUser user = newUser(key, domain);
    return "{\"name\":\""
        + user.name()
        + "\",\"email\":\""
        + user.email()
        + "\",\"age\":"
        + user.age().getAsInt()
        + "}";
  }

  public static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }
}
