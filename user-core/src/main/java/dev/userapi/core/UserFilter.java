package dev.userapi.core;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Which users a list, stream or scan returns. Every criterion is optional; the empty filter ({@link
 * #all()}) matches everyone.
 *
 * @param email exact email, compared case-insensitively
 * @param namePrefix case-sensitive prefix of the name
 * @param minAge smallest age included (users without an age never match an age bound)
 * @param maxAge largest age included
 * @since 0.1.0
 */
public record UserFilter(
    Optional<String> email, Optional<String> namePrefix, OptionalInt minAge, OptionalInt maxAge) {

  private static final UserFilter ALL =
      new UserFilter(Optional.empty(), Optional.empty(), OptionalInt.empty(), OptionalInt.empty());

  public UserFilter {
    requireNonNull(email, "email");
    requireNonNull(namePrefix, "namePrefix");
    requireNonNull(minAge, "minAge");
    requireNonNull(maxAge, "maxAge");
  }

  /** The filter that matches every user. */
  public static UserFilter all() {
    return ALL;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether {@code user} passes this filter. Stores may use it or translate it to a query. */
  public boolean matches(User user) {
    if (email.isPresent() && !email.get().equalsIgnoreCase(user.email().trim())) {
      return false;
    }
    if (namePrefix.isPresent() && !user.name().startsWith(namePrefix.get())) {
      return false;
    }
    if (minAge.isPresent() && (user.age().isEmpty() || user.age().getAsInt() < minAge.getAsInt())) {
      return false;
    }
    return maxAge.isEmpty()
        || (user.age().isPresent() && user.age().getAsInt() <= maxAge.getAsInt());
  }

  /**
   * A canonical text form of this filter; equal filters give equal text. Page tokens embed it so a
   * token cannot be replayed with another filter.
   */
  public String canonical() {
    return "email="
        + email.map(e -> e.trim().toLowerCase(Locale.ROOT)).orElse("")
        + "&name="
        + namePrefix.orElse("")
        + "&min="
        + (minAge.isPresent() ? minAge.getAsInt() : "")
        + "&max="
        + (maxAge.isPresent() ? maxAge.getAsInt() : "");
  }

  /** Builds a {@link UserFilter}. Not thread-safe. */
  public static final class Builder {
    private Optional<String> email = Optional.empty();
    private Optional<String> namePrefix = Optional.empty();
    private OptionalInt minAge = OptionalInt.empty();
    private OptionalInt maxAge = OptionalInt.empty();

    private Builder() {}

    public Builder email(String email) {
      this.email = Optional.of(requireNonNull(email, "email"));
      return this;
    }

    public Builder namePrefix(String namePrefix) {
      this.namePrefix = Optional.of(requireNonNull(namePrefix, "namePrefix"));
      return this;
    }

    public Builder minAge(int minAge) {
      this.minAge = OptionalInt.of(minAge);
      return this;
    }

    public Builder maxAge(int maxAge) {
      this.maxAge = OptionalInt.of(maxAge);
      return this;
    }

    public UserFilter build() {
      return new UserFilter(email, namePrefix, minAge, maxAge);
    }
  }
}
