package dev.userapi.load;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A way to call the user service that the load engine can drive. REST and the two browser protocols
 * go to the server's REST port ({@link LoadPlan.Builder#rest}), native gRPC to its gRPC port
 * ({@link LoadPlan.Builder#grpc}). Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public enum Protocol {
  /** REST, JSON bodies, one keep-alive HTTP/1.1 connection per worker. */
  REST_JSON("rest-json", true),
  /** REST, {@code application/x-protobuf} bodies, one keep-alive HTTP/1.1 connection per worker. */
  REST_PROTOBUF("rest-protobuf", true),
  /**
   * REST, JSON bodies, over cleartext HTTP/2 with prior knowledge: one connection shared by all
   * workers, a stream per call (the server must have HTTP/2 on).
   */
  REST_H2_JSON("rest-h2-json", true),
  /** Native gRPC: one channel (one HTTP/2 connection) shared by all workers. */
  GRPC("grpc", true),
  /**
   * gRPC-Web, binary ({@code application/grpc-web+proto}), over one keep-alive HTTP/1.1 connection
   * per worker to the REST port (the server must have its web protocols on). No gzip.
   */
  GRPC_WEB("grpc-web", false),
  /**
   * Connect unary JSON ({@code application/json}), over one keep-alive HTTP/1.1 connection per
   * worker to the REST port (the server must have its web protocols on). No gzip.
   */
  CONNECT_JSON("connect-json", false);

  private final String wireName;
  private final boolean gzip;

  Protocol(String wireName, boolean gzip) {
    this.wireName = wireName;
    this.gzip = gzip;
  }

  /**
   * The name in JSON and on the command line.
   *
   * @return e.g. {@code rest-json}
   */
  public String wireName() {
    return wireName;
  }

  /**
   * Whether a plan with {@code gzip(true)} may include this protocol: the server refuses compressed
   * gRPC-Web and Connect requests.
   *
   * @return false for gRPC-Web and Connect
   */
  public boolean supportsGzip() {
    return gzip;
  }

  /**
   * Whether calls go to the REST port.
   *
   * @return true for everything but native gRPC
   */
  public boolean usesRestPort() {
    return this != GRPC;
  }

  /**
   * The protocol of a {@link #wireName()}.
   *
   * @param name a wire name, e.g. {@code rest-json}
   * @return the protocol
   * @throws IllegalArgumentException naming the known protocols when there is no such protocol
   */
  public static Protocol fromWireName(String name) {
    for (Protocol p : values()) {
      if (p.wireName.equals(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "unknown protocol '"
            + name
            + "' (known: "
            + Arrays.stream(values()).map(Protocol::wireName).collect(Collectors.joining(", "))
            + ")");
  }
}
