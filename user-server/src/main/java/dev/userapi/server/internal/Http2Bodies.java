package dev.userapi.server.internal;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeoutException;

/**
 * Makes a stalled HTTP/2 request body fail the way a stalled HTTP/1.1 body does. Grizzly's HTTP/2
 * streams report their read timeout as a bare {@code IOException("Blocking read timeout")}, where
 * its HTTP/1.1 reads carry a {@link TimeoutException} as the cause; the REST adapter answers 408
 * only for the latter (see {@code Problems.fromRead}). This filter puts the same cause under
 * Grizzly's HTTP/2 timeout, so both versions get 408 problem+json from the one mapping.
 *
 * <p>Thread-safe (stateless). Not API: used by userapi modules only.
 */
@PreMatching
final class Http2Bodies implements ContainerRequestFilter {
  /** The message of {@code org.glassfish.grizzly.http2.DefaultInputBuffer}'s read timeout. */
  static final String GRIZZLY_HTTP2_READ_TIMEOUT = "Blocking read timeout";

  @Override
  public void filter(ContainerRequestContext request) {
    request.setEntityStream(new TimeoutAware(request.getEntityStream()));
  }

  private static final class TimeoutAware extends FilterInputStream {
    TimeoutAware(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        throw translate(e);
      }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      try {
        return super.read(buffer, offset, length);
      } catch (IOException e) {
        throw translate(e);
      }
    }

    private static IOException translate(IOException e) {
      if (e.getCause() != null || !GRIZZLY_HTTP2_READ_TIMEOUT.equals(e.getMessage())) {
        return e;
      }
      IOException stalled =
          new IOException("the request body stopped arriving", new TimeoutException());
      stalled.addSuppressed(e);
      return stalled;
    }
  }
}
