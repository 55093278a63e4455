package dev.userapi.rest;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records every exchange a {@link TestServer} answers — the method as matched (after {@code
 * X-HTTP-Method-Override}), the path, the status, the headers and the body bytes as written before
 * any content coding — so that {@link OpenApiConformance} can hold them against the OpenAPI
 * document. Bodies are kept up to {@link #MAX_BODY} bytes; an event stream's body is not kept.
 *
 * <p>The writer interceptor runs after the content coders (higher priority number, nearer the
 * entity), so it sees the bytes before gzip. Thread-safe.
 */
@Priority(Priorities.USER + 1000)
final class WireRecorder implements ContainerResponseFilter, WriterInterceptor {
  static final int MAX_BODY = 1 << 20;
  private static final String EXCHANGE = WireRecorder.class.getName();

  /** One answered request. */
  record Exchange(
      String method,
      String path,
      int status,
      MultivaluedMap<String, String> headers,
      MediaType type,
      byte[] body,
      boolean truncated) {
    @Override
    public String toString() {
      return method + " /" + path + " -> " + status;
    }
  }

  private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();

  List<Exchange> exchanges() {
    return List.copyOf(exchanges);
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    String method = request.getMethod();
    String path = request.getUriInfo().getPath();
    MediaType type = response.getMediaType();
    boolean events = type != null && type.isCompatible(MediaType.SERVER_SENT_EVENTS_TYPE);
    if (!response.hasEntity() || events) {
      exchanges.add(
          new Exchange(
              method,
              path,
              response.getStatus(),
              copy(response.getStringHeaders()),
              type,
              new byte[0],
              events));
      return;
    }
    request.setProperty(
        EXCHANGE, new Exchange(method, path, response.getStatus(), null, type, null, false));
  }

  @Override
  public void aroundWriteTo(WriterInterceptorContext context) throws IOException {
    Object pending = context.getProperty(EXCHANGE);
    if (!(pending instanceof Exchange started)) {
      context.proceed();
      return;
    }
    context.removeProperty(EXCHANGE);
    Tee tee = new Tee(context.getOutputStream());
    context.setOutputStream(tee);
    try {
      context.proceed();
    } finally {
      MultivaluedMap<String, String> headers = new MultivaluedHashMap<>();
      context
          .getHeaders()
          .forEach((name, values) -> values.forEach(v -> headers.add(name, text(v))));
      exchanges.add(
          new Exchange(
              started.method(),
              started.path(),
              started.status(),
              headers,
              context.getMediaType(),
              tee.copy.toByteArray(),
              tee.truncated));
    }
  }

  private static String text(Object value) {
    return value instanceof MediaType type ? type.toString() : String.valueOf(value);
  }

  private static MultivaluedMap<String, String> copy(MultivaluedMap<String, String> headers) {
    MultivaluedMap<String, String> copy = new MultivaluedHashMap<>();
    headers.forEach((name, values) -> copy.addAll(name, values));
    return copy;
  }

  /** Passes everything on (flushes included) and keeps a bounded copy. */
  private static final class Tee extends FilterOutputStream {
    final ByteArrayOutputStream copy = new ByteArrayOutputStream();
    boolean truncated;

    Tee(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      keep(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      keep(b, off, len);
    }

    private void keep(byte[] b, int off, int len) {
      int room = MAX_BODY - copy.size();
      if (len > room) {
        truncated = true;
      }
      copy.write(b, off, Math.min(len, Math.max(room, 0)));
    }
  }
}
