package dev.userapi.core;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The single exception type of the API. It carries an {@link ErrorCode}, a message that is safe to
 * show to callers (never a stack trace, class name or another user's data) and, for {@link
 * ErrorCode#INVALID_ARGUMENT}, every field violation found at once.
 *
 * <p>Both clients rebuild this exception from the wire, so a caller sees the same code, message and
 * violations whichever protocol carried them.
 *
 * @since 0.1.0
 */
public class UserException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final transient List<FieldViolation> violations;

  public UserException(ErrorCode code, String message) {
    this(code, message, List.of(), null);
  }

  public UserException(ErrorCode code, String message, List<FieldViolation> violations) {
    this(code, message, violations, null);
  }

  public UserException(
      ErrorCode code, String message, List<FieldViolation> violations, Throwable cause) {
    super(requireNonNull(message, "message"), cause);
    this.code = requireNonNull(code, "code");
    this.violations = List.copyOf(requireNonNull(violations, "violations"));
  }

  /** Returns the kind of failure. */
  public ErrorCode code() {
    return code;
  }

  /** Returns the field violations; empty unless the code is {@code INVALID_ARGUMENT}. */
  public List<FieldViolation> violations() {
    return violations;
  }

  public static UserException invalidArgument(List<FieldViolation> violations) {
    String message =
        violations.size() == 1
            ? "invalid " + violations.get(0).field() + ": " + violations.get(0).description()
            : violations.size() + " fields are invalid";
    return new UserException(ErrorCode.INVALID_ARGUMENT, message, violations);
  }

  public static UserException invalidArgument(String field, String description) {
    return invalidArgument(List.of(new FieldViolation(field, description)));
  }

  public static UserException notFound(String id) {
    return new UserException(ErrorCode.NOT_FOUND, "user " + id + " not found");
  }

  public static UserException emailTaken() {
    return new UserException(ErrorCode.ALREADY_EXISTS, "a user with this email already exists");
  }

  public static UserException staleEtag(String id) {
    return new UserException(
        ErrorCode.PRECONDITION_FAILED,
        "user " + id + " was changed by someone else (etag mismatch); read it again and retry");
  }

  @Override
  public String toString() {
    return "UserException{"
        + code
        + ": "
        + getMessage()
        + (violations.isEmpty() ? "" : " " + violations)
        + "}";
  }
}
