package dev.userapi.rest.internal;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.regex.Pattern;

/**
 * The request and response filters of the REST server.
 *
 * <p>Not API: used by userapi modules only.
 */
public final class Filters {
  /** Header a client without PATCH support (HttpURLConnection) uses to tunnel it through POST. */
  public static final String METHOD_OVERRIDE = "X-HTTP-Method-Override";

  /**
   * Request property a container sets (to {@code Boolean.TRUE}) when a request may carry a body
   * that neither {@code Content-Length} nor {@code Transfer-Encoding} announces: an HTTP/2 request
   * whose DATA frames end the body. {@link BodyLimitFilter} then counts the body as it would a
   * chunked one.
   */
  public static final String BODY_WITHOUT_LENGTH = "dev.userapi.rest.bodyWithoutLength";

  private Filters() {}

  /**
   * Bounds request bodies of the API's resources: a declared Content-Length over the limit is
   * refused before the body is read, and every body (chunked ones too) is counted as it is read.
   */
  @UserApi
  public static final class BodyLimitFilter implements ContainerRequestFilter {
    private final long maxBodyBytes;

    public BodyLimitFilter(long maxBodyBytes) {
      this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void filter(ContainerRequestContext request) {
      String declared = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
      long declaredLength = -1;
      if (declared != null) {
        try {
          declaredLength = Long.parseLong(declared.trim());
          if (declaredLength > maxBodyBytes) {
            request.abortWith(Problems.bodyTooLarge(maxBodyBytes));
            return;
          }
        } catch (NumberFormatException ignored) {
          // The container validates framing; counting below still bounds the body.
        }
      }
      // Decided from the framing headers, never by peeking at the stream: hasEntity() reads
      // ahead, and on a request without a body that the container cannot frame (a GET carrying
      // "Upgrade: h2c", as java.net.http sends by default) that read blocks until a timeout.
      // An HTTP/2 body needs neither header; its container says so through BODY_WITHOUT_LENGTH.
      boolean chunked =
          request.getHeaderString("Transfer-Encoding") != null
              || Boolean.TRUE.equals(request.getProperty(BODY_WITHOUT_LENGTH));
      boolean hasBody = declared != null || chunked;
      if (hasBody) {
        request.setEntityStream(
            new LimitedInputStream(
                request.getEntityStream(), maxBodyBytes, chunked ? -1 : declaredLength));
      }
    }
  }

  /**
   * Lets {@code POST} + {@code X-HTTP-Method-Override: PATCH} stand for {@code PATCH} on the API's
   * one PATCH route, {@code api/users/{id}}. It must run before matching (the method decides which
   * resource method matches), where name binding does not apply, so it checks the path itself and
   * leaves the application's other paths alone.
   */
  @PreMatching
  public static final class MethodOverrideFilter implements ContainerRequestFilter {
    private static final Pattern PATCH_ROUTE = Pattern.compile("/?api/users/[^/:]+");

    @Override
    public void filter(ContainerRequestContext request) {
      String override = request.getHeaderString(METHOD_OVERRIDE);
      if (override != null
          && HttpMethod.POST.equals(request.getMethod())
          && PATCH_ROUTE.matcher(request.getUriInfo().getPath()).matches()
          && HttpMethod.PATCH.equalsIgnoreCase(override.trim())) {
        request.setMethod(HttpMethod.PATCH);
      }
    }
  }

  /**
   * Adds {@code Cache-Control} (unless the resource set one) and {@code Vary: Accept} to the API's
   * responses.
   */
  @UserApi
  public static final class CacheHeadersFilter implements ContainerResponseFilter {
    private final String cacheControl;

    public CacheHeadersFilter(String cacheControl) {
      this.cacheControl = cacheControl;
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
      if (!response.getHeaders().containsKey(HttpHeaders.CACHE_CONTROL)) {
        response.getHeaders().putSingle(HttpHeaders.CACHE_CONTROL, cacheControl);
      }
      if (!response.getHeaders().containsKey(HttpHeaders.VARY)) {
        response.getHeaders().putSingle(HttpHeaders.VARY, HttpHeaders.ACCEPT);
      }
      // A container that declines an upgrade offer (Grizzly: Upgrade: h2c) may close the
      // connection after answering; say so, or the client reuses it and its next request fails.
      if (request.getHeaderString("Upgrade") != null) {
        response.getHeaders().putSingle("Connection", "close");
      }
    }
  }
}
