package dev.userapi.server.internal;

import java.util.Locale;
import java.util.regex.Pattern;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.server.CLStaticHttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.http.util.Header;

/**
 * Static files from the class path under one context path (Swagger UI at {@code /docs/}), with our
 * own files shadowing a webjar's. {@code /docs} redirects to {@code /docs/} so that relative links
 * resolve. Files are written on a worker: Swagger UI's bundle is over a megabyte.
 *
 * <p>Only plain names are served: a path with an escape ({@code %2e%2e/}, {@code ..%2f}, {@code
 * %c0%ae}), a dot segment, a backslash, an empty segment or a character outside {@code
 * [A-Za-z0-9._-]} is refused with 400 before it reaches the class loader, and {@code META-INF} and
 * {@code WEB-INF} are not served (404). Errors are problem+json (see {@link ProblemPages}).
 *
 * <p>Not API: used by userapi modules only.
 */
final class StaticFiles {
  private static final Pattern SAFE_PATH = Pattern.compile("(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*/?");

  private final String contextPath;
  private final ClassPathFiles files;

  /**
   * @param contextPath where the files are served, e.g. {@code /docs}
   * @param roots class-path folders to look in, first match wins, each ending in {@code /}
   */
  StaticFiles(String contextPath, String... roots) {
    this.contextPath = contextPath;
    this.files = new ClassPathFiles(roots);
    files.setFileCacheEnabled(false);
  }

  /** Answers a request whose path starts with the context path. */
  void service(Request request, Response response) throws Exception {
    // The raw path as the client sent it: no decoding, no normalisation by anyone before us.
    String raw = request.getRequest().getRequestURIRef().getOriginalRequestURIBC().toString();
    if (raw.equals(contextPath)) {
      response.setStatus(301);
      response.setHeader("Location", contextPath + "/");
      return;
    }
    if (!raw.startsWith(contextPath + "/")) {
      response.sendError(404);
      return;
    }
    String path = raw.substring(contextPath.length());
    if (!isPlain(path)) {
      response.sendError(400);
      return;
    }
    String upper = path.toUpperCase(Locale.ROOT);
    if (upper.startsWith("/META-INF") || upper.startsWith("/WEB-INF")) {
      response.sendError(404);
      return;
    }
    if (!files.serve(path, request, response)) {
      response.sendError(404);
    }
  }

  /** Whether a raw path has only plain names (see the class comment); others get 400. */
  static boolean isPlain(String path) {
    return SAFE_PATH.matcher(path).matches() && !path.contains("/.");
  }

  /** Answers with one file whatever the request's path, e.g. a page at {@code /}. */
  void serveFile(String path, Request request, Response response) throws Exception {
    if (!files.serve(path, request, response)) {
      response.sendError(404);
    }
  }

  /** Grizzly's class-path handler, asked for a path we checked, not one it derives itself. */
  private static final class ClassPathFiles extends CLStaticHttpHandler {
    private static final java.util.Map<String, String> TEXT_TYPES =
        java.util.Map.of(
            "html", "text/html",
            "js", "text/javascript",
            "mjs", "text/javascript",
            "css", "text/css",
            "json", "application/json",
            "yaml", "application/yaml");

    ClassPathFiles(String... roots) {
      super(StaticFiles.class.getClassLoader(), roots);
    }

    boolean serve(String path, Request request, Response response) throws Exception {
      // Grizzly's handler adds a Date of its own to a file it sends (a found file, on GET): without
      // this there were two. Once it has sent one, the response may already be gone.
      boolean sends = Method.GET.equals(request.getMethod());
      if (sends) {
        response.getResponse().getHeaders().removeHeader(Header.Date);
      }
      String text = TEXT_TYPES.get(path.substring(path.lastIndexOf('.') + 1));
      if (sends && text != null && !response.getResponse().isContentTypeSet()) {
        // Grizzly names the type without a charset; these files are UTF-8 (Swagger UI's too).
        response.setContentType(text + "; charset=utf-8");
      }
      boolean served = handle(path, request, response);
      if (sends && !served) {
        response.setHeader(Header.Date, DateHeader.now());
      }
      return served;
    }
  }
}
