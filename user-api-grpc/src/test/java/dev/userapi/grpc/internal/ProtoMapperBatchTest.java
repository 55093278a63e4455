package dev.userapi.grpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userapi.core.CreateResult;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.FieldViolation;
import dev.userapi.core.User;
import dev.userapi.core.UserException;
import dev.userapi.proto.v1.BatchCreateUsersResponse;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The BatchCreateUsers answer, built in one pass that shares Timestamps between users created at
 * the same instant (issue #17), must say exactly what mapping each result on its own says.
 */
class ProtoMapperBatchTest {
  private static final Instant T1 = Instant.parse("2026-11-25T10:15:30.123456Z");
  private static final Instant T2 = Instant.parse("2026-11-25T10:15:31.000001Z");

  @Test
  void aBatchAnswerEqualsTheResultsMappedOneByOne() {
    List<CreateResult> results =
        List.of(
            CreateResult.success(0, user("01900000-0000-7000-8000-000000000001", T1, T1, 1)),
            CreateResult.failure(
                1,
                UserException.invalidArgument(
                    List.of(
                        new FieldViolation("name", "must not be blank"),
                        new FieldViolation("email", "must be a valid email address")))),
            CreateResult.success(2, user("01900000-0000-7000-8000-000000000002", T1, T1, 1)),
            CreateResult.success(3, user("01900000-0000-7000-8000-000000000003", T2, T2, 1)),
            // Not a fresh create, but the mapping must still keep both times apart.
            CreateResult.success(4, user("01900000-0000-7000-8000-000000000004", T1, T2, 3)),
            CreateResult.failure(5, UserException.emailTaken()));

    BatchCreateUsersResponse response = ProtoMapper.toProto(results);

    assertThat(response.getResultsList())
        .containsExactlyElementsOf(results.stream().map(ProtoMapper::toProto).toList());
    assertThat(response.getCreatedCount()).isEqualTo(4);
    assertThat(response.getFailedCount()).isEqualTo(2);
    BatchCreateUsersResponse parsed = roundTrip(response);
    for (int i = 0; i < results.size(); i++) {
      CreateResult back = ProtoMapper.toDomain(parsed.getResults(i));
      CreateResult sent = results.get(i);
      assertThat(back.index()).isEqualTo(sent.index());
      if (sent.succeeded()) {
        assertThat(back.user()).isEqualTo(sent.user());
      } else {
        assertThat(back.error().code()).isEqualTo(sent.error().code());
        assertThat(back.error().violations()).isEqualTo(sent.error().violations());
      }
    }
    assertThat(ProtoMapper.toDomain(parsed.getResults(5)).error().code())
        .isEqualTo(ErrorCode.ALREADY_EXISTS);
  }

  @Test
  void anEmptyBatchAnswersNoResults() {
    BatchCreateUsersResponse response = ProtoMapper.toProto(List.<CreateResult>of());

    assertThat(response.getResultsList()).isEmpty();
    assertThat(response.getCreatedCount()).isZero();
    assertThat(response.getFailedCount()).isZero();
  }

  private static BatchCreateUsersResponse roundTrip(BatchCreateUsersResponse response) {
    try {
      return BatchCreateUsersResponse.parseFrom(response.toByteArray());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private static User user(String id, Instant created, Instant updated, long version) {
    return new User(
        id,
        "User " + id.substring(34),
        "u" + id.substring(34) + "@example.com",
        OptionalInt.of(30),
        created,
        updated,
        version);
  }
}
