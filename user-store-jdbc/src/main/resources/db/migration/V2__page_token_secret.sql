-- userapi schema, version 2: the key that signs page tokens, one for every replica on this database.

-- One row. The table starts empty: the first repository that needs the key inserts 32 bytes from
-- Java's SecureRandom with INSERT ... ON CONFLICT DO NOTHING and reads the row back, so replicas
-- racing for it agree on the first one committed. (PostgreSQL before 13 has no strong random
-- source without pgcrypto; random() has 48 bits of state at most.) Because every replica reads the
-- same key, a page token from one is accepted by all of them, also after restarts. Deleting the row
-- rotates the key once every replica has restarted; page tokens issued before are then refused.
CREATE TABLE page_token_secret (
  id     boolean PRIMARY KEY DEFAULT true CHECK (id),
  secret bytea   NOT NULL CHECK (length(secret) >= 16)
);
