package dev.userapi.store.jdbc.internal;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The page-token key of one database, from its one-row table {@code page_token_secret} (see the V2
 * migration): read once and kept; when the row is missing, 32 random bytes are inserted if still
 * absent ({@code ON CONFLICT DO NOTHING}) and the row is read again, so processes racing to create
 * it all end up with the first one committed.
 *
 * <p>Thread-safe. Concurrent first calls may each read the row; they read the same bytes.
 *
 * <p>Not API: used by userapi modules only.
 */
public final class PageTokenSecret {
  private static final int LENGTH = 32;
  private static final String READ = "SELECT secret FROM page_token_secret";
  private static final String CREATE_IF_ABSENT =
      "INSERT INTO page_token_secret (secret) VALUES (?) ON CONFLICT DO NOTHING";

  private final Transactor transactor;
  private volatile byte[] secret;

  public PageTokenSecret(Transactor transactor) {
    this.transactor = transactor;
  }

  /** The key, in a new array; throws a {@code UserException} when the database cannot say. */
  public byte[] bytes() {
    byte[] known = secret;
    if (known == null) {
      // Autocommit: each statement sees what committed before it, so the second read finds the
      // row that this insert or a concurrent one created.
      known =
          transactor.autoCommit(
              "read the page token secret",
              s -> {
                Optional<byte[]> existing = s.queryOne(READ, st -> {}, row -> row.getBytes(1));
                if (existing.isPresent()) {
                  return existing.get();
                }
                s.update(CREATE_IF_ABSENT, st -> st.setBytes(1, random()));
                return s.queryOne(READ, st -> {}, row -> row.getBytes(1))
                    .orElseThrow(() -> new SQLException("the page_token_secret row vanished"));
              });
      secret = known;
    }
    return known.clone();
  }

  private static byte[] random() {
    byte[] bytes = new byte[LENGTH];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }
}
