package dev.userapi.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.userapi.core.BlockingStream;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.core.UserException;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserQuery;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link GrpcRequestLogging} over real Netty, reading what slf4j-simple writes to {@code
 * System.err}: one line per call, never personal data.
 */
@Timeout(60)
class GrpcRequestLoggingTest {
  static {
    // Before the logger exists (slf4j-simple reads a logger's level when it creates it).
    System.setProperty("org.slf4j.simpleLogger.log." + GrpcRequestLogging.LOGGER, "debug");
  }

  private static final String EMAIL = "grace.hopper.secret@example.com";
  private static final String NAME = "Grace Secretname";

  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private PrintStream originalErr;
  private LoopbackServer server;
  private GrpcUserClient client;

  @BeforeEach
  void start() {
    server =
        LoopbackServer.builder(UserGrpcService.of(DefaultUserService.inMemory()))
            .intercept(GrpcRequestLogging.interceptor())
            .start();
    client = GrpcUserClient.connect(server.target());
    originalErr = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void stop() {
    System.setErr(originalErr);
    client.close();
    server.close();
  }

  private String log() {
    System.err.flush();
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void eachCallIsOneDebugLineWithMethodCodeDurationAndPeer() {
    User user = client.create(NewUser.of(NAME, EMAIL), null);
    client.delete(user.id(), null);
    catchThrowableOfType(UserException.class, () -> client.get(user.id()));

    String log = log();

    assertThat(log.lines().filter(l -> l.contains("grpc "))).hasSize(3);
    assertThat(log)
        .containsPattern(
            "DEBUG "
                + GrpcRequestLogging.LOGGER
                + " - grpc CreateUser OK [0-9.]+ ms peer=/127\\.0\\.0\\.1:[0-9]+");
    assertThat(log).containsPattern("grpc GetUser NOT_FOUND [0-9.]+ ms");
  }

  @Test
  void noEmailOrNameEverReachesTheLog() {
    User user = client.create(NewUser.of(NAME, EMAIL), null);
    client.get(user.id());
    client.list(new UserQuery(UserFilter.builder().email(EMAIL).build(), 10, ""));
    BlockingStream.toList(client.stream(UserFilter.builder().email(EMAIL).build()));
    catchThrowableOfType(UserException.class, () -> client.create(NewUser.of(NAME, EMAIL), null));

    String log = log();

    assertThat(log)
        .contains("grpc CreateUser ALREADY_EXISTS", "grpc ListUsers OK", "grpc StreamUsers OK");
    assertThat(log)
        .doesNotContain(EMAIL)
        .doesNotContain("grace.hopper")
        .doesNotContain(NAME)
        .doesNotContain("Secretname");
  }
}
