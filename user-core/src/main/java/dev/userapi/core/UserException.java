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

  /** The kind of failure; serialized. The violations are transient: they do not survive it. */
  private final ErrorCode code;

  private final transient List<FieldViolation> violations;

  /**
   * An exception without violations or cause.
   *
   * @param code the kind of failure
   * @param message a message safe to show to callers
   */
  public UserException(ErrorCode code, String message) {
    this(code, message, List.of(), null);
  }

  /**
   * An exception with field violations and no cause.
   *
   * @param code the kind of failure
   * @param message a message safe to show to callers
   * @param violations the field violations; copied
   */
  public UserException(ErrorCode code, String message, List<FieldViolation> violations) {
    this(code, message, violations, null);
  }

  /**
   * An exception with field violations and a cause. The cause is for logs only: no protocol sends
   * it.
   *
   * @param code the kind of failure
   * @param message a message safe to show to callers
   * @param violations the field violations; copied
   * @param cause the underlying failure, or null
   */
  public UserException(
      ErrorCode code, String message, List<FieldViolation> violations, Throwable cause) {
    super(requireNonNull(message, "message"), cause);
    this.code = requireNonNull(code, "code");
    this.violations = List.copyOf(requireNonNull(violations, "violations"));
  }

  /**
   * Returns the kind of failure.
   *
   * @return the code; never null
   */
  public ErrorCode code() {
    return code;
  }

  /**
   * Returns the field violations.
   *
   * @return an unmodifiable list, empty unless the code is {@code INVALID_ARGUMENT}
   */
  public List<FieldViolation> violations() {
    return violations;
  }

  /**
   * INVALID_ARGUMENT with every violation; the message names the field when there is only one.
   *
   * @param violations the violations, at least one
   * @return the exception
   */
  public static UserException invalidArgument(List<FieldViolation> violations) {
    String message =
        violations.size() == 1
            ? "invalid " + violations.get(0).field() + ": " + violations.get(0).description()
            : violations.size() + " fields are invalid";
    return new UserException(ErrorCode.INVALID_ARGUMENT, message, violations);
  }

  /**
   * INVALID_ARGUMENT with one violation.
   *
   * @param field the rejected field's name
   * @param description why it was rejected
   * @return the exception
   */
  public static UserException invalidArgument(String field, String description) {
    return invalidArgument(List.of(new FieldViolation(field, description)));
  }

  /**
   * NOT_FOUND for a user id.
   *
   * @param id the id that was looked up
   * @return the exception
   */
  public static UserException notFound(String id) {
    return new UserException(ErrorCode.NOT_FOUND, "user " + id + " not found");
  }

  /**
   * ALREADY_EXISTS for a taken email; the message does not repeat the email.
   *
   * @return the exception
   */
  public static UserException emailTaken() {
    return new UserException(ErrorCode.ALREADY_EXISTS, "a user with this email already exists");
  }

  /**
   * PRECONDITION_FAILED for a user changed since the caller read it.
   *
   * @param id the user's id
   * @return the exception
   */
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
