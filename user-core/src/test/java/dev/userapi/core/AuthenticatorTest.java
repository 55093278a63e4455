package dev.userapi.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {
  private final Principal reader = new Principal("reporting", Set.of(Scopes.READ));
  private final Principal admin = new Principal("ops", Set.of(Scopes.ADMIN));
  private final Authenticator tokens =
      Authenticator.staticTokens(Map.of("read-token", reader, "admin-token", admin));

  @Test
  void knownTokenYieldsItsPrincipal() {
    assertThat(tokens.authenticate("read-token")).isEqualTo(reader);
    assertThat(tokens.authenticate("admin-token")).isEqualTo(admin);
  }

  @Test
  void unknownOrAlmostRightTokenIsUnauthenticatedWithoutEchoingIt() {
    for (String wrong :
        new String[] {"", "read-toke", "read-token ", "READ-TOKEN", "x".repeat(10_000)}) {
      assertThatThrownBy(() -> tokens.authenticate(wrong))
          .isInstanceOfSatisfying(
              UserException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED))
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("read-tok"));
    }
  }

  @Test
  void readScopeAllowsReadsOnly() {
    assertThat(reader.mayPerform(UserOperation.GET)).isTrue();
    assertThat(reader.mayPerform(UserOperation.WATCH)).isTrue();
    assertThat(reader.mayPerform(UserOperation.CREATE)).isFalse();
    assertThat(reader.mayPerform(UserOperation.DELETE)).isFalse();
  }

  @Test
  void adminScopeAllowsEverything() {
    for (UserOperation operation : UserOperation.values()) {
      assertThat(admin.mayPerform(operation)).as(operation.name()).isTrue();
    }
  }

  @Test
  void emptyTokenCannotBeRegistered() {
    assertThatThrownBy(() -> Authenticator.staticTokens(Map.of("", reader)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
