package dev.userapi.load.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A minimal blocking HTTP/1.1 keep-alive client over one socket: the REST side of the load client.
 * It is deliberately bare (no pooling, no executor hops, no JSON decoding) so that the client costs
 * the same whichever server answers, and it counts every byte that crosses the socket, headers
 * included, in {@link WireBytes}. Not thread-safe: one connection per load worker.
 */
public final class HttpConnection implements Closeable {
  private final String host;
  private final int port;
  private final WireBytes wire;
  private final String extraHeaders;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  /** The parts of a response the benchmark looks at. The body is kept only when asked for. */
  public record Response(
      int status, String etag, String contentEncoding, long bodyBytes, byte[] body) {}

  /** Receives a response body as it streams in, without buffering it. */
  public interface BodySink {
    void accept(byte[] buffer, int offset, int length);
  }

  public HttpConnection(String host, int port, WireBytes wire) {
    this(host, port, wire, "");
  }

  /**
   * @param extraHeaders header lines sent with every request (e.g. {@code Authorization}), each
   *     ending in CRLF, or empty
   */
  public HttpConnection(String host, int port, WireBytes wire, String extraHeaders) {
    this.host = host;
    this.port = port;
    this.wire = wire;
    this.extraHeaders = extraHeaders;
  }

  /** Sends a request and reads the response; the body is discarded but counted. */
  public Response exchange(String method, String target, String headers, byte[] body)
      throws IOException {
    return exchange(method, target, headers, body, false, null);
  }

  /**
   * Sends a request and reads the response.
   *
   * @param headers extra header lines, each ending in CRLF, or empty
   * @param keepBody whether to return the body bytes
   * @param sink if non-null, receives the body as it arrives
   */
  public Response exchange(
      String method, String target, String headers, byte[] body, boolean keepBody, BodySink sink)
      throws IOException {
    connect();
    StringBuilder head = new StringBuilder(128 + headers.length());
    head.append(method)
        .append(' ')
        .append(target)
        .append(" HTTP/1.1\r\nHost: ")
        .append(host)
        .append(':')
        .append(port)
        .append("\r\n")
        .append(extraHeaders)
        .append(headers);
    if (body != null) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (body != null) {
      out.write(body);
    }
    out.flush();
    try {
      return readResponse(keepBody, sink);
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private void connect() throws IOException {
    if (socket != null) {
      return;
    }
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.connect(new InetSocketAddress(host, port), 5_000);
    socket = s;
    in = new BufferedInputStream(new CountingInput(s.getInputStream(), wire), 16 * 1024);
    out = new BufferedOutputStream(new CountingOutput(s.getOutputStream(), wire), 16 * 1024);
  }

  private Response readResponse(boolean keepBody, BodySink sink) throws IOException {
    String statusLine = readLine();
    if (!statusLine.startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP response: " + statusLine);
    }
    int status = Integer.parseInt(statusLine.substring(9, 12));
    long contentLength = -1;
    boolean chunked = false;
    boolean close = false;
    String etag = null;
    String encoding = null;
    for (String line = readLine(); !line.isEmpty(); line = readLine()) {
      int colon = line.indexOf(':');
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      switch (name) {
        case "content-length" -> contentLength = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        case "connection" -> close = value.equalsIgnoreCase("close");
        case "etag" -> etag = value;
        case "content-encoding" -> encoding = value;
        default -> {}
      }
    }
    ByteArrayOutputStream kept = keepBody ? new ByteArrayOutputStream() : null;
    long bodyBytes;
    if (status == 204 || status == 304) {
      bodyBytes = 0;
    } else if (chunked) {
      bodyBytes = readChunked(kept, sink);
    } else if (contentLength >= 0) {
      bodyBytes = readFixed(contentLength, kept, sink);
    } else {
      bodyBytes = readFixed(Long.MAX_VALUE, kept, sink);
      close = true;
    }
    if (close) {
      close();
    }
    return new Response(
        status, etag, encoding, bodyBytes, kept == null ? null : kept.toByteArray());
  }

  private long readChunked(ByteArrayOutputStream kept, BodySink sink) throws IOException {
    long total = 0;
    while (true) {
      String sizeLine = readLine();
      int semicolon = sizeLine.indexOf(';');
      long size =
          Long.parseLong(
              semicolon < 0 ? sizeLine.trim() : sizeLine.substring(0, semicolon).trim(), 16);
      if (size == 0) {
        for (String trailer = readLine(); !trailer.isEmpty(); trailer = readLine()) {
          // trailers are ignored
        }
        return total;
      }
      total += readFixed(size, kept, sink);
      readLine();
    }
  }

  private final byte[] buffer = new byte[16 * 1024];

  private long readFixed(long length, ByteArrayOutputStream kept, BodySink sink)
      throws IOException {
    long remaining = length;
    long total = 0;
    while (remaining > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
      if (n < 0) {
        if (length == Long.MAX_VALUE) {
          return total;
        }
        throw new EOFException("connection closed in a response body");
      }
      if (kept != null) {
        kept.write(buffer, 0, n);
      }
      if (sink != null) {
        sink.accept(buffer, 0, n);
      }
      remaining -= n;
      total += n;
    }
    return total;
  }

  private final StringBuilder line = new StringBuilder(128);

  private String readLine() throws IOException {
    line.setLength(0);
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed in a response head");
      }
      if (b == '\n') {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
          line.setLength(end - 1);
        }
        return line.toString();
      }
      line.append((char) b);
    }
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      socket = null;
    }
  }

  private static final class CountingInput extends java.io.FilterInputStream {
    private final WireBytes wire;

    CountingInput(InputStream in, WireBytes wire) {
      super(in);
      this.wire = wire;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        wire.received(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        wire.received(n);
      }
      return n;
    }
  }

  private static final class CountingOutput extends java.io.FilterOutputStream {
    private final WireBytes wire;

    CountingOutput(OutputStream out, WireBytes wire) {
      super(out);
      this.wire = wire;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      wire.sent(1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      wire.sent(len);
    }
  }
}
