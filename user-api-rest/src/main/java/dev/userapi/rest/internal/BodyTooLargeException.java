package dev.userapi.rest.internal;

import java.io.IOException;

/**
 * Thrown by {@link LimitedInputStream} when a request body grows past the limit. An {@link
 * IOException} so that JSON parsers let it through unwrapped.
 *
 * <p>Not API: used by userapi modules only.
 */
public final class BodyTooLargeException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long limit;

  public BodyTooLargeException(long limit) {
    super("request body exceeds " + limit + " bytes");
    this.limit = limit;
  }

  public long limit() {
    return limit;
  }
}
