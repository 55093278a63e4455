package dev.userapi.server.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * The console's files: its page at {@code /}, its own assets under {@code /console/}, the browser
 * libraries it uses under {@code /console/vendor/} (from the protobufjs and uPlot WebJars), and the
 * {@code .proto} files it encodes gRPC-Web calls from under {@code /console/proto/} (from the class
 * path: {@code userapi/v1/} from user-api-proto, {@code google/rpc/} from the common protos). The
 * console's API under {@code /console/api/} is not served here.
 *
 * <p>Every response carries a Content-Security-Policy that allows scripts, styles and connections
 * to this origin only (no inline script or style, no {@code eval}) and {@code
 * X-Content-Type-Options: nosniff}. Paths are checked as {@link StaticFiles} checks them; a {@code
 * .proto} path must also name a file in one of the two packages, so the class path is not served.
 *
 * <p>Thread-safe; not API: used by userapi modules only.
 */
final class ConsoleFiles {
  static final String PREFIX = "/console";
  static final String API_PREFIX = "/console/api";

  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

  private static final String VENDOR = "/console/vendor";
  private static final String PROTO = "/console/proto";
  private static final Pattern PROTO_FILE =
      Pattern.compile("/(userapi/v1|google/rpc)/[a-z0-9_]+\\.proto");

  /** The vendor files by the name the page asks for, each at its place in its WebJar. */
  private static final Map<String, String> VENDOR_FILES =
      Map.of(
          "/protobuf.min.js", "protobufjs",
          "/uPlot.iife.min.js", "uplot",
          "/uPlot.min.css", "uplot");

  private final StaticFiles page = new StaticFiles("", "/dev/userapi/server/console/");
  private final StaticFiles assets = new StaticFiles(PREFIX, "/dev/userapi/server/console/");
  private final StaticFiles protobufjs =
      new StaticFiles(
          VENDOR,
          "/META-INF/resources/webjars/protobufjs/" + webJarVersion("protobufjs") + "/dist/");
  private final StaticFiles uplot =
      new StaticFiles(
          VENDOR, "/META-INF/resources/webjars/uplot/" + webJarVersion("uplot") + "/dist/");
  private final StaticFiles protos = new StaticFiles(PROTO, "/");

  /** Whether the raw request path is one of the console's files (its API is not). */
  static boolean handles(String raw) {
    if (raw.equals("/")) {
      return true;
    }
    if (!(raw.equals(PREFIX) || raw.startsWith(PREFIX + "/"))) {
      return false;
    }
    return !(raw.equals(API_PREFIX) || raw.startsWith(API_PREFIX + "/"));
  }

  /** Answers a request whose raw path {@link #handles} accepted. */
  void service(Request request, Response response, String raw) throws Exception {
    response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Referrer-Policy", "no-referrer");
    if (!StaticFiles.isPlain(raw)) {
      response.sendError(400);
      return;
    }
    if (raw.equals("/")) {
      page.serveFile("/index.html", request, response);
      return;
    }
    if (raw.startsWith(VENDOR + "/")) {
      String name = raw.substring(VENDOR.length());
      String webJar = VENDOR_FILES.get(name);
      if (webJar == null) {
        response.sendError(404);
      } else {
        (webJar.equals("protobufjs") ? protobufjs : uplot).service(request, response);
      }
      return;
    }
    if (raw.startsWith(PROTO + "/")) {
      if (!PROTO_FILE.matcher(raw.substring(PROTO.length())).matches()) {
        response.sendError(404);
        return;
      }
      response.setContentType("text/plain; charset=utf-8");
      protos.service(request, response);
      return;
    }
    assets.service(request, response);
  }

  /** The version of an npm WebJar on the class path. */
  static String webJarVersion(String name) {
    String pom = "/META-INF/maven/org.webjars.npm/" + name + "/pom.properties";
    try (InputStream in = ConsoleFiles.class.getResourceAsStream(pom)) {
      if (in == null) {
        throw new IllegalStateException("org.webjars.npm:" + name + " is not on the class path");
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
