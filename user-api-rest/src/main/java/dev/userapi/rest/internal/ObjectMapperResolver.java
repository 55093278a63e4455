package dev.userapi.rest.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.ext.ContextResolver;

/**
 * Hands the module's one {@link ObjectMapper} to JSON providers.
 *
 * <p>Thread-safe. Not API: used by userapi modules only.
 */
public final class ObjectMapperResolver implements ContextResolver<ObjectMapper> {
  private final ObjectMapper mapper;

  public ObjectMapperResolver(ObjectMapper mapper) {
    this.mapper = requireNonNull(mapper, "mapper");
  }

  @Override
  public ObjectMapper getContext(Class<?> type) {
    return mapper;
  }
}
