package dev.userapi.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.util.JsonFormat;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.FieldViolation;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.core.UserException;
import dev.userapi.grpc.internal.ProtoMapper;
import dev.userapi.rest.internal.DtoMapper;
import dev.userapi.rest.internal.Dtos.UserDto;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property tests with seeded generators (reproducible: the seed is the test's name): any valid user
 * survives domain → proto → bytes → domain, domain → JSON → domain, and proto JSON read by the REST
 * mapper, so a user looks the same on both protocols; any invalid input is INVALID_ARGUMENT naming
 * exactly the broken fields.
 */
class MappingPropertyTest {
  private static final int CASES = 300;
  private static final ObjectMapper json = DtoMapper.newObjectMapper();

  static Stream<Long> seeds() {
    return Stream.iterate(1L, s -> s + 1).limit(CASES);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void anyValidUserRoundTripsThroughProtoBytes(long seed) throws Exception {
    User user = randomUser(new Random(seed));

    byte[] wire = ProtoMapper.toProto(user).toByteArray();

    assertThat(ProtoMapper.toDomain(dev.userapi.proto.v1.User.parseFrom(wire))).isEqualTo(user);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void anyValidUserRoundTripsThroughRestJson(long seed) throws Exception {
    User user = randomUser(new Random(seed));

    String body = json.writeValueAsString(DtoMapper.toDto(user));

    assertThat(DtoMapper.toUser(json.readValue(body, UserDto.class))).isEqualTo(user);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void protoJsonOfAUserIsReadByTheRestMapperAsTheSameUser(long seed) throws Exception {
    User user = randomUser(new Random(seed));

    String protoJson = JsonFormat.printer().print(ProtoMapper.toProto(user));

    assertThat(DtoMapper.toUser(json.readValue(protoJson, UserDto.class))).isEqualTo(user);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void anyInvalidInputIsInvalidArgumentNamingExactlyTheBrokenFields(long seed) {
    Random random = new Random(seed);
    Set<String> broken = new HashSet<>();
    String name = randomName(random);
    String email = randomEmail(random);
    OptionalInt age = OptionalInt.of(random.nextInt(151));
    if (random.nextBoolean()) {
      name = pick(random, "", "   ", "\t", "x".repeat(201), "a\u0007b", null);
      broken.add("name");
    }
    if (random.nextBoolean() || broken.isEmpty()) {
      email =
          pick(
              random,
              "plain",
              "@x.io",
              "a@b",
              "a@@b.io",
              "a b@c.io",
              "a@-c.io",
              "a..b@c.io",
              "",
              null);
      broken.add("email");
    }
    if (random.nextBoolean()) {
      age =
          OptionalInt.of(
              random.nextBoolean() ? -1 - random.nextInt(1000) : 151 + random.nextInt(1000));
      broken.add("age");
    }
    DefaultUserService service = DefaultUserService.inMemory();
    NewUser input = new NewUser(name, email, age);

    UserException error = catchThrowableOfType(UserException.class, () -> service.create(input));

    assertThat(error.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(error.violations())
        .extracting(FieldViolation::field)
        .containsExactlyInAnyOrderElementsOf(broken);
  }

  // ---------------------------------------------------------------- generators

  private static User randomUser(Random random) {
    Instant created =
        Instant.ofEpochSecond(random.nextInt(2_000_000_000), random.nextInt(1_000_000) * 1000L);
    Instant updated = created.plusNanos(random.nextInt(1_000_000) * 1000L);
    OptionalInt age =
        random.nextInt(4) == 0 ? OptionalInt.empty() : OptionalInt.of(random.nextInt(151));
    long version =
        1 + (random.nextInt(3) == 0 ? random.nextInt(Integer.MAX_VALUE) : random.nextInt(10));
    UUID id =
        new UUID(
            (random.nextLong() & ~0xF000L) | 0x7000L,
            (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L);
    return new User(
        id.toString(), randomName(random), randomEmail(random), age, created, updated, version);
  }

  private static String randomName(Random random) {
    int length = 1 + random.nextInt(random.nextInt(10) == 0 ? 200 : 20);
    StringBuilder name = new StringBuilder();
    List<int[]> ranges =
        List.of(
            new int[] {'a', 'z'},
            new int[] {'A', 'Z'},
            new int[] {0xC0, 0x24F},
            new int[] {0x391, 0x3C9},
            new int[] {0x4E00, 0x4FFF},
            new int[] {0x1F600, 0x1F64F});
    for (int i = 0; i < length; i++) {
      int[] range = ranges.get(random.nextInt(ranges.size()));
      int cp = range[0] + random.nextInt(range[1] - range[0] + 1);
      if (i > 0 && i < length - 1 && random.nextInt(8) == 0) {
        cp = ' ';
      }
      name.appendCodePoint(cp);
    }
    return name.toString();
  }

  private static String randomEmail(Random random) {
    String local =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-";
    StringBuilder email = new StringBuilder();
    int length = 1 + random.nextInt(20);
    for (int i = 0; i < length; i++) {
      email.append(local.charAt(random.nextInt(local.length())));
    }
    email.append('@');
    List<String> labels = new ArrayList<>();
    for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
      labels.add(Integer.toString(random.nextInt(1_000_000), 36) + "x");
    }
    return email.append(String.join(".", labels)).append(".io").toString();
  }

  @SafeVarargs
  private static <T> T pick(Random random, T... options) {
    return options[random.nextInt(options.length)];
  }
}
