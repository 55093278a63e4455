package dev.userapi.rest.internal;

import dev.userapi.core.UserOperation;
import dev.userapi.rest.internal.Dtos.ProblemDto;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;
import java.io.IOException;
import java.lang.reflect.Method;
import java.util.UUID;

/**
 * Measures every request from the moment it arrives (a pre-matching filter: before any other filter
 * can turn it away) until its response is written — for NDJSON streams, until the last line — and
 * reports the outcome once to a {@link Sink}. It never looks at URIs, headers or bodies beyond the
 * status and the {@code code} of a problem response, so no personal data reaches a sink.
 *
 * <p>Server-sent event streams are reported when their response starts: the JAX-RS API offers no
 * portable signal for the end of an event stream.
 *
 * <p>Thread-safe. Not API: used by userapi modules only.
 */
@PreMatching
public final class ObservedRequests
    implements ContainerRequestFilter, ContainerResponseFilter, WriterInterceptor {
  /** The {@code method} of a request that matched no resource method. */
  public static final String UNMATCHED = "unmatched";

  /** Receives each finished request, exactly once. */
  public interface Sink {
    /**
     * Records one request.
     *
     * @param method the {@link UserOperation} name the resource method declares, or the resource
     *     method's Java name when it declares none, or {@link #UNMATCHED}
     * @param status the HTTP status
     * @param code {@code OK} or an {@code ErrorCode} name
     * @param nanos how long the request took
     */
    void record(String method, int status, String code, long nanos);
  }

  private final Sink sink;
  // Per instance, so that two of these (metrics and logging) never share a property.
  private final String startKey = ObservedRequests.class.getName() + ".start." + UUID.randomUUID();
  private final String pendingKey =
      ObservedRequests.class.getName() + ".pending." + UUID.randomUUID();

  @Context private ResourceInfo resourceInfo;

  public ObservedRequests(Sink sink) {
    this.sink = sink;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    request.setProperty(startKey, System.nanoTime());
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    if (!(request.getProperty(startKey) instanceof Long start)) {
      return; // not seen arriving (registered late): nothing to time
    }
    request.removeProperty(startKey);
    Outcome outcome = new Outcome(method(), response.getStatus(), codeOf(response), start);
    if (response.hasEntity()
        && !HttpMethod.HEAD.equals(request.getMethod())
        && !MediaType.SERVER_SENT_EVENTS_TYPE.isCompatible(response.getMediaType())) {
      request.setProperty(pendingKey, outcome); // finished once the body is written
    } else {
      outcome.finish();
    }
  }

  @Override
  public void aroundWriteTo(WriterInterceptorContext context) throws IOException {
    try {
      context.proceed();
    } finally {
      if (context.getProperty(pendingKey) instanceof Outcome outcome) {
        context.removeProperty(pendingKey);
        outcome.finish();
      }
    }
  }

  private String method() {
    Method method = resourceInfo == null ? null : resourceInfo.getResourceMethod();
    if (method == null) {
      return UNMATCHED;
    }
    UserOperation operation = ResourceOperations.of(method);
    return operation != null ? operation.name() : method.getName();
  }

  private static String codeOf(ContainerResponseContext response) {
    if (response.getEntity() instanceof ProblemDto problem && problem.code() != null) {
      return problem.code();
    }
    int status = response.getStatus();
    return status < 400 ? "OK" : Problems.codeOf(status).name();
  }

  private final class Outcome {
    private final String method;
    private final int status;
    private final String code;
    private final long start;

    Outcome(String method, int status, String code, long start) {
      this.method = method;
      this.status = status;
      this.code = code;
      this.start = start;
    }

    void finish() {
      sink.record(method, status, code, System.nanoTime() - start);
    }
  }
}
