package dev.userapi.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.UserException;
import dev.userapi.rest.internal.DtoMapper;
import dev.userapi.rest.internal.Problems;
import org.glassfish.grizzly.http.server.ErrorPageGenerator;
import org.glassfish.grizzly.http.server.Request;

/**
 * The bodies of the errors Grizzly answers by itself, outside Jersey: 503 while the server drains,
 * 400 for requests it cannot parse or paths {@link StaticFiles} refuses, 404 for missing static
 * files, 413 and 500. They are {@code application/problem+json} built by the REST adapter's own
 * problem code, like every other error of the API; a 503 says when to retry. Never the exception,
 * the server software or its version.
 *
 * <p>Thread-safe. Not API: used by userapi modules only.
 */
final class ProblemPages implements ErrorPageGenerator {
  /** Seconds a client should wait before retrying a drained server (on another replica). */
  static final String RETRY_AFTER_SECONDS = "1";

  private final ObjectMapper json = DtoMapper.newObjectMapper();

  @Override
  public String generate(
      Request request, int status, String reasonPhrase, String description, Throwable exception) {
    UserException problem = problemFor(status);
    var response = request.getResponse();
    response.setContentType(Problems.PROBLEM_JSON);
    response.setCharacterEncoding("UTF-8");
    if (status == 503) {
      response.setHeader("Retry-After", RETRY_AFTER_SECONDS);
    }
    try {
      // The body only: Problems.fromUserException would also log a 500 as a failure of the service
      // with this method's stack. Grizzly's own 500s come from the container (most often a
      // response Jersey could not finish writing because its client left), and Jersey or Grizzly
      // has logged their cause already.
      return json.writeValueAsString(Problems.toProblem(problem, status));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a problem", e);
    }
  }

  private static UserException problemFor(int status) {
    return switch (status) {
      case 503 ->
          new UserException(
              ErrorCode.UNAVAILABLE, "the server is shutting down; retry (on another replica)");
      case 404 -> new UserException(ErrorCode.NOT_FOUND, "no such resource");
      case 408 ->
          new UserException(ErrorCode.DEADLINE_EXCEEDED, "the request did not arrive in time");
      case 413 -> new UserException(ErrorCode.RESOURCE_EXHAUSTED, "the request is too large");
      default ->
          status < 500
              ? new UserException(ErrorCode.INVALID_ARGUMENT, "the request is malformed")
              : new UserException(ErrorCode.INTERNAL, "the server failed to answer");
    };
  }
}
