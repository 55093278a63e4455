package dev.userapi.rest.internal;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Sends the API's JSON documents (the {@link Dtos} records: users, pages, problems, batch results,
 * health) with a {@code Content-Length} instead of chunked transfer coding: the body is written to
 * a buffer first, and the header set from its size. A body that outgrows {@value #LIMIT} bytes (a
 * large page) is passed on as it is written, chunked, so memory stays bounded. Other entities, of
 * the application's own resources say, are left alone.
 *
 * <p>Bound to the API's resources only ({@link UserApi}). Jersey buffers the first 8 KiB of every
 * response for the same purpose (unless the application turns that off); this covers the API's
 * documents beyond that, up to {@value #LIMIT} bytes. Streams (NDJSON, SSE) are not touched here.
 * Nor are content-coded (gzip) responses: an encoder finishes its stream only when the container
 * closes it, after every interceptor has returned, so their length is not known here.
 *
 * <p>Not API: used by userapi modules only.
 */
@UserApi
public final class ContentLengthInterceptor implements WriterInterceptor {
  /** Largest body given a Content-Length; larger ones are chunked. */
  static final int LIMIT = 64 * 1024;

  @Override
  public void aroundWriteTo(WriterInterceptorContext context) throws IOException {
    Object entity = context.getEntity();
    if (entity == null
        || entity.getClass().getEnclosingClass() != Dtos.class
        || context.getHeaders().containsKey(HttpHeaders.CONTENT_LENGTH)
        || context.getHeaders().containsKey(HttpHeaders.CONTENT_ENCODING)) {
      context.proceed();
      return;
    }
    BufferUntil body = new BufferUntil(context.getOutputStream());
    context.setOutputStream(body);
    try {
      context.proceed();
    } catch (IOException | RuntimeException e) {
      body.discard(); // nothing reached the client: the container may still answer with an error
      throw e;
    }
    // An inner interceptor that wrapped the stream may write more when the container closes it:
    // then the length is not known yet.
    if (context.getOutputStream() == body && body.buffered()) {
      context.getHeaders().putSingle(HttpHeaders.CONTENT_LENGTH, body.size());
    }
    body.drain();
  }

  /**
   * Buffers up to {@link #LIMIT} bytes until {@link #drain()}, which writes them out; from then on,
   * or once the limit is passed, everything goes straight through.
   */
  private static final class BufferUntil extends OutputStream {
    private final OutputStream wire;
    private ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
    private boolean discarded;

    BufferUntil(OutputStream wire) {
      this.wire = wire;
    }

    boolean buffered() {
      return buffer != null;
    }

    int size() {
      return buffer.size();
    }

    void drain() throws IOException {
      if (buffer != null) {
        ByteArrayOutputStream bytes = buffer;
        buffer = null;
        bytes.writeTo(wire);
      }
    }

    void discard() {
      buffer = null;
      discarded = true;
    }

    @Override
    public void write(int b) throws IOException {
      if (room(1)) {
        buffer.write(b);
      } else if (!discarded) {
        wire.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (room(len)) {
        buffer.write(b, off, len);
      } else if (!discarded) {
        wire.write(b, off, len);
      }
    }

    /** Whether {@code len} more bytes still go to the buffer; on overflow, drains it first. */
    private boolean room(int len) throws IOException {
      if (buffer == null) {
        return false;
      }
      if (buffer.size() + len <= LIMIT) {
        return true;
      }
      drain();
      return false;
    }

    @Override
    public void flush() throws IOException {
      if (buffer == null && !discarded) {
        wire.flush();
      }
    }

    @Override
    public void close() throws IOException {
      if (!discarded) {
        drain();
        wire.close();
      }
    }
  }
}
