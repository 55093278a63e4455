package dev.userapi.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BearerTokensTest {
  @Test
  void tokenSchemeIsCaseInsensitiveAndOtherSchemesAreRejected() {
    assertThat(BearerTokens.fromAuthorization("bEaReR abc")).isEqualTo("abc");
    assertThat(BearerTokens.fromAuthorization("Basic YWxhZGRpbjpvcGVuc2VzYW1l")).isNull();
    assertThat(BearerTokens.fromAuthorization("Bearer    ")).isNull();
    assertThat(BearerTokens.fromAuthorization(null)).isNull();
  }
}
