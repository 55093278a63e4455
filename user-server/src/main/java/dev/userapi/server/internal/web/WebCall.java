package dev.userapi.server.internal.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.glassfish.grizzly.CloseListener;
import org.glassfish.grizzly.Closeable;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.ICloseType;
import org.glassfish.grizzly.WriteHandler;
import org.glassfish.grizzly.http.io.NIOOutputStream;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gRPC-Web or Connect request, bridged to an in-process {@link ClientCall} of the same service
 * definition that native gRPC serves.
 *
 * <p>The request body is read whole first, up to a limit (on a worker when it is still arriving;
 * see {@link #start}); its messages are then sent and the call half-closed (HTTP/1.1 carries one
 * direction at a time, so client-streaming calls run half-duplex). Responses are written without
 * blocking as well: the next message is requested from the call only once Grizzly's output can take
 * more ({@code canWrite}, else {@code notifyCanWrite}), so a slow reader holds the server to one
 * message plus the connection's write queue; a reader that takes nothing for the idle timeout is
 * cut off.
 *
 * <p>Thread-safe: callbacks arrive from Grizzly's selector and from the call; output is written
 * under one lock, and only when a write cannot block.
 */
final class WebCall extends ClientCall.Listener<byte[]> {
  private static final Logger log = LoggerFactory.getLogger(WebCall.class);

  /**
   * The most response bytes Grizzly queues for the connection while a web call streams. Grizzly's
   * own default follows the socket's send buffer, which loopback and fast links autotune to
   * megabytes; a stream's memory should not depend on that.
   */
  static final int WRITE_QUEUE_BYTES = 256 * 1024;

  /** A failure of this side (a response it could not convert); read by onClose. */
  private volatile Status localFailure;

  private final WebProtocols.Settings settings;
  private final Request request;
  private final Response response;
  private final WebProtocol protocol;
  private final WebMethod method;
  private final Connection<?> connection;
  private final CloseListener<Closeable, ICloseType> onHangUp = (closeable, type) -> hungUp();
  private final AtomicBoolean done = new AtomicBoolean();
  private final ReentrantLock lock = new ReentrantLock();
  private final long maxBodyBytes;
  private final int connectionWriteQueue;

  private volatile ClientCall<byte[], byte[]> call;
  private volatile Metadata responseHeaders = new Metadata();
  private byte[] unaryResponse; // Connect unary: the one response message

  // guarded by lock
  private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
  private boolean headersSent;
  private boolean wantMore;
  private boolean finishing;
  private boolean closeConnection;
  private boolean waitingForWrite;
  private volatile ScheduledFuture<?> writeTimer;

  WebCall(
      WebProtocols.Settings settings,
      Request request,
      Response response,
      WebProtocol protocol,
      WebMethod method) {
    this.settings = settings;
    this.request = request;
    this.response = response;
    this.protocol = protocol;
    this.method = method;
    this.connection = request.getContext().getConnection();
    this.connectionWriteQueue = connection.getMaxAsyncWriteQueueSize();
    long limit =
        method.clientSendsOne()
            ? settings.maxMessageBytes() + Frames.HEADER_BYTES
            : Math.max(
                settings.maxRequestBodyBytes(),
                settings.maxMessageBytes() + (long) Frames.HEADER_BYTES);
    // base64 takes 4 bytes for 3
    this.maxBodyBytes = protocol == WebProtocol.GRPC_WEB_TEXT ? limit / 3 * 4 + 4 : limit;
  }

  /**
   * Reads the body, suspends the response and starts the call; returns once the call is under way.
   * The body is read here: {@code RestHost} runs this on the selector thread only when the whole
   * body has arrived (so reading cannot block), and on a worker otherwise, where a body that stops
   * arriving is cut off by the listener's read timeout (the idle timeout).
   */
  void start() {
    response.suspend();
    connection.addCloseListener(onHangUp);
    connection.setMaxAsyncWriteQueueSize(WRITE_QUEUE_BYTES);
    byte[] bytes;
    try {
      bytes = readBody();
    } catch (StatusException e) {
      // The rest of the body is never read: answer, then hang up.
      respond(e.getStatus(), new Metadata(), true);
      return;
    }
    begin(bytes);
  }

  private byte[] readBody() throws StatusException {
    long declared = request.getContentLengthLong();
    if (declared > maxBodyBytes) {
      throw Frames.tooLarge(declared, maxBodyBytes);
    }
    try (InputStream in = request.getInputStream()) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
      if (bytes.length > maxBodyBytes) {
        throw Frames.tooLarge(bytes.length, maxBodyBytes);
      }
      return bytes;
    } catch (IOException e) {
      throw Status.DEADLINE_EXCEEDED
          .withDescription("the request body stopped arriving")
          .withCause(e)
          .asException();
    }
  }

  /** The whole body is here: start the call, send every message, half-close. */
  private void begin(byte[] bytes) {
    if (done.get()) {
      return;
    }
    List<byte[]> messages;
    Metadata headers;
    CallOptions options = CallOptions.DEFAULT;
    try {
      checkEncoding();
      messages = decode(bytes);
      headers = WebMetadata.fromRequest(request);
      headers.discardAll(WebProtocols.PROTOCOL);
      headers.put(WebProtocols.PROTOCOL, protocol.connect() ? "connect" : "grpc-web");
      Long timeout = WebMetadata.timeoutNanos(request, protocol);
      if (timeout != null) {
        options = options.withDeadlineAfter(timeout, TimeUnit.NANOSECONDS);
      }
    } catch (StatusException e) {
      respond(e.getStatus(), new Metadata(), false);
      return;
    }
    ClientCall<byte[], byte[]> started = settings.channel().newCall(method.descriptor(), options);
    call = started;
    started.start(this, headers);
    if (done.get()) {
      started.cancel("the client went away", null);
      return;
    }
    for (byte[] message : messages) {
      started.sendMessage(message);
    }
    started.halfClose();
    started.request(1);
  }

  private void checkEncoding() throws StatusException {
    String encoding =
        request.getHeader(
            protocol.unary()
                ? "content-encoding"
                : protocol.connect() ? "connect-content-encoding" : "grpc-encoding");
    if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
      throw Status.UNIMPLEMENTED
          .withDescription("request compression " + encoding + " is not supported")
          .asException();
    }
    String version = request.getHeader("connect-protocol-version");
    if (protocol.connect() && version != null && !version.equals("1")) {
      throw Status.INVALID_ARGUMENT
          .withDescription("connect-protocol-version: " + version + " (expected: 1)")
          .asException();
    }
  }

  private List<byte[]> decode(byte[] bytes) throws StatusException {
    if (protocol.unary()) {
      if (bytes.length > settings.maxMessageBytes()) {
        throw Frames.tooLarge(bytes.length, settings.maxMessageBytes());
      }
      return List.of(protocol.json() ? method.requestFromJson(bytes) : bytes);
    }
    byte[] frames = protocol == WebProtocol.GRPC_WEB_TEXT ? Frames.decodeText(bytes) : bytes;
    List<byte[]> messages = Frames.unframe(frames, settings.maxMessageBytes());
    if (!protocol.json()) {
      return messages;
    }
    List<byte[]> binary = new ArrayList<>(messages.size());
    for (byte[] json : messages) {
      binary.add(method.requestFromJson(json));
    }
    return binary;
  }

  // ---- the call's callbacks (serialized by the call)

  @Override
  public void onHeaders(Metadata headers) {
    responseHeaders = headers;
  }

  @Override
  public void onMessage(byte[] message) {
    if (protocol.unary()) {
      unaryResponse = message;
      return;
    }
    byte[] payload;
    try {
      payload = protocol.json() ? method.responseToJson(message) : message;
    } catch (StatusException e) {
      // The call ends with this status (INTERNAL), not the CANCELLED or OK the call closes with.
      localFailure = e.getStatus();
      call.cancel(e.getStatus().getDescription(), null);
      return;
    }
    byte[] frame = Frames.frame(0, payload);
    send(protocol == WebProtocol.GRPC_WEB_TEXT ? Frames.encodeText(frame) : frame, true);
  }

  @Override
  public void onClose(Status status, Metadata trailers) {
    Status failure = localFailure;
    if (failure != null) {
      respond(failure, new Metadata(), false);
      return;
    }
    respond(status, trailers, false);
  }

  // ---- responses

  /** Ends the exchange with {@code status}, in the protocol's form. */
  private void respond(Status status, Metadata trailers, boolean hangUp) {
    lock.lock();
    try {
      if (done.get()) {
        return; // aborted: the response is no longer ours to touch (Grizzly recycles it)
      }
      closeConnection |= hangUp;
      if (hangUp && !response.isCommitted()) {
        response.setHeader("Connection", "close");
      }
      switch (protocol) {
        case CONNECT_UNARY_JSON, CONNECT_UNARY_PROTO -> respondUnary(status, trailers);
        case GRPC_WEB, GRPC_WEB_TEXT -> respondGrpcWeb(status, trailers);
        case CONNECT_STREAM_JSON, CONNECT_STREAM_PROTO -> respondConnectStream(status, trailers);
      }
      finishing = true;
    } finally {
      lock.unlock();
    }
    drain();
  }

  private void respondUnary(Status status, Metadata trailers) {
    byte[] message = unaryResponse;
    byte[] payload = null;
    if (status.isOk() && message == null) {
      status = Status.INTERNAL.withDescription("the call ended without a response");
    }
    if (status.isOk()) {
      try {
        payload = protocol.json() ? method.responseToJson(message) : message;
      } catch (StatusException e) {
        status = e.getStatus();
      }
    }
    headersSent = true;
    WebMetadata.forEach(responseHeaders, response::addHeader);
    if (status.isOk()) {
      response.setStatus(200);
      response.setContentType(protocol.responseContentType());
      WebMetadata.forEach(trailers, (k, v) -> response.addHeader("trailer-" + k, v));
    } else {
      payload = WebErrors.connectErrorBody(status, trailers);
      trailers.removeAll(WebErrors.STATUS_DETAILS);
      response.setStatus(WebErrors.connectHttpStatus(status.getCode()));
      response.setContentType("application/json");
      WebMetadata.forEach(trailers, (k, v) -> response.addHeader("trailer-" + k, v));
    }
    response.setContentLength(payload.length);
    pending.add(payload);
  }

  private void respondGrpcWeb(Status status, Metadata trailers) {
    if (!headersSent) {
      // Trailers-only: the status travels in the HTTP headers and there is no body.
      headersSent = true;
      sendHeaders();
      WebMetadata.statusHeaders(status, response::addHeader);
      WebMetadata.forEach(trailers, response::addHeader);
      response.setContentLength(0);
      return;
    }
    byte[] frame =
        Frames.frame(Frames.GRPC_WEB_TRAILERS, WebMetadata.grpcWebTrailers(status, trailers));
    pending.add(protocol == WebProtocol.GRPC_WEB_TEXT ? Frames.encodeText(frame) : frame);
  }

  private void respondConnectStream(Status status, Metadata trailers) {
    if (!headersSent) {
      headersSent = true;
      sendHeaders();
    }
    ObjectNode end = WebErrors.json().createObjectNode();
    if (!status.isOk()) {
      end.set("error", WebErrors.connectError(status, trailers));
      trailers.removeAll(WebErrors.STATUS_DETAILS);
    }
    ObjectNode metadata = WebMetadata.connectMetadata(trailers);
    if (!metadata.isEmpty()) {
      end.set("metadata", metadata);
    }
    pending.add(Frames.frame(Frames.CONNECT_END_STREAM, WebErrors.toBytes(end)));
  }

  /** Status line and headers of a streamed response; call with the lock held. */
  private void sendHeaders() {
    response.setStatus(200);
    response.setContentType(protocol.responseContentType());
    WebMetadata.forEach(responseHeaders, response::addHeader);
  }

  private void send(byte[] chunk, boolean requestMore) {
    lock.lock();
    try {
      if (done.get()) {
        return;
      }
      if (!headersSent) {
        headersSent = true;
        sendHeaders();
      }
      pending.add(chunk);
      wantMore |= requestMore;
    } finally {
      lock.unlock();
    }
    drain();
  }

  private enum Next {
    NOTHING,
    WAIT,
    REQUEST,
    COMPLETE
  }

  /** Writes what is pending while Grizzly can take it without blocking, then decides what next. */
  private void drain() {
    Next next;
    NIOOutputStream out = response.getNIOOutputStream();
    lock.lock();
    try {
      next = writePending(out);
      if (next == Next.WAIT) {
        waitingForWrite = true;
        writeTimer =
            settings
                .timer()
                .schedule(
                    this::writeStalled, settings.idleTimeout().toNanos(), TimeUnit.NANOSECONDS);
      }
    } catch (IOException e) {
      next = Next.NOTHING;
      hungUp();
    } finally {
      lock.unlock();
    }
    switch (next) {
      case WAIT -> out.notifyCanWrite(new Writable());
      case REQUEST -> call.request(1);
      case COMPLETE -> complete();
      case NOTHING -> {}
    }
  }

  private Next writePending(NIOOutputStream out) throws IOException {
    if (done.get() || waitingForWrite) {
      return Next.NOTHING;
    }
    while (!pending.isEmpty()) {
      if (!out.canWrite()) {
        return Next.WAIT;
      }
      out.write(pending.poll());
      out.flush();
    }
    if (!finishing && !wantMore) {
      return Next.NOTHING;
    }
    // Ask for more, or finish, only once a write would not block: canWrite also guarantees the
    // next write (or the response's final flush) goes straight to the queue.
    if (!out.canWrite()) {
      return Next.WAIT;
    }
    if (finishing) {
      return Next.COMPLETE;
    }
    wantMore = false;
    return Next.REQUEST;
  }

  private final class Writable implements WriteHandler {
    @Override
    public void onWritePossible() {
      lock.lock();
      try {
        waitingForWrite = false;
        cancel(writeTimer);
      } finally {
        lock.unlock();
      }
      drain();
    }

    @Override
    public void onError(Throwable t) {
      hungUp();
    }
  }

  private void writeStalled() {
    log.debug(
        "{}: the client read nothing for {} ms; closing the connection",
        method.descriptor().getFullMethodName(),
        settings.idleTimeout().toMillis());
    abort("the client stopped reading the response");
  }

  private void hungUp() {
    abort("the client went away");
  }

  /** The response is written: let Grizzly finish it. */
  private void complete() {
    if (!done.compareAndSet(false, true)) {
      return;
    }
    cancel(writeTimer);
    connection.removeCloseListener(onHangUp);
    connection.setMaxAsyncWriteQueueSize(connectionWriteQueue);
    boolean hangUp;
    lock.lock();
    try {
      hangUp = closeConnection;
    } finally {
      lock.unlock();
    }
    response.resume();
    if (hangUp) {
      connection.closeSilently();
    }
  }

  /** The exchange cannot go on: cancel the call, drop the connection. */
  private void abort(String reason) {
    // Under the lock, so that no write is under way and none starts after this.
    lock.lock();
    try {
      if (!done.compareAndSet(false, true)) {
        return;
      }
    } finally {
      lock.unlock();
    }
    cancel(writeTimer);
    connection.removeCloseListener(onHangUp);
    ClientCall<byte[], byte[]> started = call;
    if (started != null) {
      started.cancel(reason, null);
    }
    connection.closeSilently();
    try {
      response.resume();
    } catch (RuntimeException e) {
      log.debug("resuming the response of a closed connection", e);
    }
  }

  private static void cancel(ScheduledFuture<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }
}
