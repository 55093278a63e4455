package dev.userapi.benchmarks.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.userapi.core.Page;
import dev.userapi.core.User;
import dev.userapi.rest.internal.DtoMapper;
import dev.userapi.rest.internal.Dtos;

/**
 * The REST side's JSON for the microbenchmarks: user-api-rest's own DTOs, mapper and Jackson
 * configuration (the one {@code UserApiFeature} registers).
 */
final class JsonCodec {
  private final ObjectMapper mapper = DtoMapper.newObjectMapper();

  ObjectMapper mapper() {
    return mapper;
  }

  Class<?> userType() {
    return Dtos.UserDto.class;
  }

  Class<?> pageType() {
    return Dtos.PageDto.class;
  }

  Object toDto(User user) {
    return DtoMapper.toDto(user);
  }

  Object toDto(Page<User> page) {
    return DtoMapper.toDto(page);
  }

  User toUser(Object dto) {
    return DtoMapper.toUser((Dtos.UserDto) dto);
  }
}
