package dev.userapi.server.internal.web;

import static java.util.Objects.requireNonNull;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * gRPC-Web and Connect on the HTTP listener: the gRPC services, at their gRPC paths ({@code
 * /userapi.v1.UserService/GetUser}), for browsers and for any HTTP/1.1 client.
 *
 * <p>Each call goes to an in-process gRPC server that holds the very {@link
 * ServerServiceDefinition}s the Netty server serves, interceptors included (metrics, tracing,
 * bearer authentication), so a web call is authorised, limited, counted, drained and answered
 * exactly as a native one, with no network hop: {@link WebCall} turns the HTTP exchange into an
 * in-process {@code ClientCall} and back.
 *
 * <p>Thread-safe. Not API: used by userapi modules only.
 */
public final class WebProtocols {
  /**
   * Set on every web call's metadata to {@code grpc-web} or {@code connect}, replacing any value
   * the client sent, so that an interceptor can tell the protocol (the console's request log does,
   * and removes it).
   */
  public static final Metadata.Key<String> PROTOCOL =
      Metadata.Key.of("userapi-web-protocol", Metadata.ASCII_STRING_MARSHALLER);

  /** What every call needs; immutable. */
  record Settings(
      ManagedChannel channel,
      int maxMessageBytes,
      long maxRequestBodyBytes,
      Duration idleTimeout,
      ScheduledExecutorService timer) {}

  private final Server server;
  private final Settings settings;
  private final Map<String, WebMethod> methods;
  private final Cors cors;

  private WebProtocols(
      Server server, Settings settings, Map<String, WebMethod> methods, Cors cors) {
    this.server = server;
    this.settings = settings;
    this.methods = methods;
    this.cors = cors;
  }

  /**
   * Starts the in-process server of {@code services}.
   *
   * @param services the service definitions, as the gRPC listener serves them
   * @param executor runs calls when the store may block; null to run them on the calling thread (a
   *     store that never blocks, as {@code directExecutor} on the gRPC listener)
   * @param timer times stalled request bodies and responses nobody reads
   * @param maxMessageBytes the largest request message
   * @param maxRequestBodyBytes the largest body of a client-streaming call (all its messages)
   * @param idleTimeout how long a body may stop arriving, or a response stop being read
   * @param corsOrigins the origins allowed cross-origin access; empty for none
   */
  public static WebProtocols start(
      List<ServerServiceDefinition> services,
      Executor executor,
      ScheduledExecutorService timer,
      int maxMessageBytes,
      long maxRequestBodyBytes,
      Duration idleTimeout,
      Collection<String> corsOrigins) {
    requireNonNull(services, "services");
    requireNonNull(timer, "timer");
    String name = "userapi-web-" + UUID.randomUUID();
    InProcessServerBuilder builder =
        InProcessServerBuilder.forName(name).maxInboundMessageSize(maxMessageBytes);
    if (executor == null) {
      builder.directExecutor();
    } else {
      builder.executor(executor);
    }
    Map<String, WebMethod> methods = new HashMap<>();
    for (ServerServiceDefinition service : services) {
      builder.addService(service);
      for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
        methods.put(method.getMethodDescriptor().getFullMethodName(), WebMethod.of(method));
      }
    }
    Server server = builder.build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the in-process server of the web protocols", e);
    }
    // Responses are handed to the web call on the thread that produced them; it never blocks.
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    return new WebProtocols(
        server,
        new Settings(channel, maxMessageBytes, maxRequestBodyBytes, idleTimeout, timer),
        Map.copyOf(methods),
        new Cors(corsOrigins));
  }

  /**
   * Whether this handles {@code request}: a POST with a gRPC-Web or Connect content type, or a CORS
   * preflight, to the path of a gRPC method. Cheap: the path and one header.
   *
   * @param rawPath the request's path as sent (not decoded)
   */
  public boolean handles(Request request, String rawPath) {
    if (rawPath.length() < 2 || !methods.containsKey(rawPath.substring(1))) {
      return false;
    }
    Method method = request.getMethod();
    if (method == Method.POST) {
      return WebProtocol.of(request.getContentType()) != null;
    }
    return Cors.isPreflight(request);
  }

  /** Serves a request {@link #handles} accepted; returns at once, the call goes on. */
  public void service(Request request, Response response, String rawPath) throws IOException {
    if (request.getMethod() == Method.OPTIONS) {
      cors.preflight(request, response);
      return;
    }
    WebMethod method = methods.get(rawPath.substring(1));
    WebProtocol protocol = WebProtocol.of(request.getContentType());
    if (protocol.unary() && !method.unary()) {
      // Connect: a streaming method takes the streaming content types only.
      response.sendError(415);
      return;
    }
    cors.decorate(request, response);
    new WebCall(settings, request, response, protocol, method).start();
  }

  /** New calls fail with UNAVAILABLE; calls in flight go on. */
  public void stopAccepting() {
    server.shutdown();
  }

  /** Waits up to {@code grace} for the calls in flight, then cancels the rest. */
  public boolean awaitDrained(Duration grace) {
    // No new calls come from the channel either; its idle transport closes, so the server can
    // terminate as soon as the calls in flight are done.
    settings.channel().shutdown();
    try {
      if (server.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS)) {
        return true;
      }
      server.shutdownNow();
      return false;
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
      return false;
    } finally {
      settings.channel().shutdownNow();
    }
  }

  /** Stops at once. */
  public void shutdownNow() {
    server.shutdownNow();
    settings.channel().shutdownNow();
  }
}
