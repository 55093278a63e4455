package dev.userapi.rest.internal;

import jakarta.ws.rs.WebApplicationException;

/**
 * A failure with an HTTP status that has no {@code ErrorCode} of its own (428 Precondition
 * Required) and a detail written by us, safe to send.
 *
 * <p>Not API: used by userapi modules only.
 */
public final class StatusException extends WebApplicationException {
  private static final long serialVersionUID = 1L;

  public StatusException(int status, String detail) {
    super(detail, status);
  }
}
