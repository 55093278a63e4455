package dev.userapi.examples.benchmark.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.userapi.core.Page;
import dev.userapi.core.User;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;

/**
 * The REST side's JSON types for the microbenchmarks: DTOs with the wire names of DESIGN.md and a
 * plain Jackson mapper (until user-api-rest's own mapper is on main).
 */
final class JsonCodec {
  record UserDto(String id, String name, String email, Integer age, String createTime, String updateTime, String etag) {}

  record PageDto(List<UserDto> users, String nextPageToken) {}

  private final ObjectMapper mapper = new ObjectMapper();

  ObjectMapper mapper() {
    return mapper;
  }

  Class<?> userType() {
    return UserDto.class;
  }

  Class<?> pageType() {
    return PageDto.class;
  }

  Object toDto(User user) {
    return new UserDto(
        user.id(), user.name(), user.email(),
        user.age().isPresent() ? user.age().getAsInt() : null,
        user.createTime().toString(), user.updateTime().toString(), user.etag());
  }

  Object toDto(Page<User> page) {
    return new PageDto(page.items().stream().map(u -> (UserDto) toDto(u)).toList(), page.nextPageToken());
  }

  User toUser(Object dto) {
    UserDto d = (UserDto) dto;
    return new User(
        d.id(), d.name(), d.email(),
        d.age() == null ? OptionalInt.empty() : OptionalInt.of(d.age()),
        Instant.parse(d.createTime()), Instant.parse(d.updateTime()), Long.parseLong(d.etag()));
  }
}
