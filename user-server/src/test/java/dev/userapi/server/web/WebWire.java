package dev.userapi.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The plain-HTTP side of the web protocol tests: {@code java.net.http} over HTTP/1.1, and the
 * 5-byte framing read back by hand, so that nothing of the server's own code checks the server.
 */
final class WebWire {
  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private WebWire() {}

  /** One frame: flags and payload. */
  record Frame(int flags, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    boolean trailers() {
      return (flags & 0x80) != 0;
    }

    /** A gRPC-Web trailers block as a map, keys in lower case. */
    Map<String, String> trailerMap() {
      Map<String, String> map = new LinkedHashMap<>();
      for (String line : text().split("\r\n")) {
        if (line.isEmpty()) {
          continue;
        }
        int colon = line.indexOf(':');
        map.put(
            line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).trim());
      }
      return map;
    }
  }

  static HttpResponse<byte[]> post(
      URI root, String path, String contentType, byte[] body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(root.resolve(path))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static byte[] frame(int flags, byte[] payload) {
    ByteBuffer buffer = ByteBuffer.allocate(5 + payload.length);
    buffer.put((byte) flags).putInt(payload.length).put(payload);
    return buffer.array();
  }

  static byte[] frames(byte[]... payloads) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] payload : payloads) {
      out.writeBytes(frame(0, payload));
    }
    return out.toByteArray();
  }

  static List<Frame> parse(byte[] body) {
    List<Frame> frames = new ArrayList<>();
    ByteBuffer buffer = ByteBuffer.wrap(body);
    while (buffer.hasRemaining()) {
      assertThat(buffer.remaining()).as("frame header").isGreaterThanOrEqualTo(5);
      int flags = buffer.get() & 0xFF;
      int length = buffer.getInt();
      assertThat(buffer.remaining()).as("frame payload").isGreaterThanOrEqualTo(length);
      byte[] payload = new byte[length];
      buffer.get(payload);
      frames.add(new Frame(flags, payload));
    }
    return frames;
  }

  /**
   * Parses a grpc-web-text body chunk by chunk, as a reader that decodes each base64 chunk on its
   * own must: the first 8 characters give a frame's length, which says how many characters (padded)
   * the frame takes. Fails if a frame was not encoded on its own.
   */
  static List<Frame> parseText(byte[] body) {
    String text = new String(body, StandardCharsets.US_ASCII);
    List<Frame> frames = new ArrayList<>();
    int position = 0;
    while (position < text.length()) {
      byte[] head = Base64.getDecoder().decode(text.substring(position, position + 8));
      int length = ByteBuffer.wrap(head, 1, 4).getInt();
      int chars = (5 + length + 2) / 3 * 4;
      byte[] frame = Base64.getDecoder().decode(text.substring(position, position + chars));
      frames.addAll(parse(frame));
      position += chars;
    }
    return frames;
  }

  /** Reads a response's status line and headers, up to the empty line; returns them. */
  static String readHead(java.io.InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new java.io.EOFException("connection closed in the headers: " + head);
      }
      head.append((char) b);
    }
    return head.toString();
  }

  /** A body in HTTP/1.1 chunked transfer coding, read chunk by chunk as it arrives. */
  static final class Dechunked extends java.io.InputStream {
    private final java.io.InputStream in;
    private int left;
    private boolean ended;

    Dechunked(java.io.InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (ended) {
        return -1;
      }
      if (left == 0) {
        if (!nextChunk()) {
          return -1;
        }
      }
      int read = in.read(buffer, offset, Math.min(length, left));
      if (read < 0) {
        throw new java.io.EOFException("truncated chunk");
      }
      left -= read;
      if (left == 0) {
        line(); // the CRLF after the chunk
      }
      return read;
    }

    private boolean nextChunk() throws IOException {
      String size = line();
      int semicolon = size.indexOf(';');
      left = Integer.parseInt(semicolon < 0 ? size : size.substring(0, semicolon), 16);
      if (left == 0) {
        ended = true;
        return false;
      }
      return true;
    }

    private String line() throws IOException {
      StringBuilder line = new StringBuilder();
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b < 0) {
          throw new java.io.EOFException("connection closed in a chunk header");
        }
        if (b != '\r') {
          line.append((char) b);
        }
      }
      return line.toString();
    }
  }

  static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
