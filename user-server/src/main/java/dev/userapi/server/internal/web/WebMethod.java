package dev.userapi.server.internal.web;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * One gRPC method as the web protocols call it: its descriptor with the messages left as bytes (the
 * in-process server parses them with the service's own marshallers), and the prototypes that turn
 * Connect's JSON into those bytes and back.
 *
 * <p>Immutable and thread-safe.
 */
final class WebMethod {
  /**
   * The message types an {@code Any} in our messages may hold: google.rpc's error details (a {@code
   * BatchCreateUsersResponse} carries a {@code google.rpc.Status} with {@code BadRequest} or {@code
   * ErrorInfo} for each refused item). JSON names an {@code Any}'s type, so JsonFormat must know
   * it; without it a batch with a refused item could not be written as Connect JSON.
   */
  private static final JsonFormat.TypeRegistry ANY_TYPES =
      JsonFormat.TypeRegistry.newBuilder()
          .add(com.google.rpc.ErrorDetailsProto.getDescriptor().getMessageTypes())
          .build();

  private static final JsonFormat.Parser JSON_PARSER =
      JsonFormat.parser().usingTypeRegistry(ANY_TYPES);
  private static final JsonFormat.Printer JSON_PRINTER =
      JsonFormat.printer().usingTypeRegistry(ANY_TYPES).omittingInsignificantWhitespace();

  private final MethodDescriptor<byte[], byte[]> descriptor;
  private final Message requestPrototype; // null: not protobuf, so no JSON
  private final Message responsePrototype;

  private WebMethod(
      MethodDescriptor<byte[], byte[]> descriptor,
      Message requestPrototype,
      Message responsePrototype) {
    this.descriptor = descriptor;
    this.requestPrototype = requestPrototype;
    this.responsePrototype = responsePrototype;
  }

  static WebMethod of(ServerMethodDefinition<?, ?> definition) {
    MethodDescriptor<?, ?> method = definition.getMethodDescriptor();
    MethodDescriptor<byte[], byte[]> bytes =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(method.getType())
            .setFullMethodName(method.getFullMethodName())
            .setRequestMarshaller(BytesMarshaller.INSTANCE)
            .setResponseMarshaller(BytesMarshaller.INSTANCE)
            .setIdempotent(method.isIdempotent())
            .setSafe(method.isSafe())
            .build();
    Descriptors.MethodDescriptor schema =
        method.getSchemaDescriptor() instanceof ProtoMethodDescriptorSupplier supplier
            ? supplier.getMethodDescriptor()
            : null;
    return new WebMethod(
        bytes,
        prototype(method.getRequestMarshaller(), schema == null ? null : schema.getInputType()),
        prototype(method.getResponseMarshaller(), schema == null ? null : schema.getOutputType()));
  }

  /**
   * The message type of one side of a method: the marshaller's prototype, or (for a marshaller that
   * passes bytes through, as the user service's strict parsing does) a dynamic message of the type
   * the schema names.
   */
  private static Message prototype(
      MethodDescriptor.Marshaller<?> marshaller, Descriptors.Descriptor type) {
    if (marshaller instanceof MethodDescriptor.PrototypeMarshaller<?> typed
        && typed.getMessagePrototype() instanceof Message message) {
      return message;
    }
    return type == null ? null : DynamicMessage.getDefaultInstance(type);
  }

  MethodDescriptor<byte[], byte[]> descriptor() {
    return descriptor;
  }

  /** Whether the client sends at most one message (unary or server streaming). */
  boolean clientSendsOne() {
    return descriptor.getType().clientSendsOneMessage();
  }

  boolean unary() {
    return descriptor.getType() == MethodDescriptor.MethodType.UNARY;
  }

  /**
   * The binary form of a request message that came as protobuf JSON.
   *
   * @throws StatusException INVALID_ARGUMENT when it is not JSON of the request type
   */
  byte[] requestFromJson(byte[] json) throws StatusException {
    if (requestPrototype == null) {
      throw Status.UNIMPLEMENTED.withDescription("this method has no JSON form").asException();
    }
    Message.Builder builder = requestPrototype.newBuilderForType();
    try {
      if (json.length > 0) {
        JSON_PARSER.merge(new String(json, StandardCharsets.UTF_8), builder);
      }
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw Status.INVALID_ARGUMENT
          .withDescription(
              "request is not JSON of "
                  + requestPrototype.getDescriptorForType().getFullName()
                  + ": "
                  + e.getMessage())
          .asException();
    }
    return builder.build().toByteArray();
  }

  /** Protobuf JSON of a response message. */
  byte[] responseToJson(byte[] bytes) throws StatusException {
    if (responsePrototype == null) {
      throw Status.UNIMPLEMENTED.withDescription("this method has no JSON form").asException();
    }
    try {
      Message message = responsePrototype.getParserForType().parseFrom(bytes);
      return JSON_PRINTER.print(message).getBytes(StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      throw Status.INTERNAL.withDescription("cannot print the response as JSON").asException();
    }
  }

  /** Messages as they are: the service's marshallers parse them on the in-process server. */
  private enum BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (java.io.IOException e) {
        throw Status.INTERNAL
            .withDescription("cannot read a message")
            .withCause(e)
            .asRuntimeException();
      }
    }
  }
}
