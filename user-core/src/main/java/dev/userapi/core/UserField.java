package dev.userapi.core;

/**
 * The caller-writable fields of a user: what a partial update may name. Server-owned fields (id,
 * timestamps, version) are not writable.
 *
 * @since 0.1.0
 */
public enum UserField {
  NAME("name"),
  EMAIL("email"),
  AGE("age");

  private final String fieldName;

  UserField(String fieldName) {
    this.fieldName = fieldName;
  }

  /** The field's name on both wires (JSON property and proto field mask path). */
  public String fieldName() {
    return fieldName;
  }

  /** Looks a field up by its wire name; returns null when no writable field has that name. */
  public static UserField forName(String fieldName) {
    for (UserField field : values()) {
      if (field.fieldName.equals(fieldName)) {
        return field;
      }
    }
    return null;
  }
}
