package dev.userapi.benchmarks.jmh;

import dev.userapi.core.User;
import dev.userapi.rest.internal.DtoMapper;
import dev.userapi.rest.internal.Dtos;
import dev.userapi.rest.internal.IsoInstants;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The REST side's timestamp text (issue #17): {@code Instant.toString()} against user-api-rest's
 * hand-written {@code IsoInstants.format}, for one instant and for mapping a user to its DTO (two
 * instants), at each precision the fraction can have. The core stores microseconds, so {@code
 * micros} is the common case. Run from the shaded jar with {@code org.openjdk.jmh.Main}; see
 * BENCHMARKS.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class InstantFormatBenchmark {
  /** How many fraction digits the instants print: 0, 3, 6 or 9. */
  @Param({"seconds", "millis", "micros", "nanos"})
  public String precision;

  private Instant time;
  private User user;

  @Setup
  public void setUp() {
    Instant second = Instant.parse("2026-11-30T23:05:07Z");
    int nanos =
        switch (precision) {
          case "seconds" -> 0;
          case "millis" -> 123_000_000;
          case "micros" -> 123_456_000;
          case "nanos" -> 123_456_789;
          default -> throw new IllegalArgumentException("precision: " + precision);
        };
    time = second.plusNanos(nanos);
    user =
        new User(
            "0196f1c2-8e7a-7b3c-9d4e-5f6a7b8c9d0e",
            "Ada Lovelace",
            "ada@example.com",
            OptionalInt.of(36),
            time,
            time.plusSeconds(3_600),
            2);
  }

  /** Before issue #17: the JDK's {@code ISO_INSTANT} formatter. */
  @Benchmark
  public String instantToString() {
    return time.toString();
  }

  /** After issue #17: the same text, written out. */
  @Benchmark
  public String isoInstantsFormat() {
    return IsoInstants.format(time);
  }

  /** Before issue #17: {@code DtoMapper.toDto(User)} as it was, with {@code toString()}. */
  @Benchmark
  public Object toDtoWithInstantToString() {
    return new Dtos.UserDto(
        user.id(),
        user.name(),
        user.email(),
        user.age().isPresent() ? user.age().getAsInt() : null,
        user.createTime().toString(),
        user.updateTime().toString(),
        user.etag());
  }

  /** After issue #17: {@code DtoMapper.toDto(User)} as it is. */
  @Benchmark
  public Object toDto() {
    return DtoMapper.toDto(user);
  }
}
