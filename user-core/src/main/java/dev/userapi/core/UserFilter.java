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

  /**
   * Checks that no component is null (use empty instead).
   *
   * @param email exact email
   * @param namePrefix name prefix
   * @param minAge smallest age
   * @param maxAge largest age
   */
  public UserFilter {
    requireNonNull(email, "email");
    requireNonNull(namePrefix, "namePrefix");
    requireNonNull(minAge, "minAge");
    requireNonNull(maxAge, "maxAge");
  }

  /**
   * The filter that matches every user.
   *
   * @return the shared empty filter
   */
  public static UserFilter all() {
    return ALL;
  }

  /**
   * Starts a filter with no criteria.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Whether {@code user} passes this filter. Stores may use it or translate it to a query.
   *
   * @param user the user to test
   * @return true when every present criterion matches
   */
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
   *
   * @return the text; emails lower-cased
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

    /**
     * Matches only this email, case-insensitively.
     *
     * @param email the email
     * @return this builder
     */
    public Builder email(String email) {
      this.email = Optional.of(requireNonNull(email, "email"));
      return this;
    }

    /**
     * Matches only names starting with this prefix (case-sensitive).
     *
     * @param namePrefix the prefix
     * @return this builder
     */
    public Builder namePrefix(String namePrefix) {
      this.namePrefix = Optional.of(requireNonNull(namePrefix, "namePrefix"));
      return this;
    }

    /**
     * Matches only users with an age of at least {@code minAge}.
     *
     * @param minAge the smallest age included
     * @return this builder
     */
    public Builder minAge(int minAge) {
      this.minAge = OptionalInt.of(minAge);
      return this;
    }

    /**
     * Matches only users with an age of at most {@code maxAge}.
     *
     * @param maxAge the largest age included
     * @return this builder
     */
    public Builder maxAge(int maxAge) {
      this.maxAge = OptionalInt.of(maxAge);
      return this;
    }

    /**
     * Builds the filter. Ranges are not checked here; the service rejects min above max.
     *
     * @return the filter
     */
    public UserFilter build() {
      return new UserFilter(email, namePrefix, minAge, maxAge);
    }
  }
}
