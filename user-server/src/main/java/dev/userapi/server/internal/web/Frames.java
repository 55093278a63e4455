package dev.userapi.server.internal.web;

import io.grpc.Status;
import io.grpc.StatusException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The 5-byte framing that gRPC-Web and Connect streaming share: one flags byte, a big-endian 32-bit
 * length, the payload. gRPC-Web marks its trailers with flag {@value #GRPC_WEB_TRAILERS}, Connect
 * its end-of-stream message with {@value #CONNECT_END_STREAM}; {@value #COMPRESSED} marks a
 * compressed payload, which this server neither sends nor accepts.
 *
 * <p>Stateless and thread-safe.
 */
final class Frames {
  static final int HEADER_BYTES = 5;
  static final int COMPRESSED = 0x01;
  static final int CONNECT_END_STREAM = 0x02;
  static final int GRPC_WEB_TRAILERS = 0x80;

  private Frames() {}

  /** {@code payload} in one frame with {@code flags}. */
  static byte[] frame(int flags, byte[] payload) {
    byte[] frame = new byte[HEADER_BYTES + payload.length];
    frame[0] = (byte) flags;
    frame[1] = (byte) (payload.length >>> 24);
    frame[2] = (byte) (payload.length >>> 16);
    frame[3] = (byte) (payload.length >>> 8);
    frame[4] = (byte) payload.length;
    System.arraycopy(payload, 0, frame, HEADER_BYTES, payload.length);
    return frame;
  }

  /**
   * The messages of a request body made of frames.
   *
   * @throws StatusException INTERNAL for a truncated or trailer frame, UNIMPLEMENTED for a
   *     compressed one, RESOURCE_EXHAUSTED for a message over {@code maxMessageBytes}
   */
  static List<byte[]> unframe(byte[] body, int maxMessageBytes) throws StatusException {
    List<byte[]> messages = new ArrayList<>();
    int position = 0;
    while (position < body.length) {
      if (body.length - position < HEADER_BYTES) {
        throw Status.INTERNAL.withDescription("truncated frame header").asException();
      }
      int flags = body[position] & 0xFF;
      long length =
          ((body[position + 1] & 0xFFL) << 24)
              | ((body[position + 2] & 0xFFL) << 16)
              | ((body[position + 3] & 0xFFL) << 8)
              | (body[position + 4] & 0xFFL);
      if ((flags & COMPRESSED) != 0) {
        throw Status.UNIMPLEMENTED
            .withDescription(
                "compressed request messages are not supported; send them uncompressed")
            .asException();
      }
      if (flags != 0) {
        throw Status.INTERNAL
            .withDescription("unexpected frame flags 0x" + Integer.toHexString(flags))
            .asException();
      }
      if (length > maxMessageBytes) {
        throw tooLarge(length, maxMessageBytes);
      }
      int start = position + HEADER_BYTES;
      if (length > body.length - start) {
        throw Status.INTERNAL.withDescription("truncated frame").asException();
      }
      byte[] message = new byte[(int) length];
      System.arraycopy(body, start, message, 0, message.length);
      messages.add(message);
      position = start + message.length;
    }
    return messages;
  }

  static StatusException tooLarge(long length, long max) {
    return Status.RESOURCE_EXHAUSTED
        .withDescription("message of " + length + " bytes is larger than the limit of " + max)
        .asException();
  }

  /**
   * Decodes a grpc-web-text body: base64, possibly several padded chunks one after the other (a
   * client may encode each frame on its own).
   */
  static byte[] decodeText(byte[] body) throws StatusException {
    String text = new String(body, StandardCharsets.US_ASCII).replaceAll("\\s", "");
    if (text.length() % 4 != 0) {
      throw Status.INTERNAL.withDescription("grpc-web-text body is not base64").asException();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() / 4 * 3);
    Base64.Decoder decoder = Base64.getDecoder();
    int start = 0;
    try {
      for (int quad = 0; quad < text.length(); quad += 4) {
        if (text.charAt(quad + 3) == '=') {
          out.writeBytes(decoder.decode(text.substring(start, quad + 4)));
          start = quad + 4;
        }
      }
      out.writeBytes(decoder.decode(text.substring(start)));
    } catch (IllegalArgumentException e) {
      throw Status.INTERNAL.withDescription("grpc-web-text body is not base64").asException();
    }
    return out.toByteArray();
  }

  /** One chunk of a grpc-web-text response: {@code frame} in base64, padded. */
  static byte[] encodeText(byte[] frame) {
    return Base64.getEncoder().encode(frame);
  }
}
