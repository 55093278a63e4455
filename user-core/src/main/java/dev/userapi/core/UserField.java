package dev.userapi.core;

/**
 * The caller-writable fields of a user: what a partial update may name. Server-owned fields (id,
 * timestamps, version) are not writable.
 *
 * @since 0.1.0
 */
public enum UserField {
  /** The display name. */
  NAME("name"),
  /** The email address. */
  EMAIL("email"),
  /** The age, which may be cleared. */
  AGE("age");

  private final String fieldName;

  UserField(String fieldName) {
    this.fieldName = fieldName;
  }

  /**
   * The field's name on both wires (JSON property and proto field mask path).
   *
   * @return the name, such as {@code "email"}
   */
  public String fieldName() {
    return fieldName;
  }

  /**
   * Looks a field up by its wire name.
   *
   * @param fieldName a wire name, such as {@code "email"}; matched exactly
   * @return the field, or null when no writable field has that name
   */
  public static UserField forName(String fieldName) {
    for (UserField field : values()) {
      if (field.fieldName.equals(fieldName)) {
        return field;
      }
    }
    return null;
  }
}
