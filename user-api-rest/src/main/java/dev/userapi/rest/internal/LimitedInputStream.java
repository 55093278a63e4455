package dev.userapi.rest.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes read from a request body and fails with {@link BodyTooLargeException} once more
 * than the limit arrived, so chunked bodies (no Content-Length) are bounded too. With a declared
 * length it also ends the body after exactly that many bytes, whatever the container does: Grizzly
 * hands over an upgrade-offering request ({@code Upgrade: h2c}, sent by java.net.http by default)
 * as an unframed stream, on which a strict JSON reader looking for trailing tokens would wait for
 * an end that never comes.
 *
 * <p>Not thread-safe (one request thread reads a body). Not API.
 */
public final class LimitedInputStream extends FilterInputStream {
  private final long limit;
  private final long declaredLength;
  private long count;

  /** A body of unknown length (chunked), bounded by {@code limit}. */
  public LimitedInputStream(InputStream in, long limit) {
    this(in, limit, -1);
  }

  /** A body of {@code declaredLength} bytes (negative: unknown), bounded by {@code limit}. */
  public LimitedInputStream(InputStream in, long limit, long declaredLength) {
    super(in);
    this.limit = limit;
    this.declaredLength = declaredLength;
  }

  @Override
  public int read() throws IOException {
    if (declaredLength >= 0 && count >= declaredLength) {
      return -1;
    }
    int b = super.read();
    if (b >= 0) {
      count(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (declaredLength >= 0) {
      if (count >= declaredLength) {
        return -1;
      }
      length = (int) Math.min(length, declaredLength - count);
    }
    int n = super.read(buffer, offset, length);
    if (n > 0) {
      count(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    if (declaredLength >= 0) {
      n = Math.min(n, declaredLength - count);
    }
    long skipped = super.skip(n);
    count(skipped);
    return skipped;
  }

  @Override
  public int available() throws IOException {
    int available = super.available();
    return declaredLength >= 0 ? (int) Math.min(available, declaredLength - count) : available;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void count(long n) throws BodyTooLargeException {
    count += n;
    if (count > limit) {
      throw new BodyTooLargeException(limit);
    }
  }
}
