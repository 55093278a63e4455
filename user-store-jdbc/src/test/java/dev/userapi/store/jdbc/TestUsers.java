package dev.userapi.store.jdbc;

import dev.userapi.core.User;
import dev.userapi.core.internal.UuidV7;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.OptionalInt;

/** Valid users as the service would hand them to a store. */
final class TestUsers {
  private static final UuidV7 IDS = new UuidV7(Clock.systemUTC());

  private TestUsers() {}

  static User user(String name, String email) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    return new User(IDS.next(), name, email, OptionalInt.of(30), now, now, 1);
  }

  static User user(String name, String email, OptionalInt age) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    return new User(IDS.next(), name, email, age, now, now, 1);
  }

  /** The next version of {@code user} with another name. */
  static User renamed(User user, String name) {
    return new User(
        user.id(),
        name,
        user.email(),
        user.age(),
        user.createTime(),
        user.updateTime().plus(1, ChronoUnit.MILLIS),
        user.version() + 1);
  }

  /** The next version of {@code user} with another email. */
  static User withEmail(User user, String email) {
    return new User(
        user.id(),
        user.name(),
        email,
        user.age(),
        user.createTime(),
        user.updateTime().plus(1, ChronoUnit.MILLIS),
        user.version() + 1);
  }
}
