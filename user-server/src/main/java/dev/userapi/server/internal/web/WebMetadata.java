package dev.userapi.server.internal.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.glassfish.grizzly.http.server.Request;

/**
 * Between HTTP/1.1 headers and gRPC {@link Metadata}: request headers become the call's metadata
 * ({@code -bin} ones base64-decoded), the timeout headers its deadline, and the call's headers and
 * trailers become response headers, a gRPC-Web trailers block or Connect's metadata object.
 *
 * <p>Stateless and thread-safe.
 */
final class WebMetadata {
  /** HTTP's own headers and the protocols' headers: never passed on as metadata. */
  private static final Set<String> NOT_METADATA =
      Set.of(
          "host",
          "connection",
          "keep-alive",
          "proxy-connection",
          "transfer-encoding",
          "upgrade",
          "expect",
          "te",
          "trailer",
          "content-type",
          "content-length",
          "content-encoding",
          "accept",
          "accept-encoding",
          "accept-language",
          "user-agent",
          "origin",
          "referer",
          "cookie",
          "cache-control",
          "pragma",
          "grpc-timeout",
          "grpc-encoding",
          "grpc-accept-encoding",
          "x-grpc-web",
          "x-user-agent",
          "connect-protocol-version",
          "connect-timeout-ms",
          "connect-content-encoding",
          "connect-accept-encoding");

  /** Call metadata that the protocols carry in their own way, or not at all. */
  private static final Set<String> NOT_RESPONSE_HEADERS =
      Set.of(
          "content-type", "grpc-status", "grpc-message", "grpc-encoding", "grpc-accept-encoding");

  private static final long MAX_TIMEOUT_NANOS = TimeUnit.DAYS.toNanos(365);

  private WebMetadata() {}

  /**
   * The metadata of a call from its request's headers.
   *
   * @throws StatusException INVALID_ARGUMENT for a {@code -bin} header that is not base64
   */
  static Metadata fromRequest(Request request) throws StatusException {
    Metadata metadata = new Metadata();
    for (String header : request.getHeaderNames()) {
      String name = header.toLowerCase(Locale.ROOT);
      if (NOT_METADATA.contains(name)
          || name.startsWith("sec-")
          || name.startsWith("access-control-")
          || name.startsWith("proxy-")
          || !isValidKey(name)) {
        continue;
      }
      for (String value : request.getHeaders(header)) {
        if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
          Metadata.Key<byte[]> key = Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER);
          for (String part : value.split(",")) {
            metadata.put(key, decodeBinary(name, part.trim()));
          }
        } else {
          metadata.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value);
        }
      }
    }
    return metadata;
  }

  private static boolean isValidKey(String name) {
    if (name.isEmpty() || name.startsWith("grpc-")) {
      return false; // grpc-* is reserved for the protocol itself
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) {
        return false;
      }
    }
    return true;
  }

  private static byte[] decodeBinary(String name, String value) throws StatusException {
    try {
      String unpadded = value.replace("=", "");
      return value.indexOf('-') >= 0 || value.indexOf('_') >= 0
          ? Base64.getUrlDecoder().decode(unpadded)
          : Base64.getDecoder().decode(unpadded);
    } catch (IllegalArgumentException e) {
      throw Status.INVALID_ARGUMENT
          .withDescription("header " + name + " is not base64")
          .asException();
    }
  }

  /**
   * The call's timeout in nanoseconds from {@code grpc-timeout} (gRPC-Web) or {@code
   * connect-timeout-ms} (Connect); null for none.
   *
   * @throws StatusException INVALID_ARGUMENT for a malformed value
   */
  static Long timeoutNanos(Request request, WebProtocol protocol) throws StatusException {
    if (protocol.connect()) {
      String millis = request.getHeader("connect-timeout-ms");
      if (millis == null) {
        return null;
      }
      if (!millis.matches("\\d{1,10}")) {
        throw invalidTimeout("connect-timeout-ms", millis);
      }
      return Math.min(TimeUnit.MILLISECONDS.toNanos(Long.parseLong(millis)), MAX_TIMEOUT_NANOS);
    }
    String timeout = request.getHeader("grpc-timeout");
    if (timeout == null) {
      return null;
    }
    if (!timeout.matches("\\d{1,8}[HMSmun]")) {
      throw invalidTimeout("grpc-timeout", timeout);
    }
    long amount = Long.parseLong(timeout.substring(0, timeout.length() - 1));
    TimeUnit unit =
        switch (timeout.charAt(timeout.length() - 1)) {
          case 'H' -> TimeUnit.HOURS;
          case 'M' -> TimeUnit.MINUTES;
          case 'S' -> TimeUnit.SECONDS;
          case 'm' -> TimeUnit.MILLISECONDS;
          case 'u' -> TimeUnit.MICROSECONDS;
          default -> TimeUnit.NANOSECONDS;
        };
    return Math.min(unit.toNanos(amount), MAX_TIMEOUT_NANOS);
  }

  private static StatusException invalidTimeout(String header, String value) {
    return Status.INVALID_ARGUMENT
        .withDescription(header + ": " + value + " is not a valid timeout")
        .asException();
  }

  /** Calls {@code sink} with each header of {@code metadata}, {@code -bin} values in base64. */
  static void forEach(Metadata metadata, BiConsumer<String, String> sink) {
    if (metadata == null) {
      return;
    }
    for (String key : metadata.keys()) {
      if (NOT_RESPONSE_HEADERS.contains(key) || key.startsWith(":")) {
        continue;
      }
      for (String value : values(metadata, key)) {
        sink.accept(key, value);
      }
    }
  }

  private static List<String> values(Metadata metadata, String key) {
    List<String> values = new ArrayList<>();
    if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
      for (byte[] value : metadata.getAll(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER))) {
        values.add(Base64.getEncoder().encodeToString(value));
      }
    } else {
      for (String value : metadata.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER))) {
        values.add(value);
      }
    }
    return values;
  }

  /** The gRPC-Web trailers block: {@code grpc-status}, {@code grpc-message}, then the trailers. */
  static byte[] grpcWebTrailers(Status status, Metadata trailers) {
    StringBuilder block = new StringBuilder();
    statusHeaders(status, (k, v) -> block.append(k).append(": ").append(v).append("\r\n"));
    forEach(trailers, (k, v) -> block.append(k).append(": ").append(v).append("\r\n"));
    return block.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** {@code grpc-status} and, when there is one, {@code grpc-message}. */
  static void statusHeaders(Status status, BiConsumer<String, String> sink) {
    sink.accept("grpc-status", Integer.toString(status.getCode().value()));
    if (status.getDescription() != null) {
      sink.accept("grpc-message", WebErrors.grpcMessage(status.getDescription()));
    }
  }

  /** Connect's end-of-stream metadata object: each trailer with its values. */
  static ObjectNode connectMetadata(Metadata trailers) {
    ObjectNode object = WebErrors.json().createObjectNode();
    forEach(
        trailers,
        (k, v) -> {
          ArrayNode values = object.has(k) ? (ArrayNode) object.get(k) : object.putArray(k);
          values.add(v);
        });
    return object;
  }
}
