package dev.userapi.load.internal;

import dev.userapi.proto.v1.CreateUserRequest;
import dev.userapi.proto.v1.GetUserRequest;
import dev.userapi.proto.v1.ListUsersRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * The browser protocols the server answers on its REST port: gRPC-Web (binary, {@code
 * application/grpc-web+proto}) and Connect unary JSON ({@code application/json}), both {@code POST
 * /userapi.v1.UserService/<Method>}. One keep-alive HTTP/1.1 connection per worker, as a browser
 * keeps one per origin in flight per request; every byte of the exchange is counted in {@link
 * WireBytes}. A gRPC-Web call succeeds when its trailer frame says {@code grpc-status: 0}, a
 * Connect call when it is answered 200. Thread-safe; each worker's {@link Op} is not.
 */
public final class WebLoad {
  private static final String SERVICE_PATH = "/userapi.v1.UserService/";
  private static final String GRPC_WEB_HEADERS =
      "Content-Type: application/grpc-web+proto\r\n"
          + "Accept: application/grpc-web+proto\r\n"
          + "X-Grpc-Web: 1\r\n";
  private static final String CONNECT_HEADERS =
      "Content-Type: application/json\r\nConnect-Protocol-Version: 1\r\n";

  private final String host;
  private final int port;
  private final String extraHeaders;
  private final String domain;
  private final WireBytes wire = new WireBytes();
  private final AtomicLong keys = new AtomicLong();

  /**
   * @param extraHeaders header lines sent with every request (e.g. {@code Authorization}), or empty
   * @param domain the email domain of the users this load creates
   */
  public WebLoad(String host, int port, String extraHeaders, String domain) {
    this.host = host;
    this.port = port;
    this.extraHeaders = extraHeaders;
    this.domain = domain;
  }

  public WireBytes wire() {
    return wire;
  }

  /** gRPC-Web {@code GetUser} of {@code id}. */
  public Op.Factory grpcWebGet(String id) {
    byte[] frame = frame(GetUserRequest.newBuilder().setId(id).build().toByteArray());
    return worker -> grpcWeb("GetUser", i -> frame);
  }

  /** gRPC-Web {@code ListUsers} of one page of {@code pageSize}. */
  public Op.Factory grpcWebList(int pageSize) {
    byte[] frame = frame(ListUsersRequest.newBuilder().setPageSize(pageSize).build().toByteArray());
    return worker -> grpcWeb("ListUsers", i -> frame);
  }

  /** gRPC-Web {@code CreateUser}, a new user each call. */
  public Op.Factory grpcWebCreate(String tag) {
    return worker ->
        grpcWeb(
            "CreateUser",
            i ->
                frame(
                    CreateUserRequest.newBuilder()
                        .setUser(Workloads.newUserProto(tag + "-" + keys.getAndIncrement(), domain))
                        .build()
                        .toByteArray()));
  }

  /** Connect JSON {@code GetUser} of {@code id}. */
  public Op.Factory connectGet(String id) {
    byte[] body = ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
    return worker -> connect("GetUser", i -> body);
  }

  /** Connect JSON {@code ListUsers} of one page of {@code pageSize}. */
  public Op.Factory connectList(int pageSize) {
    byte[] body = ("{\"pageSize\":" + pageSize + "}").getBytes(StandardCharsets.UTF_8);
    return worker -> connect("ListUsers", i -> body);
  }

  /** Connect JSON {@code CreateUser}, a new user each call. */
  public Op.Factory connectCreate(String tag) {
    return worker ->
        connect(
            "CreateUser",
            i ->
                ("{\"user\":"
                        + Workloads.newUserJsonText(tag + "-" + keys.getAndIncrement(), domain)
                        + "}")
                    .getBytes(StandardCharsets.UTF_8));
  }

  private Op grpcWeb(String method, IntFunction<byte[]> body) {
    HttpConnection connection = new HttpConnection(host, port, wire, extraHeaders);
    int[] seq = {0};
    return new Op() {
      @Override
      public long run() throws IOException {
        HttpConnection.Response response =
            connection.exchange(
                "POST", SERVICE_PATH + method, GRPC_WEB_HEADERS, body.apply(seq[0]++), true, null);
        if (response.status() != 200) {
          throw new IllegalStateException("HTTP " + response.status() + " (expected 200)");
        }
        String status = grpcStatus(response.body());
        if (!"0".equals(status)) {
          throw new IllegalStateException("grpc-status " + status + " (expected 0)");
        }
        return 1;
      }

      @Override
      public void close() {
        connection.close();
      }
    };
  }

  private Op connect(String method, IntFunction<byte[]> body) {
    HttpConnection connection = new HttpConnection(host, port, wire, extraHeaders);
    int[] seq = {0};
    return new Op() {
      @Override
      public long run() throws IOException {
        HttpConnection.Response response =
            connection.exchange(
                "POST", SERVICE_PATH + method, CONNECT_HEADERS, body.apply(seq[0]++));
        if (response.status() != 200) {
          throw new IllegalStateException("HTTP " + response.status() + " (expected 200)");
        }
        return 1;
      }

      @Override
      public void close() {
        connection.close();
      }
    };
  }

  /** A gRPC-Web data frame: flag 0, a 4-byte big-endian length, the message. */
  static byte[] frame(byte[] message) {
    byte[] frame = new byte[5 + message.length];
    int n = message.length;
    frame[1] = (byte) (n >>> 24);
    frame[2] = (byte) (n >>> 16);
    frame[3] = (byte) (n >>> 8);
    frame[4] = (byte) n;
    System.arraycopy(message, 0, frame, 5, n);
    return frame;
  }

  /**
   * The {@code grpc-status} of a gRPC-Web response body's trailer frame (flag bit 0x80), or null
   * when the body has none (a trailers-only answer, which carries its status in the headers: for
   * these calls always an error).
   */
  static String grpcStatus(byte[] body) {
    int at = 0;
    while (at + 5 <= body.length) {
      int flags = body[at] & 0xff;
      int length =
          ((body[at + 1] & 0xff) << 24)
              | ((body[at + 2] & 0xff) << 16)
              | ((body[at + 3] & 0xff) << 8)
              | (body[at + 4] & 0xff);
      int start = at + 5;
      if (length < 0 || start + length > body.length) {
        return null;
      }
      if ((flags & 0x80) != 0) {
        String trailers = new String(body, start, length, StandardCharsets.ISO_8859_1);
        for (String line : trailers.split("\r\n")) {
          int colon = line.indexOf(':');
          if (colon > 0
              && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("grpc-status")) {
            return line.substring(colon + 1).trim();
          }
        }
        return null;
      }
      at = start + length;
    }
    return null;
  }
}
