package dev.userapi.server.internal.console;

import dev.userapi.core.UserException;
import dev.userapi.rest.internal.Problems;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import java.lang.reflect.Method;

/**
 * The guard in front of every {@link ConsoleTool}: the tools must be on, and with tokens the caller
 * needs the admin scope (see {@link ConsoleGuard}); an event stream also needs a free slot and, for
 * a benchmark run, the run. A refusal is answered here, as problem+json from the REST API's one
 * mapping, so that the resource method never runs: an event-stream method that threw after Jersey
 * had opened its stream would finish the response while Grizzly's handler still holds it. The
 * caller's token goes on to the method as the request property {@value #TOKEN}.
 *
 * <p>Thread-safe. Not API: used by userapi modules only.
 */
@ConsoleTool
final class ConsoleToolFilter implements ContainerRequestFilter {
  /** The request property holding the caller's bearer token, when the server checks tokens. */
  static final String TOKEN = ConsoleToolFilter.class.getName() + ".token";

  private final ConsoleGuard guard;
  private final ConsoleResource resource;

  @Context private ResourceInfo resourceInfo;

  ConsoleToolFilter(ConsoleGuard guard, ConsoleResource resource) {
    this.guard = guard;
    this.resource = resource;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    try {
      String token = guard.checkTools(request.getHeaderString(HttpHeaders.AUTHORIZATION));
      if (token != null) {
        request.setProperty(TOKEN, token);
      }
      Method method = resourceInfo == null ? null : resourceInfo.getResourceMethod();
      if (method != null) {
        resource.precheck(method.getName(), request.getUriInfo().getPathParameters());
      }
    } catch (UserException e) {
      request.abortWith(Problems.toResponse(e));
    }
  }
}
