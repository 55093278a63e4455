package dev.userapi.rest.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The JSON shapes on the wire. Field names equal the proto's JSON names (lowerCamelCase), so a user
 * looks the same on both protocols. Request shapes list only caller-writable fields: with unknown
 * properties rejected, a client cannot set an id, a timestamp or an etag.
 *
 * <p>Not API: used by userapi modules only.
 */
public final class Dtos {
  private Dtos() {}

  /** A stored user, as returned by the server. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record UserDto(
      String id,
      String name,
      String email,
      Integer age,
      String createTime,
      String updateTime,
      String etag) {}

  /** The body of a create or replace: only writable fields. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record NewUserDto(String name, String email, Integer age) {}

  /** One page of a list. */
  public record PageDto(List<UserDto> users, String nextPageToken) {}

  /** One field violation of a problem. */
  public record ViolationDto(String field, String description) {}

  /** An RFC 9457 problem with the userapi extensions {@code code} and {@code errors}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ProblemDto(
      String type,
      String title,
      int status,
      String detail,
      String code,
      List<ViolationDto> errors) {}

  /** One change event of a watch. */
  public record EventDto(long sequence, String type, UserDto user) {}

  /** The outcome of one item of a batch create: exactly one of user and error is set. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record BatchItemDto(int index, UserDto user, ProblemDto error) {}

  /** The response of a batch create, in request order. */
  public record BatchResultDto(List<BatchItemDto> results) {}

  /** The health endpoint's answer. */
  public record HealthDto(String status) {}

  /** A line of an NDJSON stream that reports the failure ending the stream. */
  public record StreamErrorDto(ProblemDto error) {}
}
