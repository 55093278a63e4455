package dev.userapi.rest.internal;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import java.util.UUID;

/** The trace-context filters behind {@code RestTracing}. Not API: used by userapi modules only. */
public final class TracingFilters {
  private TracingFilters() {}

  /** Writes the caller's current context into the headers of every request. Thread-safe. */
  public static final class Inject implements ClientRequestFilter {
    private final TextMapPropagator propagator;

    public Inject(TextMapPropagator propagator) {
      this.propagator = propagator;
    }

    @Override
    public void filter(ClientRequestContext request) {
      propagator.inject(
          Context.current(),
          request,
          (carrier, key, value) -> carrier.getHeaders().putSingle(key, value));
    }
  }

  /**
   * Reads the caller's context from the headers and makes it current on the request thread until
   * the response filters ran. Thread-safe.
   */
  @PreMatching
  public static final class Extract implements ContainerRequestFilter, ContainerResponseFilter {
    private static final TextMapGetter<ContainerRequestContext> HEADERS =
        new TextMapGetter<>() {
          @Override
          public Iterable<String> keys(ContainerRequestContext carrier) {
            return carrier.getHeaders().keySet();
          }

          @Override
          public String get(ContainerRequestContext carrier, String key) {
            return carrier == null ? null : carrier.getHeaderString(key);
          }
        };

    private final TextMapPropagator propagator;
    private final String scopeKey = Extract.class.getName() + ".scope." + UUID.randomUUID();

    public Extract(TextMapPropagator propagator) {
      this.propagator = propagator;
    }

    @Override
    public void filter(ContainerRequestContext request) {
      // From the root: whatever a previous request left on this pooled thread is not our parent.
      Context context = propagator.extract(Context.root(), request, HEADERS);
      request.setProperty(scopeKey, new Opened(context.makeCurrent(), Thread.currentThread()));
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
      if (request.getProperty(scopeKey) instanceof Opened opened) {
        request.removeProperty(scopeKey);
        // A scope belongs to the thread that opened it; a response finished elsewhere (an
        // asynchronous resource) cannot close it from here.
        if (opened.thread == Thread.currentThread()) {
          opened.scope.close();
        }
      }
    }

    private record Opened(Scope scope, Thread thread) {}
  }
}
