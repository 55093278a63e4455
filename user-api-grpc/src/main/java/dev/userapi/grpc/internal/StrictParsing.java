package dev.userapi.grpc.internal;

import dev.userapi.core.UserException;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a request that is not a valid message of its method fail with INVALID_ARGUMENT.
 *
 * <p>grpc-java parses requests before any application code runs and answers a parse failure with
 * {@code UNKNOWN: Application error processing RPC}, which tells a caller nothing about whose fault
 * it was. Here each method is re-bound with a pass-through request marshaller and the request is
 * parsed in the call's own listener with the method's real marshaller; a failure closes the call
 * with INVALID_ARGUMENT (with the usual {@code ErrorInfo}/{@code BadRequest} details) and the
 * handler never sees a message. The service descriptor is rebuilt with the same name and schema
 * descriptor, so reflection keeps working.
 *
 * <p>Not API: used by userapi modules only.
 */
public final class StrictParsing {
  private StrictParsing() {}

  /** Returns {@code service} with strict request parsing on every method. */
  public static ServerServiceDefinition wrap(ServerServiceDefinition service) {
    ServiceDescriptor original = service.getServiceDescriptor();
    ServiceDescriptor.Builder descriptor =
        ServiceDescriptor.newBuilder(original.getName())
            .setSchemaDescriptor(original.getSchemaDescriptor());
    List<ServerMethodDefinition<InputStream, ?>> methods = new ArrayList<>();
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      ServerMethodDefinition<InputStream, ?> wrapped = wrapMethod(method);
      descriptor.addMethod(wrapped.getMethodDescriptor());
      methods.add(wrapped);
    }
    ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(builder::addMethod);
    return builder.build();
  }

  private static <Q, A> ServerMethodDefinition<InputStream, A> wrapMethod(
      ServerMethodDefinition<Q, A> definition) {
    MethodDescriptor<Q, A> typed = definition.getMethodDescriptor();
    MethodDescriptor<InputStream, A> raw =
        typed.toBuilder(PassThrough.INSTANCE, typed.getResponseMarshaller()).build();
    ServerCallHandler<Q, A> handler = definition.getServerCallHandler();
    return ServerMethodDefinition.create(
        raw, (call, headers) -> startCall(typed, handler, call, headers));
  }

  private static <Q, A> ServerCall.Listener<InputStream> startCall(
      MethodDescriptor<Q, A> typed,
      ServerCallHandler<Q, A> handler,
      ServerCall<InputStream, A> call,
      Metadata headers) {
    ServerCall.Listener<Q> listener = handler.startCall(new TypedCall<>(call, typed), headers);
    return new ServerCall.Listener<>() {
      private boolean rejected;

      @Override
      public void onMessage(InputStream message) {
        if (rejected) {
          return;
        }
        Q request;
        try {
          request = typed.parseRequest(message);
        } catch (RuntimeException e) {
          rejected = true;
          StatusRuntimeException status =
              GrpcErrors.toStatusException(
                  UserException.invalidArgument(
                      "request",
                      "is not a valid " + typed.getBareMethodName() + " request message"));
          Metadata trailers = status.getTrailers();
          call.close(status.getStatus(), trailers == null ? new Metadata() : trailers);
          return;
        }
        listener.onMessage(request);
      }

      @Override
      public void onHalfClose() {
        if (!rejected) {
          listener.onHalfClose();
        }
      }

      @Override
      public void onCancel() {
        listener.onCancel();
      }

      @Override
      public void onComplete() {
        listener.onComplete();
      }

      @Override
      public void onReady() {
        if (!rejected) {
          listener.onReady();
        }
      }
    };
  }

  /** The call as the typed handler sees it: the same call, with the typed method descriptor. */
  private static final class TypedCall<Q, A> extends ServerCall<Q, A> {
    private final ServerCall<InputStream, A> call;
    private final MethodDescriptor<Q, A> method;

    TypedCall(ServerCall<InputStream, A> call, MethodDescriptor<Q, A> method) {
      this.call = call;
      this.method = method;
    }

    @Override
    public void request(int numMessages) {
      call.request(numMessages);
    }

    @Override
    public void sendHeaders(Metadata headers) {
      call.sendHeaders(headers);
    }

    @Override
    public void sendMessage(A message) {
      call.sendMessage(message);
    }

    @Override
    public boolean isReady() {
      return call.isReady();
    }

    @Override
    public void close(Status status, Metadata trailers) {
      call.close(status, trailers);
    }

    @Override
    public boolean isCancelled() {
      return call.isCancelled();
    }

    @Override
    public void setMessageCompression(boolean enabled) {
      call.setMessageCompression(enabled);
    }

    @Override
    public void setCompression(String compressor) {
      call.setCompression(compressor);
    }

    @Override
    public SecurityLevel getSecurityLevel() {
      return call.getSecurityLevel();
    }

    @Override
    public Attributes getAttributes() {
      return call.getAttributes();
    }

    @Override
    public String getAuthority() {
      return call.getAuthority();
    }

    @Override
    public MethodDescriptor<Q, A> getMethodDescriptor() {
      return method;
    }
  }

  /**
   * Hands the request stream over unparsed; it is parsed (and then closed by gRPC) in onMessage.
   */
  private enum PassThrough implements MethodDescriptor.Marshaller<InputStream> {
    INSTANCE;

    @Override
    public InputStream stream(InputStream value) {
      return value;
    }

    @Override
    public InputStream parse(InputStream stream) {
      return stream;
    }
  }
}
