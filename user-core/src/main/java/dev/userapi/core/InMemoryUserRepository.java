package dev.userapi.core;

import dev.userapi.core.internal.EventLog;
import dev.userapi.core.internal.Validation;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Flow;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The embedded default store: users in memory, lost when the process ends.
 *
 * <p>Thread-safe. Reads ({@link #findById}, {@link #scan}) take no lock: users live in a {@link
 * ConcurrentSkipListMap} ordered by id, which also makes keyset scans cheap; the email index is
 * used by writers only. Writes are serialised by one lock so the email index, the users and the
 * change feed move together ({@link #insertAll} holds it for up to 256 users at a time); change
 * events are delivered to watchers after the lock is released.
 *
 * @since 0.1.0
 */
public final class InMemoryUserRepository implements UserRepository {
  /** How many change events are kept for watchers to resume from, by default. */
  public static final int DEFAULT_EVENT_RETENTION = 10_000;

  private static final int REQUEST_ID_RETENTION = 100_000;
  // Users inserted per lock hold by insertAll (at most half the event retention).
  private static final int INSERT_CHUNK = 256;

  private final ConcurrentSkipListMap<String, User> users = new ConcurrentSkipListMap<>();
  // Guarded by writeLock (no reader goes around it), so a plain map: a ConcurrentHashMap's
  // putIfAbsent was half of a bulk create's time in the store (issue #17).
  private final Map<String, String> idsByEmailKey = new HashMap<>();
  private final ReentrantLock writeLock = new ReentrantLock();
  private final byte[] pageTokenSecret = randomSecret();
  private final EventLog events;
  private final int eventRetention;
  // Guarded by writeLock; the oldest entries go first once the map is full.
  private final Map<String, User> usersByRequestId =
      new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, User> eldest) {
          return size() > REQUEST_ID_RETENTION;
        }
      };

  /** A store that keeps the last {@value #DEFAULT_EVENT_RETENTION} change events. */
  public InMemoryUserRepository() {
    this(DEFAULT_EVENT_RETENTION);
  }

  /**
   * A store that keeps the last {@code eventRetention} change events.
   *
   * @param eventRetention how many events {@code changes} can replay, at least 1
   * @throws IllegalArgumentException when {@code eventRetention} is below 1
   */
  public InMemoryUserRepository(int eventRetention) {
    this.events = new EventLog(eventRetention);
    this.eventRetention = eventRetention;
  }

  @Override
  public User insert(User user, String requestId) {
    writeLock.lock();
    try {
      if (requestId != null) {
        User earlier = usersByRequestId.get(requestId);
        if (earlier != null) {
          return earlier;
        }
      }
      insertLocked(user);
      if (requestId != null) {
        usersByRequestId.put(requestId, user);
      }
    } finally {
      writeLock.unlock();
    }
    events.signalWatchers();
    return user;
  }

  /**
   * Inserts the users in order, each on its own as {@link #insert} would, but takes the write lock
   * and signals watchers once per chunk of up to 256 users instead of once per user (issue #17).
   * Other writers may interleave between chunks; a watcher with demand is served after every chunk,
   * so a batch longer than the event retention does not by itself leave it a whole ring behind.
   */
  @Override
  public List<CreateResult> insertAll(List<User> batch) {
    int size = batch.size();
    CreateResult[] results = new CreateResult[size];
    int chunk = Math.max(1, Math.min(INSERT_CHUNK, eventRetention / 2));
    for (int from = 0; from < size; from += chunk) {
      int to = Math.min(size, from + chunk);
      writeLock.lock();
      try {
        for (int i = from; i < to; i++) {
          User user = batch.get(i);
          try {
            insertLocked(user);
            results[i] = CreateResult.success(i, user);
          } catch (UserException e) {
            results[i] = CreateResult.failure(i, e);
          }
        }
      } finally {
        writeLock.unlock();
      }
      events.signalWatchers();
    }
    return Arrays.asList(results);
  }

  @Override
  public Optional<User> findById(String id) {
    return Optional.ofNullable(users.get(id));
  }

  @Override
  public User update(User user, long expectedVersion) {
    writeLock.lock();
    try {
      User current = users.get(user.id());
      if (current == null) {
        throw UserException.notFound(user.id());
      }
      if (current.version() != expectedVersion) {
        throw UserException.staleEtag(user.id());
      }
      String oldKey = Validation.emailKey(current.email());
      String newKey = Validation.emailKey(user.email());
      if (!oldKey.equals(newKey)) {
        if (idsByEmailKey.containsKey(newKey)) {
          throw UserException.emailTaken();
        }
        idsByEmailKey.put(newKey, user.id());
        idsByEmailKey.remove(oldKey);
      }
      users.put(user.id(), user);
      record(UserEvent.Type.UPDATED, user);
    } finally {
      writeLock.unlock();
    }
    events.signalWatchers();
    return user;
  }

  @Override
  public Optional<User> delete(String id, OptionalLong expectedVersion) {
    User current;
    writeLock.lock();
    try {
      current = users.get(id);
      if (current == null) {
        return Optional.empty();
      }
      if (expectedVersion.isPresent() && current.version() != expectedVersion.getAsLong()) {
        throw UserException.staleEtag(id);
      }
      users.remove(id);
      idsByEmailKey.remove(Validation.emailKey(current.email()));
      record(UserEvent.Type.DELETED, current);
    } finally {
      writeLock.unlock();
    }
    events.signalWatchers();
    return Optional.of(current);
  }

  @Override
  public List<User> scan(UserFilter filter, String afterId, int limit) {
    Map<String, User> tail = afterId == null ? users : users.tailMap(afterId, false);
    List<User> page = new ArrayList<>(Math.min(limit, 256));
    for (User user : tail.values()) {
      if (page.size() >= limit) {
        break;
      }
      if (filter.matches(user)) {
        page.add(user);
      }
    }
    return page;
  }

  @Override
  public Flow.Publisher<UserEvent> changes(long afterSequence) {
    return events.publisher(afterSequence);
  }

  /**
   * A random secret of this instance: every service over this store accepts the others' page
   * tokens; they die with the data they point into.
   */
  @Override
  public Optional<byte[]> pageTokenSecret() {
    return Optional.of(pageTokenSecret.clone());
  }

  /** Number of live watchers; package-private, for tests. */
  int watcherCount() {
    return events.watcherCount();
  }

  /**
   * Number of users stored.
   *
   * @return the current count
   */
  public int size() {
    return users.size();
  }

  private static byte[] randomSecret() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return secret;
  }

  /**
   * Adds a new user and its CREATED event, or throws ALREADY_EXISTS and changes nothing. Holds the
   * write lock. The email index, read only under the lock, is claimed first; a user is then put
   * only when its id is new (an id collision releases the claim), one search of each map per
   * insert.
   */
  private void insertLocked(User user) {
    String key = Validation.emailKey(user.email());
    if (idsByEmailKey.putIfAbsent(key, user.id()) != null) {
      throw UserException.emailTaken();
    }
    if (users.putIfAbsent(user.id(), user) != null) {
      idsByEmailKey.remove(key);
      throw UserException.emailTaken();
    }
    record(UserEvent.Type.CREATED, user);
  }

  private void record(UserEvent.Type type, User user) {
    events.append(new UserEvent(events.nextSequence(), type, user));
  }
}
