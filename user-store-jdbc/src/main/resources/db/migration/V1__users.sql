-- userapi schema, version 1: users, the change feed and request-id idempotency.

-- Ids are canonical lower-case UUIDv7 strings; the "C" collation orders them byte-wise, which is
-- creation order and the order Java's String.compareTo gives, so keyset paging needs no sort.
CREATE TABLE users (
  id          text COLLATE "C" PRIMARY KEY,
  name        text        NOT NULL,
  email       text        NOT NULL,
  age         integer,
  create_time timestamptz NOT NULL,
  update_time timestamptz NOT NULL,
  version     bigint      NOT NULL CHECK (version >= 1)
);

-- Emails are unique case-insensitively; the service normalises them, the database enforces it.
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- One row holding the newest event sequence. Writers bump it with UPDATE at the end of their
-- transaction: the row lock makes sequences gapless and commit-ordered, so a watcher reading
-- "sequence > n" never skips an event that commits late.
CREATE TABLE user_event_counter (
  id            boolean PRIMARY KEY DEFAULT true CHECK (id),
  last_sequence bigint  NOT NULL
);
INSERT INTO user_event_counter (id, last_sequence) VALUES (true, 0);

-- The durable change feed; each row is written in the transaction of the change it records.
CREATE TABLE user_events (
  sequence    bigint      PRIMARY KEY,
  type        text        NOT NULL CHECK (type IN ('CREATED', 'UPDATED', 'DELETED')),
  user_id     text COLLATE "C" NOT NULL,
  name        text        NOT NULL,
  email       text        NOT NULL,
  age         integer,
  create_time timestamptz NOT NULL,
  update_time timestamptz NOT NULL,
  version     bigint      NOT NULL,
  event_time  timestamptz NOT NULL DEFAULT now()
);

-- Request ids of creates (AIP-155 idempotency) with the user each one created.
CREATE TABLE user_requests (
  request_id  text        PRIMARY KEY,
  user_id     text COLLATE "C" NOT NULL,
  name        text        NOT NULL,
  email       text        NOT NULL,
  age         integer,
  create_time timestamptz NOT NULL,
  update_time timestamptz NOT NULL,
  version     bigint      NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_requests_recorded_at ON user_requests (recorded_at);
