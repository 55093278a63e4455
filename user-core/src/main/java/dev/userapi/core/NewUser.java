package dev.userapi.core;

import static java.util.Objects.requireNonNull;

import java.util.OptionalInt;

/**
 * The caller-supplied part of a user, for create and replace. It is raw input: the service
 * validates and normalises it and reports every violation at once, so {@code name} and {@code
 * email} may be null here (reported as "required").
 *
 * @param name display name; trimmed by the service
 * @param email email address; trimmed and domain lower-cased by the service
 * @param age age in years, or empty when unknown
 * @since 0.1.0
 */
public record NewUser(String name, String email, OptionalInt age) {
  /**
   * Checks only that {@code age} is non-null; validation is the service's job.
   *
   * @param name display name, may be null
   * @param email email address, may be null
   * @param age age in years, or empty
   */
  public NewUser {
    requireNonNull(age, "age");
  }

  /**
   * A new user without an age.
   *
   * @param name display name
   * @param email email address
   * @return the new user, not yet validated
   */
  public static NewUser of(String name, String email) {
    return new NewUser(name, email, OptionalInt.empty());
  }

  /**
   * A new user with an age.
   *
   * @param name display name
   * @param email email address
   * @param age age in years
   * @return the new user, not yet validated
   */
  public static NewUser of(String name, String email, int age) {
    return new NewUser(name, email, OptionalInt.of(age));
  }
}
