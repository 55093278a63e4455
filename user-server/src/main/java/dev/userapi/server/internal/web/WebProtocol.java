package dev.userapi.server.internal.web;

import java.util.Locale;

/**
 * The content types this listener answers on the gRPC paths, one constant per wire form.
 *
 * <ul>
 *   <li>gRPC-Web (grpc's {@code PROTOCOL-WEB.md}): {@code application/grpc-web[+proto]}, and its
 *       text form {@code application/grpc-web-text[+proto]} (the same frames in base64);
 *   <li>Connect unary: {@code application/json} and {@code application/proto}, the message alone as
 *       the body;
 *   <li>Connect streaming: {@code application/connect+json} and {@code application/connect+proto},
 *       enveloped messages and an end-of-stream message.
 * </ul>
 */
enum WebProtocol {
  GRPC_WEB(false, false),
  GRPC_WEB_TEXT(false, false),
  CONNECT_UNARY_JSON(true, true),
  CONNECT_UNARY_PROTO(false, true),
  CONNECT_STREAM_JSON(true, true),
  CONNECT_STREAM_PROTO(false, true);

  private final boolean json;
  private final boolean connect;

  WebProtocol(boolean json, boolean connect) {
    this.json = json;
    this.connect = connect;
  }

  /** The protocol of a request's {@code Content-Type}, or null for none of these. */
  static WebProtocol of(String contentType) {
    if (contentType == null) {
      return null;
    }
    int semicolon = contentType.indexOf(';');
    String type =
        (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
            .trim()
            .toLowerCase(Locale.ROOT);
    return switch (type) {
      case "application/grpc-web", "application/grpc-web+proto" -> GRPC_WEB;
      case "application/grpc-web-text", "application/grpc-web-text+proto" -> GRPC_WEB_TEXT;
      case "application/json" -> CONNECT_UNARY_JSON;
      case "application/proto" -> CONNECT_UNARY_PROTO;
      case "application/connect+json" -> CONNECT_STREAM_JSON;
      case "application/connect+proto" -> CONNECT_STREAM_PROTO;
      default -> null;
    };
  }

  /** Whether messages travel as protobuf's JSON rather than its binary form. */
  boolean json() {
    return json;
  }

  /** Whether this is a Connect form (rather than gRPC-Web). */
  boolean connect() {
    return connect;
  }

  /** Whether the body is one bare message each way (Connect unary). */
  boolean unary() {
    return this == CONNECT_UNARY_JSON || this == CONNECT_UNARY_PROTO;
  }

  /** The response's {@code Content-Type}. */
  String responseContentType() {
    return switch (this) {
      case GRPC_WEB -> "application/grpc-web+proto";
      case GRPC_WEB_TEXT -> "application/grpc-web-text+proto";
      case CONNECT_UNARY_JSON -> "application/json";
      case CONNECT_UNARY_PROTO -> "application/proto";
      case CONNECT_STREAM_JSON -> "application/connect+json";
      case CONNECT_STREAM_PROTO -> "application/connect+proto";
    };
  }
}
