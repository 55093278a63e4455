package dev.userapi.server.internal.console;

import dev.userapi.server.internal.web.WebProtocols;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.inprocess.InProcessSocketAddress;
import java.net.SocketAddress;

/**
 * Records every call of the user service into the {@link RequestTail}: method name ({@code
 * userapi.v1.UserService/GetUser}), status code and time from arrival to close. It is the first
 * interceptor of the user service, so calls the others refuse are recorded too. Web calls reach the
 * same service definition in process; they are told apart by that transport and tagged {@code
 * grpc-web} or {@code connect} from the marker the web layer sets (see {@link
 * WebProtocols#PROTOCOL}), which is removed before the call goes on. Never metadata or messages.
 *
 * <p>Thread-safe. Not API: used by userapi modules only.
 */
final class GrpcTailInterceptor implements ServerInterceptor {
  private final RequestTail tail;

  GrpcTailInterceptor(RequestTail tail) {
    this.tail = tail;
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    long start = System.nanoTime();
    String protocol = protocol(call, headers);
    String method = call.getMethodDescriptor().getFullMethodName();
    return next.startCall(
        new SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            tail.record(
                new RequestTail.Entry(
                    System.currentTimeMillis(),
                    protocol,
                    "-",
                    method,
                    status.getCode().name(),
                    (System.nanoTime() - start) / 1000));
            super.close(status, trailers);
          }
        },
        headers);
  }

  private static String protocol(ServerCall<?, ?> call, Metadata headers) {
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    String marker = headers.get(WebProtocols.PROTOCOL);
    headers.discardAll(WebProtocols.PROTOCOL);
    if (!(remote instanceof InProcessSocketAddress)) {
      return "grpc"; // a native client's marker means nothing
    }
    return marker == null ? "grpc-web" : marker;
  }
}
