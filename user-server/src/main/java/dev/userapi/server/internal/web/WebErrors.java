package dev.userapi.server.internal.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * The one place where the web protocols meet gRPC statuses. Everything is derived from the {@link
 * Status} the call ended with (the user service's own error translation made it, so this class
 * holds no table of userapi's errors): gRPC-Web carries it as is; Connect names the code in lower
 * case and answers unary calls with the HTTP status its specification gives each code.
 *
 * <p>Stateless and thread-safe.
 */
final class WebErrors {
  static final Metadata.Key<byte[]> STATUS_DETAILS =
      Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFormat.Printer DEBUG_PRINTER =
      JsonFormat.printer()
          .omittingInsignificantWhitespace()
          .usingTypeRegistry(
              JsonFormat.TypeRegistry.newBuilder()
                  .add(BadRequest.getDescriptor())
                  .add(ErrorInfo.getDescriptor())
                  .build());

  private WebErrors() {}

  /** Connect's name of {@code code}: the gRPC name in lower case, spelt {@code canceled}. */
  static String connectCode(Status.Code code) {
    return code == Status.Code.CANCELLED ? "canceled" : code.name().toLowerCase(Locale.ROOT);
  }

  /** The HTTP status of a Connect unary error with {@code code}, per Connect's specification. */
  static int connectHttpStatus(Status.Code code) {
    return switch (code) {
      case OK -> 200;
      case CANCELLED -> 499;
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
      case DEADLINE_EXCEEDED -> 504;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, ABORTED -> 409;
      case PERMISSION_DENIED -> 403;
      case RESOURCE_EXHAUSTED -> 429;
      case UNIMPLEMENTED -> 501;
      case UNAVAILABLE -> 503;
      case UNAUTHENTICATED -> 401;
      case UNKNOWN, INTERNAL, DATA_LOSS -> 500;
    };
  }

  /**
   * Connect's error object for {@code status}: {@code code}, {@code message} and, from the {@code
   * grpc-status-details-bin} trailer, {@code details} with each detail's type, its bytes (base64
   * without padding) and a readable {@code debug} copy.
   */
  static ObjectNode connectError(Status status, Metadata trailers) {
    ObjectNode error = JSON.createObjectNode();
    error.put("code", connectCode(status.getCode()));
    if (status.getDescription() != null) {
      error.put("message", status.getDescription());
    }
    byte[] details = trailers == null ? null : trailers.get(STATUS_DETAILS);
    if (details != null) {
      ArrayNode array = error.putArray("details");
      for (Any any : parseDetails(details).getDetailsList()) {
        ObjectNode detail = array.addObject();
        String typeUrl = any.getTypeUrl();
        detail.put("type", typeUrl.substring(typeUrl.lastIndexOf('/') + 1));
        detail.put(
            "value",
            Base64.getEncoder().withoutPadding().encodeToString(any.getValue().toByteArray()));
        JsonNode debug = debug(any);
        if (debug != null) {
          detail.set("debug", debug);
        }
      }
    }
    return error;
  }

  /** The Connect error body of {@code status}, as bytes. */
  static byte[] connectErrorBody(Status status, Metadata trailers) {
    return toBytes(connectError(status, trailers));
  }

  static byte[] toBytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static ObjectMapper json() {
    return JSON;
  }

  private static com.google.rpc.Status parseDetails(byte[] bytes) {
    try {
      return com.google.rpc.Status.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      return com.google.rpc.Status.getDefaultInstance();
    }
  }

  private static JsonNode debug(Any any) {
    try {
      ObjectNode node = (ObjectNode) JSON.readTree(DEBUG_PRINTER.print(any));
      node.remove("@type");
      return node;
    } catch (Exception e) {
      return null; // a detail type this server does not know: its bytes are still there
    }
  }

  /**
   * {@code grpc-message} as gRPC encodes it: percent-encoding of UTF-8 bytes outside printable
   * ASCII, and of {@code %} itself.
   */
  static String grpcMessage(String description) {
    byte[] bytes = description.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
    for (byte b : bytes) {
      if (b >= 0x20 && b <= 0x7E && b != '%') {
        out.write(b);
      } else {
        out.write('%');
        out.write(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)));
        out.write(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
      }
    }
    return out.toString(StandardCharsets.US_ASCII);
  }
}
