package dev.userapi.load.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.zip.GZIPOutputStream;

/**
 * The REST side of the load client: one keep-alive HTTP/1.1 connection per worker (HTTP/1.1 has one
 * request in flight per connection), bodies not decoded except where the protocol forces it (the
 * next page token of a paged read). Any status other than the expected one is an error.
 */
public final class RestLoad {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACCEPT_JSON = "Accept: application/json\r\n";
  private static final String GZIP = "Accept-Encoding: gzip\r\n";
  private static final String ACCEPT_PROTOBUF = "Accept: application/x-protobuf\r\n";

  private final String host;
  private final int port;
  private final int rawPort;
  private final String apiPrefix;
  private final String extraHeaders;
  private final String domain;
  private final WireBytes wire = new WireBytes();

  /** Makes every created user's email unique, across cells, warm-ups and workers. */
  private final AtomicLong keys = new AtomicLong();

  /**
   * @param port the port of the API and the bare resource
   * @param rawPort the port of the raw Grizzly floor, -1 when there is none
   * @param apiPrefix the path of the API root, e.g. {@code /api}
   */
  public RestLoad(String host, int port, int rawPort, String apiPrefix) {
    this(host, port, rawPort, apiPrefix, "", Workloads.DEFAULT_DOMAIN);
  }

  /**
   * @param extraHeaders header lines sent with every request (e.g. {@code Authorization}), or empty
   * @param domain the email domain of the users this load creates
   */
  public RestLoad(
      String host, int port, int rawPort, String apiPrefix, String extraHeaders, String domain) {
    this.host = host;
    this.port = port;
    this.rawPort = rawPort;
    this.apiPrefix = apiPrefix;
    this.extraHeaders = extraHeaders;
    this.domain = domain;
  }

  public WireBytes wire() {
    return wire;
  }

  private String root(boolean bare) {
    return bare ? "/bare" : apiPrefix;
  }

  /** The path of one user: the bare one has a path of the API's shape, see {@link BareResource}. */
  private String userPath(String variant, String id) {
    return variant.equals("bare") ? "/api/users/bare-" + id : root(variant) + "/users/" + id;
  }

  /** The path of one page of {@code pageSize}. */
  private String pagePath(String variant, int pageSize) {
    String users = variant.equals("bare") ? "/api/users/bare-page" : root(variant) + "/users";
    return users + "?pageSize=" + pageSize;
  }

  /**
   * ours: the real API; bare: the bare Jersey resource; raw: the raw Grizzly handler (on its own
   * port, see {@link #connect(String)}).
   */
  private String root(String variant) {
    return switch (variant) {
      case "bare" -> "/bare";
      case "raw" -> "/raw";
      default -> apiPrefix;
    };
  }

  public HttpConnection connect() {
    return new HttpConnection(host, port, wire, extraHeaders);
  }

  /** A connection to the server of {@code variant}: the raw floor listens apart. */
  private HttpConnection connect(String variant) {
    if (!variant.equals("raw")) {
      return connect();
    }
    if (rawPort < 0) {
      throw new IllegalStateException("no raw Grizzly server to measure");
    }
    return new HttpConnection(host, rawPort, wire, extraHeaders);
  }

  private Op request(
      String method, String target, String headers, IntFunction<byte[]> body, int expected) {
    return request("ours", method, target, headers, body, expected);
  }

  private Op request(
      String variant,
      String method,
      String target,
      String headers,
      IntFunction<byte[]> body,
      int expected) {
    HttpConnection connection = connect(variant);
    int[] seq = {0};
    return new Op() {
      @Override
      public long run() throws IOException {
        HttpConnection.Response response =
            connection.exchange(
                method, target, headers, body == null ? null : body.apply(seq[0]++));
        expect(response, expected);
        return 1;
      }

      @Override
      public void close() {
        connection.close();
      }
    };
  }

  private static void expect(HttpConnection.Response response, int expected) {
    if (response.status() != expected) {
      throw new IllegalStateException("HTTP " + response.status() + " (expected " + expected + ")");
    }
  }

  public Op.Factory get(String variant, boolean gzip, String id) {
    String headers = ACCEPT_JSON + (gzip ? GZIP : "");
    return worker -> request(variant, "GET", userPath(variant, id), headers, null, 200);
  }

  public Op.Factory getEach(boolean bare, List<String> ids) {
    return worker -> {
      HttpConnection connection = connect();
      int[] next = {worker * 7919};
      return new Op() {
        @Override
        public long run() throws IOException {
          String id = ids.get(Math.floorMod(next[0]++, ids.size()));
          expect(
              connection.exchange("GET", userPath(bare ? "bare" : "ours", id), ACCEPT_JSON, null),
              200);
          return 1;
        }

        @Override
        public void close() {
          connection.close();
        }
      };
    };
  }

  public Op.Factory list(String variant, boolean gzip, int pageSize) {
    String headers = ACCEPT_JSON + (gzip ? GZIP : "");
    return worker -> request(variant, "GET", pagePath(variant, pageSize), headers, null, 200);
  }

  /** Our API's get with an {@code application/x-protobuf} body (HTTP/1.1, content negotiation). */
  public Op.Factory getProtobuf(String id) {
    return getProtobuf(id, false);
  }

  /** The protobuf get; with {@code gzip} the response may come compressed. */
  public Op.Factory getProtobuf(String id, boolean gzip) {
    String headers = ACCEPT_PROTOBUF + (gzip ? GZIP : "");
    return worker -> request("ours", "GET", userPath("ours", id), headers, null, 200);
  }

  /** Our API's page of {@code pageSize} as {@code application/x-protobuf}. */
  public Op.Factory listProtobuf(int pageSize) {
    return listProtobuf(pageSize, false);
  }

  /** The protobuf page; with {@code gzip} the response may come compressed. */
  public Op.Factory listProtobuf(int pageSize, boolean gzip) {
    String headers = ACCEPT_PROTOBUF + (gzip ? GZIP : "");
    return worker -> request("ours", "GET", pagePath("ours", pageSize), headers, null, 200);
  }

  /** Creates with a protobuf {@code User} body, answered in protobuf. */
  public Op.Factory createProtobuf(String tag) {
    return createProtobuf(tag, false);
  }

  /** Creates with a protobuf body; with {@code gzip} the response may come compressed. */
  public Op.Factory createProtobuf(String tag, boolean gzip) {
    String headers =
        ACCEPT_PROTOBUF + "Content-Type: application/x-protobuf\r\n" + (gzip ? GZIP : "");
    return worker ->
        request(
            "POST",
            apiPrefix + "/users",
            headers,
            i -> Workloads.newUserProto(tag + "-" + keys.getAndIncrement(), domain).toByteArray(),
            201);
  }

  public Op.Factory create(String tag) {
    return create(tag, false);
  }

  /** Creates with a JSON body; with {@code gzip} the response may come compressed. */
  public Op.Factory create(String tag, boolean gzip) {
    String headers = ACCEPT_JSON + "Content-Type: application/json\r\n" + (gzip ? GZIP : "");
    return worker ->
        request(
            "POST",
            apiPrefix + "/users",
            headers,
            i -> Workloads.newUserJson(tag + "-" + keys.getAndIncrement(), domain),
            201);
  }

  /** Conditional renames (JSON merge patch with If-Match) of one user per worker. */
  public Op.Factory update(IntFunction<String> userOfWorker) {
    return worker -> {
      String id = userOfWorker.apply(worker);
      HttpConnection connection = connect();
      long[] version = {1};
      return new Op() {
        @Override
        public long run() throws IOException {
          String headers =
              ACCEPT_JSON
                  + "Content-Type: application/merge-patch+json\r\nIf-Match: \""
                  + version[0]
                  + "\"\r\n";
          byte[] body =
              ("{\"name\":\"Renamed " + worker + "-" + (version[0] + 1) + "\"}")
                  .getBytes(StandardCharsets.UTF_8);
          expect(connection.exchange("PATCH", apiPrefix + "/users/" + id, headers, body), 200);
          version[0]++;
          return 1;
        }

        @Override
        public void close() {
          connection.close();
        }
      };
    };
  }

  /**
   * Reads the whole NDJSON stream, counting lines; {@code expected} is -1 when unknown (remote).
   */
  public Op.Factory ndjson(boolean bare, long expected) {
    return worker -> {
      HttpConnection connection = connect();
      return new Op() {
        @Override
        public long run() throws IOException {
          long[] lines = {0};
          HttpConnection.Response response =
              connection.exchange(
                  "GET",
                  root(bare) + "/users:stream",
                  "Accept: application/x-ndjson\r\n",
                  null,
                  false,
                  (buffer, offset, length) -> {
                    for (int i = offset; i < offset + length; i++) {
                      if (buffer[i] == '\n') {
                        lines[0]++;
                      }
                    }
                  });
          expect(response, 200);
          Workloads.check(
              expected < 0 || lines[0] == expected,
              "streamed " + lines[0] + " lines, expected " + expected);
          return lines[0];
        }

        @Override
        public void close() {
          connection.close();
        }
      };
    };
  }

  /** Reads every user by following page tokens; the client must parse each page for its token. */
  public Op.Factory paged(int pageSize, long expected) {
    return worker -> {
      HttpConnection connection = connect();
      return new Op() {
        @Override
        public long run() throws IOException {
          long users = 0;
          String token = "";
          do {
            String target =
                apiPrefix
                    + "/users?pageSize="
                    + pageSize
                    + (token.isEmpty()
                        ? ""
                        : "&pageToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
            HttpConnection.Response response =
                connection.exchange("GET", target, ACCEPT_JSON, null, true, null);
            expect(response, 200);
            JsonNode page = JSON.readTree(response.body());
            users += page.path("users").size();
            token = page.path("nextPageToken").asText("");
          } while (!token.isEmpty());
          Workloads.check(
              expected < 0 || users == expected,
              "paged through " + users + " users, expected " + expected);
          return users;
        }

        @Override
        public void close() {
          connection.close();
        }
      };
    };
  }

  /** Creates {@code total} users in NDJSON batch bodies of {@code batch} lines each. */
  public Op.Factory bulkCreate(boolean bare, String tag, int total, int batch, boolean gzip) {
    String headers =
        ACCEPT_JSON
            + "Content-Type: application/x-ndjson\r\n"
            + (gzip ? "Content-Encoding: gzip\r\n" + GZIP : "");
    return worker -> {
      HttpConnection connection = connect();
      return new Op() {
        @Override
        public long run() throws IOException {
          long done = 0;
          while (done < total) {
            int n = (int) Math.min(batch, total - done);
            StringBuilder body = new StringBuilder(n * 80);
            for (int i = 0; i < n; i++) {
              body.append(Workloads.newUserJsonText(tag + "-" + keys.getAndIncrement(), domain))
                  .append('\n');
            }
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            expect(
                connection.exchange(
                    "POST", root(bare) + "/users:batchCreate", headers, gzip ? gzip(bytes) : bytes),
                200);
            done += n;
          }
          return total;
        }

        @Override
        public void close() {
          connection.close();
        }
      };
    };
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4);
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(bytes);
    }
    return out.toByteArray();
  }

  /**
   * Creates one user (JSON) and returns its id: what a run seeds before it reads.
   *
   * @throws IllegalStateException when the server does not answer 201 with an id
   */
  public String seed(String key) throws IOException {
    try (HttpConnection connection = connect()) {
      HttpConnection.Response response =
          connection.exchange(
              "POST",
              apiPrefix + "/users",
              ACCEPT_JSON + "Content-Type: application/json\r\n",
              Workloads.newUserJson(key, domain),
              true,
              null);
      if (response.status() != 201) {
        throw new IllegalStateException(
            "seeding a user over REST: HTTP "
                + response.status()
                + " (expected 201): "
                + new String(response.body(), StandardCharsets.UTF_8));
      }
      String id = JSON.readTree(response.body()).path("id").asText("");
      Workloads.check(!id.isEmpty(), "seeding a user over REST: no id in the answer");
      return id;
    }
  }

  /** The body of a GET, for the bare fixtures. */
  public byte[] fetch(String target) throws IOException {
    try (HttpConnection connection = connect()) {
      HttpConnection.Response response =
          connection.exchange("GET", target, ACCEPT_JSON, null, true, null);
      expect(response, 200);
      return response.body();
    }
  }
}
