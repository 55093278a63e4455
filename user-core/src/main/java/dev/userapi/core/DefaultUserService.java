package dev.userapi.core;

import static java.util.Objects.requireNonNull;

import dev.userapi.core.internal.IteratorPublisher;
import dev.userapi.core.internal.PageTokens;
import dev.userapi.core.internal.UuidV7;
import dev.userapi.core.internal.Validation;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The core {@link UserService}: validation, normalisation, ids, timestamps, versions, etags, page
 * tokens and idempotent creates, over any {@link UserRepository}.
 *
 * <pre>{@code
 * UserService users = DefaultUserService.inMemory();
 * User ada = users.create(NewUser.of("Ada", "ada@example.com", 36));
 * users.update(ada.id(), UserUpdate.builder().clearAge().build(), ada.etag());
 * }</pre>
 *
 * <p>Thread-safe; it holds no threads of its own. Several instances may share one store (one
 * database, many replicas), and a page token from one is accepted by the others, also after a
 * restart, when the store provides a {@linkplain UserRepository#pageTokenSecret() shared secret}
 * (the PostgreSQL store keeps one in the database; an {@link InMemoryUserRepository} has one per
 * instance). A {@linkplain Builder#pageTokenSecret secret given to the builder} wins over the
 * store's; with neither, each service signs with a random secret of its own.
 *
 * @since 0.1.0
 */
public final class DefaultUserService implements UserService {
  /** Page size used when a query asks for 0. */
  public static final int DEFAULT_PAGE_SIZE = 50;

  /** Larger page sizes are coerced to this (AIP-158). */
  public static final int MAX_PAGE_SIZE = 1000;

  /** Default limit on the number of users in one {@link #createAll} call. */
  public static final int DEFAULT_MAX_BATCH_SIZE = 10_000;

  private static final int STREAM_BATCH = 256;
  private static final int MAX_REQUEST_ID_LENGTH = 128;
  private static final int MIN_SECRET_LENGTH = 16;

  private final UserRepository repository;
  private final Clock clock;
  private final UuidV7 ids;
  // Set by the builder's secret, or on first use from the store's (asking the store may fail and
  // is then tried again on the next call), or a random one when the store has none.
  private final AtomicReference<PageTokens> pageTokens;
  private final int maxBatchSize;

  private DefaultUserService(Builder builder) {
    this.repository = builder.repository;
    this.clock = builder.clock;
    this.ids = new UuidV7(builder.clock);
    this.pageTokens =
        new AtomicReference<>(
            builder.pageTokenSecret == null ? null : new PageTokens(builder.pageTokenSecret));
    this.maxBatchSize = builder.maxBatchSize;
  }

  /**
   * A service over a fresh {@link InMemoryUserRepository}, for tests and demos.
   *
   * @return a new service with its own empty store and default settings
   */
  public static DefaultUserService inMemory() {
    return builder().repository(new InMemoryUserRepository()).build();
  }

  /**
   * A service over {@code repository} with default settings. Its page tokens are signed with the
   * repository's {@linkplain UserRepository#pageTokenSecret() shared secret}, so services over one
   * store (replicas on one database) accept each other's tokens with no configuration.
   *
   * @param repository the store
   * @return a new service
   */
  public static DefaultUserService of(UserRepository repository) {
    return builder().repository(repository).build();
  }

  /**
   * Starts configuring a service; {@link Builder#repository} is required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The store behind this service.
   *
   * @return the repository given to the builder
   */
  public UserRepository repository() {
    return repository;
  }

  @Override
  public User create(NewUser newUser, String requestId) {
    requireNonNull(newUser, "newUser");
    List<FieldViolation> violations = new ArrayList<>();
    if (requestId != null && (requestId.isBlank() || requestId.length() > MAX_REQUEST_ID_LENGTH)) {
      violations.add(
          new FieldViolation(
              "requestId", "must be 1.." + MAX_REQUEST_ID_LENGTH + " non-blank characters"));
    }
    User user = newUserToUser(newUser, violations);
    if (!violations.isEmpty()) {
      throw UserException.invalidArgument(violations);
    }
    return repository.insert(user, requestId);
  }

  @Override
  public User get(String id) {
    String key = checkId(id);
    return repository.findById(key).orElseThrow(() -> UserException.notFound(key));
  }

  @Override
  public User update(String id, UserUpdate update, String expectedEtag) {
    requireNonNull(update, "update");
    String key = checkId(id);
    List<FieldViolation> violations = new ArrayList<>();
    String name = update.has(UserField.NAME) ? Validation.name(update.name(), violations) : null;
    String email =
        update.has(UserField.EMAIL) ? Validation.email(update.email(), violations) : null;
    if (update.has(UserField.AGE) && update.age().isPresent()) {
      Validation.age(update.age().getAsInt(), violations);
    }
    if (!violations.isEmpty()) {
      throw UserException.invalidArgument(violations);
    }
    return compareAndSet(
        key,
        expectedEtag,
        current ->
            new Content(
                update.has(UserField.NAME) ? name : current.name(),
                update.has(UserField.EMAIL) ? email : current.email(),
                update.has(UserField.AGE) ? update.age() : current.age()));
  }

  @Override
  public User replace(String id, NewUser replacement, String expectedEtag) {
    requireNonNull(replacement, "replacement");
    String key = checkId(id);
    List<FieldViolation> violations = new ArrayList<>();
    Content content = validate(replacement, violations);
    if (!violations.isEmpty()) {
      throw UserException.invalidArgument(violations);
    }
    return compareAndSet(key, expectedEtag, current -> content);
  }

  @Override
  public void delete(String id, String expectedEtag) {
    String key = checkId(id);
    if (expectedEtag == null) {
      repository.delete(key, OptionalLong.empty());
      return;
    }
    User current = repository.findById(key).orElseThrow(() -> UserException.staleEtag(key));
    if (!expectedEtag.equals(current.etag())) {
      throw UserException.staleEtag(key);
    }
    repository.delete(key, OptionalLong.of(current.version()));
  }

  @Override
  public Page<User> list(UserQuery query) {
    requireNonNull(query, "query");
    List<FieldViolation> violations = new ArrayList<>();
    checkFilter(query.filter(), violations);
    if (query.pageSize() < 0) {
      violations.add(
          new FieldViolation(
              "pageSize", "must not be negative (0 means the default, " + DEFAULT_PAGE_SIZE + ")"));
    }
    if (!violations.isEmpty()) {
      throw UserException.invalidArgument(violations);
    }
    int pageSize =
        query.pageSize() == 0 ? DEFAULT_PAGE_SIZE : Math.min(query.pageSize(), MAX_PAGE_SIZE);
    String canonical = query.filter().canonical();
    String afterId =
        query.pageToken().isEmpty() ? null : pageTokens().decode(query.pageToken(), canonical);
    // One extra row tells whether another page follows, without a second query.
    List<User> rows = repository.scan(query.filter(), afterId, pageSize + 1);
    if (rows.size() <= pageSize) {
      return new Page<>(rows, "");
    }
    List<User> items = rows.subList(0, pageSize);
    return new Page<>(items, pageTokens().encode(items.get(pageSize - 1).id(), canonical));
  }

  @Override
  public Flow.Publisher<User> stream(UserFilter filter) {
    requireNonNull(filter, "filter");
    return new IteratorPublisher<>(
        () -> {
          List<FieldViolation> violations = new ArrayList<>();
          checkFilter(filter, violations);
          if (!violations.isEmpty()) {
            throw UserException.invalidArgument(violations);
          }
          return new ScanIterator(filter);
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>Every item is validated first; the users of the valid ones share one create time, get
   * increasing ids in the list's order, and go to the store in one {@link UserRepository#insertAll}
   * call.
   */
  @Override
  public List<CreateResult> createAll(List<NewUser> newUsers) {
    requireNonNull(newUsers, "newUsers");
    if (newUsers.size() > maxBatchSize) {
      throw new UserException(
          ErrorCode.RESOURCE_EXHAUSTED,
          "batch of " + newUsers.size() + " users exceeds the limit of " + maxBatchSize);
    }
    // Every item is validated first (each reporting all its violations); the valid ones then get
    // their ids in one draw and one timestamp, and go to the store in one call (issue #17).
    int size = newUsers.size();
    CreateResult[] results = new CreateResult[size];
    Content[] contents = new Content[size];
    int validCount = 0;
    List<FieldViolation> violations = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      NewUser newUser = newUsers.get(i);
      if (newUser == null) {
        violations.add(new FieldViolation("user", "is required"));
      } else {
        contents[i] = validate(newUser, violations);
      }
      if (violations.isEmpty()) {
        validCount++;
      } else {
        contents[i] = null;
        results[i] = CreateResult.failure(i, UserException.invalidArgument(violations));
        violations.clear();
      }
    }
    String[] newIds = ids.next(validCount);
    Instant now = now();
    List<User> valid = new ArrayList<>(validCount);
    int[] validIndexes = new int[validCount];
    for (int i = 0; i < size; i++) {
      Content content = contents[i];
      if (content != null) {
        int j = valid.size();
        valid.add(new User(newIds[j], content.name(), content.email(), content.age(), now, now, 1));
        validIndexes[j] = i;
      }
    }
    List<CreateResult> stored = repository.insertAll(valid);
    for (int j = 0; j < stored.size(); j++) {
      CreateResult r = stored.get(j);
      int index = validIndexes[j];
      results[index] =
          r.index() == index
              ? r
              : r.succeeded()
                  ? CreateResult.success(index, r.user())
                  : CreateResult.failure(index, r.error());
    }
    return List.of(results);
  }

  @Override
  public Flow.Publisher<UserEvent> watch(long afterSequence) {
    if (afterSequence < 0 && afterSequence != WATCH_FROM_NOW) {
      return new IteratorPublisher<>(
          () -> {
            throw UserException.invalidArgument(
                "afterSequence", "must be a sequence (>= 0) or WATCH_FROM_NOW (-1)");
          });
    }
    return repository.changes(afterSequence);
  }

  @Override
  public HealthStatus health() {
    return repository.health();
  }

  private PageTokens pageTokens() {
    PageTokens tokens = pageTokens.get();
    if (tokens != null) {
      return tokens;
    }
    byte[] secret = repository.pageTokenSecret().orElseGet(DefaultUserService::randomSecret);
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new IllegalStateException(
          "the repository's pageTokenSecret: "
              + secret.length
              + " bytes (expected: >= "
              + MIN_SECRET_LENGTH
              + " bytes)");
    }
    // Two first calls may race: both use whichever secret was set first, so every token this
    // service hands out is signed with the one it keeps.
    pageTokens.compareAndSet(null, new PageTokens(secret));
    return pageTokens.get();
  }

  private static byte[] randomSecret() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return secret;
  }

  private interface ContentChange {
    Content apply(User current);
  }

  private record Content(String name, String email, OptionalInt age) {}

  /** Read, check the etag, write with compare-and-set; retry only unconditional writes. */
  private User compareAndSet(String id, String expectedEtag, ContentChange change) {
    while (true) {
      User current = repository.findById(id).orElseThrow(() -> UserException.notFound(id));
      if (expectedEtag != null && !expectedEtag.equals(current.etag())) {
        throw UserException.staleEtag(id);
      }
      Content next = change.apply(current);
      if (next.equals(new Content(current.name(), current.email(), current.age()))) {
        return current;
      }
      User updated =
          new User(
              id,
              next.name(),
              next.email(),
              next.age(),
              current.createTime(),
              now(),
              current.version() + 1);
      try {
        return repository.update(updated, current.version());
      } catch (UserException e) {
        if (e.code() != ErrorCode.PRECONDITION_FAILED || expectedEtag != null) {
          throw e;
        }
        // Someone else wrote in between and the caller did not ask for a precondition: retry.
      }
    }
  }

  private User newUserToUser(NewUser newUser, List<FieldViolation> violations) {
    Content content = validate(newUser, violations);
    if (!violations.isEmpty()) {
      return null;
    }
    Instant now = now();
    return new User(ids.next(), content.name(), content.email(), content.age(), now, now, 1);
  }

  private static Content validate(NewUser newUser, List<FieldViolation> violations) {
    String name = Validation.name(newUser.name(), violations);
    String email = Validation.email(newUser.email(), violations);
    if (newUser.age().isPresent()) {
      Validation.age(newUser.age().getAsInt(), violations);
    }
    return new Content(name, email, newUser.age());
  }

  private static void checkFilter(UserFilter filter, List<FieldViolation> violations) {
    if (filter.minAge().isPresent()
        && filter.maxAge().isPresent()
        && filter.minAge().getAsInt() > filter.maxAge().getAsInt()) {
      violations.add(new FieldViolation("minAge", "must not be greater than maxAge"));
    }
  }

  private static String checkId(String id) {
    String key = id == null ? null : id.strip().toLowerCase(Locale.ROOT);
    if (!UuidV7.isWellFormed(key)) {
      throw UserException.invalidArgument("id", "must be a user id (a UUID)");
    }
    return key;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /** Reads matching users in keyset batches, one batch ahead of the consumer at most. */
  private final class ScanIterator implements Iterator<User> {
    private final UserFilter filter;
    private final ArrayDeque<User> buffer = new ArrayDeque<>();
    private String lastId;
    private boolean exhausted;

    ScanIterator(UserFilter filter) {
      this.filter = filter;
    }

    @Override
    public boolean hasNext() {
      if (buffer.isEmpty() && !exhausted) {
        List<User> batch = repository.scan(filter, lastId, STREAM_BATCH);
        buffer.addAll(batch);
        exhausted = batch.size() < STREAM_BATCH;
        if (!batch.isEmpty()) {
          lastId = batch.get(batch.size() - 1).id();
        }
      }
      return !buffer.isEmpty();
    }

    @Override
    public User next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return buffer.poll();
    }
  }

  /** Configures a {@link DefaultUserService}. Not thread-safe. */
  public static final class Builder {
    private UserRepository repository;
    private Clock clock = Clock.systemUTC();
    private byte[] pageTokenSecret;
    private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;

    private Builder() {}

    /**
     * The store (required).
     *
     * @param repository the store
     * @return this builder
     */
    public Builder repository(UserRepository repository) {
      this.repository = requireNonNull(repository, "repository");
      return this;
    }

    /**
     * The clock for timestamps and ids; the system UTC clock by default.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The key (at least 16 bytes) that signs page tokens, instead of the {@linkplain
     * UserRepository#pageTokenSecret() store's}. Not needed for replicas on one store that shares a
     * secret (the PostgreSQL store does); set it to sign with a key managed elsewhere, or to share
     * tokens between services over a store that has no shared secret. Services that should accept
     * each other's tokens must then all be given the same key.
     *
     * @param secret the key; copied
     * @return this builder
     * @throws IllegalArgumentException when the key is shorter than 16 bytes
     */
    public Builder pageTokenSecret(byte[] secret) {
      requireNonNull(secret, "secret");
      if (secret.length < MIN_SECRET_LENGTH) {
        throw new IllegalArgumentException(
            "pageTokenSecret: "
                + secret.length
                + " bytes (expected: >= "
                + MIN_SECRET_LENGTH
                + " bytes)");
      }
      this.pageTokenSecret = secret.clone();
      return this;
    }

    /**
     * The most users one {@link #createAll} call may carry; {@value #DEFAULT_MAX_BATCH_SIZE} by
     * default.
     *
     * @param maxBatchSize the limit, at least 1; longer lists fail with RESOURCE_EXHAUSTED
     * @return this builder
     * @throws IllegalArgumentException when {@code maxBatchSize} is below 1
     */
    public Builder maxBatchSize(int maxBatchSize) {
      if (maxBatchSize < 1) {
        throw new IllegalArgumentException("maxBatchSize: " + maxBatchSize + " (expected: >= 1)");
      }
      this.maxBatchSize = maxBatchSize;
      return this;
    }

    /**
     * Builds the service.
     *
     * @return a new service
     * @throws IllegalStateException when no repository was set
     */
    public DefaultUserService build() {
      if (repository == null) {
        throw new IllegalStateException("repository is required");
      }
      return new DefaultUserService(this);
    }
  }
}
