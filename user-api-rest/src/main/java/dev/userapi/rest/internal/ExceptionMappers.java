package dev.userapi.rest.internal;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import dev.userapi.core.UserException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.io.IOException;
import java.util.List;

/**
 * The module's exception mappers. Each is as specific as the exceptions it takes over (so it wins
 * against a runtime's generic mappers) and all delegate to {@link Problems}, the one translation.
 *
 * <p>Not API: used by userapi modules only.
 */
public final class ExceptionMappers {
  private ExceptionMappers() {}

  /** One instance of every mapper. */
  public static List<Object> all() {
    return List.of(
        new UserExceptionMapper(),
        new JsonExceptionMapper(),
        new JsonParseExceptionMapper(),
        new JsonMappingExceptionMapper(),
        new BodyTooLargeMapper(),
        new ReadFailureMapper(),
        new WebApplicationExceptionMapper(),
        new CatchAllMapper());
  }

  /** Maps {@link UserException}s by the error table. */
  public static final class UserExceptionMapper implements ExceptionMapper<UserException> {
    @Override
    public Response toResponse(UserException e) {
      return Problems.toResponse(e);
    }
  }

  /** Maps malformed JSON, wrong types, unknown properties and parser limits to 400. */
  public static final class JsonExceptionMapper
      implements ExceptionMapper<JsonProcessingException> {
    @Override
    public Response toResponse(JsonProcessingException e) {
      return Problems.toResponse(e);
    }
  }

  /**
   * Takes {@link JsonParseException} over from a runtime's own mapper for exactly this type
   * (Jersey's auto-discovered Jackson support brings one that answers in text/plain).
   */
  public static final class JsonParseExceptionMapper
      implements ExceptionMapper<JsonParseException> {
    @Override
    public Response toResponse(JsonParseException e) {
      return Problems.toResponse(e);
    }
  }

  /** Takes {@link JsonMappingException} over, for the same reason. */
  public static final class JsonMappingExceptionMapper
      implements ExceptionMapper<JsonMappingException> {
    @Override
    public Response toResponse(JsonMappingException e) {
      return Problems.toResponse(e);
    }
  }

  /** Maps an oversize body to 413. */
  public static final class BodyTooLargeMapper implements ExceptionMapper<BodyTooLargeException> {
    @Override
    public Response toResponse(BodyTooLargeException e) {
      return Problems.toResponse(e);
    }
  }

  /**
   * Maps a failure to read the request body: 408 with {@code Connection: close} when it stopped
   * arriving (the transport's read timeout), the usual mapping otherwise; see {@link
   * Problems#fromRead(IOException)}. Malformed JSON (also an {@link IOException}) keeps its more
   * specific mappers above.
   */
  public static final class ReadFailureMapper implements ExceptionMapper<IOException> {
    @Override
    public Response toResponse(IOException e) {
      return Problems.fromRead(e);
    }
  }

  /** Maps the runtime's own errors (404, 405 with Allow, 406, 415) to problem+json. */
  public static final class WebApplicationExceptionMapper
      implements ExceptionMapper<WebApplicationException> {
    @Override
    public Response toResponse(WebApplicationException e) {
      return Problems.toResponse(e);
    }
  }

  /** Everything else: logged with an id, answered with a terse 500. */
  public static final class CatchAllMapper implements ExceptionMapper<Throwable> {
    @Override
    public Response toResponse(Throwable e) {
      return Problems.toResponse(e);
    }
  }
}
