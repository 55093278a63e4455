package dev.userapi.core;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.OptionalInt;

/**
 * A stored user. Instances are immutable and always valid: they come from a {@link UserService}
 * after validation and normalisation.
 *
 * @param id server-assigned, time-ordered (UUIDv7) identifier; ordering ids orders users by
 *     creation
 * @param name trimmed display name, 1..200 characters
 * @param email normalised email (trimmed, domain lower-cased); unique case-insensitively
 * @param age age in years (0..150), or empty when unknown
 * @param createTime when the user was created (microsecond precision)
 * @param updateTime when the user last changed (microsecond precision)
 * @param version starts at 1 and grows by one on every change; the {@link #etag()} derives from it
 * @since 0.1.0
 */
public record User(
    String id,
    String name,
    String email,
    OptionalInt age,
    Instant createTime,
    Instant updateTime,
    long version) {

  /**
   * Checks that no component is null and that the version is positive.
   *
   * @param id identifier
   * @param name display name
   * @param email email
   * @param age age, or empty
   * @param createTime creation time
   * @param updateTime last change time
   * @param version version, at least 1
   * @throws IllegalArgumentException when {@code version} is below 1
   */
  public User {
    requireNonNull(id, "id");
    requireNonNull(name, "name");
    requireNonNull(email, "email");
    requireNonNull(age, "age");
    requireNonNull(createTime, "createTime");
    requireNonNull(updateTime, "updateTime");
    if (version < 1) {
      throw new IllegalArgumentException("version: " + version + " (expected: >= 1)");
    }
  }

  /**
   * Returns the entity tag of this state of the user: an opaque string (without HTTP quotes) that
   * changes whenever the user changes. Pass it back as an expected etag to make a write
   * conditional.
   *
   * @return the etag; never null
   */
  public String etag() {
    return Long.toString(version);
  }
}
