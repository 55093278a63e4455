package dev.userapi.rest.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

/**
 * Writes the API's JSON documents (the {@link Dtos} records) with the module's {@link ObjectMapper}
 * and one prepared {@link ObjectWriter} per record type.
 *
 * <p>Jackson's JAX-RS provider, which writes every other type, looks up its configuration for each
 * response (the mapper through the JAX-RS providers, the annotations of the resource method, the
 * charset of the media type) before it writes a byte; for a 200-byte user that bookkeeping cost
 * more than the serialization (a JFR profile of a REST get, issue #17). The records have no views
 * or annotations that depend on the resource method, so none of it can change their bytes: this
 * writer produces what the provider produced, and a test compares the two for every record type.
 *
 * <p>It takes the API's two JSON media types, {@code application/json} and {@code
 * application/problem+json}, in UTF-8 or without a charset; a document asked for in another charset
 * goes to Jackson's provider as before. The stream is neither flushed nor closed: the container and
 * the interceptors around this writer ({@link ContentLengthInterceptor}, content coding) do that.
 *
 * <p>Thread-safe. Not API: used by userapi modules only.
 */
@Produces({MediaType.APPLICATION_JSON, Problems.PROBLEM_JSON})
public final class DtoJsonWriter implements MessageBodyWriter<Record> {
  private final ClassValue<ObjectWriter> writers;

  /**
   * A writer that writes with {@code mapper}.
   *
   * @param mapper the module's mapper, as built by {@link DtoMapper#newObjectMapper()}
   */
  public DtoJsonWriter(ObjectMapper mapper) {
    requireNonNull(mapper, "mapper");
    this.writers =
        new ClassValue<>() {
          @Override
          protected ObjectWriter computeValue(Class<?> type) {
            return mapper
                .writerFor(type)
                .without(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .without(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
          }
        };
  }

  @Override
  public boolean isWriteable(
      Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
    return type.getEnclosingClass() == Dtos.class && isUtf8Json(mediaType);
  }

  private static boolean isUtf8Json(MediaType mediaType) {
    if (mediaType == null
        || !(mediaType.isCompatible(MediaType.APPLICATION_JSON_TYPE)
            || mediaType.isCompatible(Problems.PROBLEM_JSON_TYPE))
        || mediaType.isWildcardType()
        || mediaType.isWildcardSubtype()) {
      return false;
    }
    String charset = mediaType.getParameters().get(MediaType.CHARSET_PARAMETER);
    return charset == null || StandardCharsets.UTF_8.name().equalsIgnoreCase(charset);
  }

  @Override
  public void writeTo(
      Record value,
      Class<?> type,
      Type genericType,
      Annotation[] annotations,
      MediaType mediaType,
      MultivaluedMap<String, Object> httpHeaders,
      OutputStream entityStream)
      throws java.io.IOException {
    writers.get(type).writeValue(entityStream, value);
  }
}
