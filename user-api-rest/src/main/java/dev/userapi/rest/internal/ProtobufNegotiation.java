package dev.userapi.rest.internal;

import dev.userapi.core.ErrorCode;
import dev.userapi.core.UserException;
import dev.userapi.rest.internal.Dtos.ProblemDto;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * The choice between JSON and {@code application/x-protobuf} where the resource methods cannot make
 * it: errors, and a class path without protobuf. It names no protobuf type, so that it loads
 * without protobuf.
 *
 * <p>Thread-safe and stateless. Not API: used by userapi modules only.
 */
public final class ProtobufNegotiation {
  /** {@code application/x-protobuf}. */
  public static final MediaType PROTOBUF_TYPE = MediaType.valueOf(ProtobufBodies.PROTOBUF);

  /**
   * Whether protobuf bodies can be served: user-api-grpc (and so protobuf) is on the class path.
   */
  public static final boolean AVAILABLE = available();

  private static final MediaType JSON = MediaType.APPLICATION_JSON_TYPE;

  private ProtobufNegotiation() {}

  /**
   * Whether the client accepts protobuf and no JSON at all: then its errors are {@code
   * google.rpc.Status} messages instead of problem documents.
   */
  static boolean acceptsOnlyProtobuf(List<MediaType> acceptable) {
    boolean protobuf = false;
    for (MediaType type : acceptable) {
      if (refused(type)) {
        continue;
      }
      if (type.isCompatible(JSON) || type.isCompatible(Problems.PROBLEM_JSON_TYPE)) {
        return false;
      }
      protobuf |= type.isCompatible(PROTOBUF_TYPE);
    }
    return protobuf;
  }

  /** Whether, of JSON and protobuf, the client prefers protobuf (acceptable types come by q). */
  static boolean prefersProtobuf(List<MediaType> acceptable) {
    for (MediaType type : acceptable) {
      if (refused(type)) {
        continue;
      }
      if (type.isCompatible(JSON)) {
        return false;
      }
      if (type.isCompatible(PROTOBUF_TYPE)) {
        return true;
      }
    }
    return false;
  }

  private static boolean refused(MediaType type) {
    String q = type.getParameters().get("q");
    return q != null && q.trim().matches("0(\\.0{0,3})?");
  }

  /** Sends a problem as {@code google.rpc.Status} to a client that accepts only protobuf. */
  public static final class ProblemForm implements ContainerResponseFilter {
    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
      if (response.getEntity() instanceof ProblemDto
          && acceptsOnlyProtobuf(request.getAcceptableMediaTypes())) {
        response.setEntity(response.getEntity(), response.getEntityAnnotations(), PROTOBUF_TYPE);
      }
    }
  }

  /**
   * Without protobuf on the class path: refuses a protobuf body (415) and a request that would be
   * answered in protobuf (406) before the resource method runs, so nothing is done for an answer
   * that cannot be written.
   */
  @UserApi
  public static final class WithoutProtobuf implements ContainerRequestFilter {
    @Override
    public void filter(ContainerRequestContext request) {
      MediaType body = request.getMediaType();
      if (body != null && body.isCompatible(PROTOBUF_TYPE)) {
        request.abortWith(
            Problems.fromUserException(
                new UserException(
                    ErrorCode.INVALID_ARGUMENT,
                    "this server is built without protobuf support; send JSON"),
                415));
      } else if (prefersProtobuf(request.getAcceptableMediaTypes())) {
        request.abortWith(
            Problems.fromUserException(
                new UserException(
                    ErrorCode.INVALID_ARGUMENT,
                    "this server is built without protobuf support; accept application/json"),
                406));
      }
    }
  }

  private static boolean available() {
    ClassLoader loader = ProtobufNegotiation.class.getClassLoader();
    try {
      Class.forName("com.google.protobuf.Message", false, loader);
      Class.forName("dev.userapi.grpc.internal.ProtoMapper", false, loader);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
