package dev.userapi.core;

import static java.util.Objects.requireNonNull;

import java.util.EnumSet;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A partial update: only the fields in {@link #fields()} change; the others are left alone. This is
 * how "set age to empty" ({@code fields} contains {@code AGE}, {@code age} empty) differs from
 * "leave age alone" ({@code fields} lacks {@code AGE}).
 *
 * <pre>{@code
 * UserUpdate rename = UserUpdate.builder().name("Ada Lovelace").clearAge().build();
 * }</pre>
 *
 * @param fields the fields to change; an empty set changes nothing
 * @param name the new name; ignored unless {@code fields} contains {@code NAME}
 * @param email the new email; ignored unless {@code fields} contains {@code EMAIL}
 * @param age the new age (empty clears it); ignored unless {@code fields} contains {@code AGE}
 * @since 0.1.0
 */
public record UserUpdate(Set<UserField> fields, String name, String email, OptionalInt age) {
  /**
   * Copies {@code fields}.
   *
   * @param fields the fields to change; copied
   * @param name the new name
   * @param email the new email
   * @param age the new age, or empty
   */
  public UserUpdate {
    fields = Set.copyOf(requireNonNull(fields, "fields"));
    requireNonNull(age, "age");
  }

  /**
   * Whether this update changes {@code field}.
   *
   * @param field the field
   * @return true when {@link #fields()} contains it
   */
  public boolean has(UserField field) {
    return fields.contains(field);
  }

  /**
   * Starts an update that changes nothing.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link UserUpdate}; each setter adds its field to the update. Not thread-safe. */
  public static final class Builder {
    private final Set<UserField> fields = EnumSet.noneOf(UserField.class);
    private String name;
    private String email;
    private OptionalInt age = OptionalInt.empty();

    private Builder() {}

    /**
     * Sets the name.
     *
     * @param name the new name; validated by the service
     * @return this builder
     */
    public Builder name(String name) {
      this.name = name;
      fields.add(UserField.NAME);
      return this;
    }

    /**
     * Sets the email.
     *
     * @param email the new email; validated by the service
     * @return this builder
     */
    public Builder email(String email) {
      this.email = email;
      fields.add(UserField.EMAIL);
      return this;
    }

    /**
     * Sets the age.
     *
     * @param age the new age; validated by the service
     * @return this builder
     */
    public Builder age(int age) {
      this.age = OptionalInt.of(age);
      fields.add(UserField.AGE);
      return this;
    }

    /**
     * Sets the age to "unknown".
     *
     * @return this builder
     */
    public Builder clearAge() {
      this.age = OptionalInt.empty();
      fields.add(UserField.AGE);
      return this;
    }

    /**
     * Builds the update.
     *
     * @return the update
     */
    public UserUpdate build() {
      return new UserUpdate(fields, name, email, age);
    }
  }
}
