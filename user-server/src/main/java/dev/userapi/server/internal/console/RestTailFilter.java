package dev.userapi.server.internal.console;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;
import java.io.IOException;
import java.util.List;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.uri.UriTemplate;

/**
 * Records every request of the REST application into the {@link RequestTail}: HTTP method, the
 * matched path template (never the path as sent, nor its query), status and time from arrival to
 * the end of the body (to the start of the response for event streams, as the metrics do). The
 * console's own requests ({@code /console/**}) are left out.
 *
 * <p>Registered first ({@code @PreMatching}, the outermost priority), so that requests the API's
 * filters refuse (401, 413) are recorded too. Thread-safe. Not API: used by userapi modules only.
 */
@PreMatching
final class RestTailFilter
    implements ContainerRequestFilter, ContainerResponseFilter, WriterInterceptor {
  private static final String START = RestTailFilter.class.getName() + ".start";
  private static final String PENDING = RestTailFilter.class.getName() + ".pending";
  static final String UNMATCHED = "(no route)";

  private final RequestTail tail;

  RestTailFilter(RequestTail tail) {
    this.tail = tail;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath(false);
    if (path.startsWith("console/") || path.startsWith("/console/")) {
      return;
    }
    request.setProperty(START, System.nanoTime());
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    if (!(request.getProperty(START) instanceof Long start)) {
      return;
    }
    request.removeProperty(START);
    Pending pending =
        new Pending(
            System.currentTimeMillis(),
            request.getMethod(),
            target(request),
            Integer.toString(response.getStatus()),
            start);
    if (response.hasEntity()
        && !HttpMethod.HEAD.equals(request.getMethod())
        && !MediaType.SERVER_SENT_EVENTS_TYPE.isCompatible(response.getMediaType())) {
      request.setProperty(PENDING, pending);
    } else {
      pending.finish();
    }
  }

  @Override
  public void aroundWriteTo(WriterInterceptorContext context) throws IOException {
    try {
      context.proceed();
    } finally {
      if (context.getProperty(PENDING) instanceof Pending pending) {
        context.removeProperty(PENDING);
        pending.finish();
      }
    }
  }

  /** {@code /api/users/{id}}: the templates Jersey matched, from the root down. */
  private static String target(ContainerRequestContext request) {
    if (!(request.getUriInfo() instanceof ExtendedUriInfo info)) {
      return UNMATCHED;
    }
    List<UriTemplate> templates = info.getMatchedTemplates();
    if (templates.isEmpty()) {
      return UNMATCHED;
    }
    StringBuilder target = new StringBuilder();
    for (int i = templates.size() - 1; i >= 0; i--) {
      String part = templates.get(i).getTemplate();
      if (part.isEmpty() || part.equals("/")) {
        continue;
      }
      if (part.charAt(0) != '/') {
        target.append('/');
      }
      target.append(part.endsWith("/") ? part.substring(0, part.length() - 1) : part);
    }
    return target.length() == 0 ? "/" : target.toString();
  }

  private final class Pending {
    private final long epochMillis;
    private final String method;
    private final String target;
    private final String status;
    private final long start;

    Pending(long epochMillis, String method, String target, String status, long start) {
      this.epochMillis = epochMillis;
      this.method = method;
      this.target = target;
      this.status = status;
      this.start = start;
    }

    void finish() {
      long micros = (System.nanoTime() - start) / 1000;
      tail.record(new RequestTail.Entry(epochMillis, "rest", method, target, status, micros));
    }
  }
}
