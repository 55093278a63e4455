package dev.userapi.server.internal.web;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * Cross-origin access to the gRPC-Web and Connect endpoints for browser clients on other origins.
 * With no allowed origins (the default) nothing is added, so browsers keep such pages to the same
 * origin. An allowed origin gets its preflight answered and the response headers a web client reads
 * (status, message, details, Connect's headers) exposed. {@code *} allows every origin.
 *
 * <p>Immutable and thread-safe.
 */
final class Cors {
  static final String ALLOWED_METHODS = "POST, OPTIONS";
  static final String ALLOWED_HEADERS =
      String.join(
          ", ",
          "authorization",
          "content-type",
          "x-grpc-web",
          "x-user-agent",
          "grpc-timeout",
          "connect-protocol-version",
          "connect-timeout-ms",
          "connect-accept-encoding",
          "connect-content-encoding",
          "traceparent",
          "tracestate");
  static final String EXPOSED_HEADERS =
      String.join(
          ", ",
          "grpc-status",
          "grpc-message",
          "grpc-status-details-bin",
          "connect-content-encoding",
          "connect-accept-encoding",
          "content-encoding");
  private static final String MAX_AGE_SECONDS = "7200";

  private final Set<String> origins;
  private final boolean any;

  Cors(Collection<String> origins) {
    this.origins =
        origins.stream()
            .map(o -> stripSlash(o.toLowerCase(Locale.ROOT)))
            .collect(Collectors.toSet());
    this.any = this.origins.contains("*");
  }

  private static String stripSlash(String origin) {
    return origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin;
  }

  /** Whether {@code request} is a CORS preflight. */
  static boolean isPreflight(Request request) {
    return request.getMethod() == Method.OPTIONS
        && request.getHeader("Origin") != null
        && request.getHeader("Access-Control-Request-Method") != null;
  }

  boolean allows(String origin) {
    return origin != null && (any || origins.contains(origin.toLowerCase(Locale.ROOT)));
  }

  /** Answers a preflight: 204 with what may be sent for an allowed origin, 403 otherwise. */
  void preflight(Request request, Response response) throws java.io.IOException {
    String origin = request.getHeader("Origin");
    String method = request.getHeader("Access-Control-Request-Method");
    if (!allows(origin) || !method.equals("POST")) {
      response.sendError(403);
      return;
    }
    response.setStatus(204);
    response.setHeader("Access-Control-Allow-Origin", origin);
    response.setHeader("Vary", "Origin");
    response.setHeader("Access-Control-Allow-Methods", ALLOWED_METHODS);
    response.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
    response.setHeader("Access-Control-Max-Age", MAX_AGE_SECONDS);
  }

  /** Lets an allowed origin read the response of an actual request. */
  void decorate(Request request, Response response) {
    String origin = request.getHeader("Origin");
    if (allows(origin)) {
      response.setHeader("Access-Control-Allow-Origin", origin);
      response.setHeader("Vary", "Origin");
      response.setHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
    }
  }
}
