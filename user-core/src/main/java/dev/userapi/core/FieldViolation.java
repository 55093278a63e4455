package dev.userapi.core;

import static java.util.Objects.requireNonNull;

/**
 * One reason why one input field was rejected.
 *
 * @param field the field's name as both protocols spell it in JSON ({@code name}, {@code email},
 *     {@code age}, {@code pageToken}, ...)
 * @param description a sentence safe to show to the caller
 * @since 0.1.0
 */
public record FieldViolation(String field, String description) {
  /**
   * Checks that both components are set.
   *
   * @param field the field's name
   * @param description why it was rejected
   */
  public FieldViolation {
    requireNonNull(field, "field");
    requireNonNull(description, "description");
  }
}
