package dev.userapi.core;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Caps how many {@link #stream} and {@link #watch} subscriptions may be open at once, so that a
 * crowd of slow readers or forgotten watches cannot hold a server's threads, connections or memory.
 * A subscription over the cap fails at once with RESOURCE_EXHAUSTED (429 on REST), the others go
 * on. Every other call is passed through unchanged.
 *
 * <pre>{@code
 * UserService users = LimitedUserService.builder(DefaultUserService.inMemory())
 *     .maxConcurrentStreams(64)
 *     .maxConcurrentWatches(1000)
 *     .build();
 * }</pre>
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class LimitedUserService extends ForwardingUserService {
  /** Default cap on open streams. */
  public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 256;

  /** Default cap on open watches. */
  public static final int DEFAULT_MAX_CONCURRENT_WATCHES = 1024;

  private final Semaphore streams;
  private final Semaphore watches;
  private final int maxStreams;
  private final int maxWatches;

  private LimitedUserService(Builder builder) {
    super(builder.delegate);
    this.maxStreams = builder.maxStreams;
    this.maxWatches = builder.maxWatches;
    this.streams = new Semaphore(maxStreams);
    this.watches = new Semaphore(maxWatches);
  }

  /**
   * A builder of limits around {@code delegate}.
   *
   * @param delegate the service calls are passed to
   * @return a new builder with the default caps
   */
  public static Builder builder(UserService delegate) {
    return new Builder(delegate);
  }

  /**
   * Open stream subscriptions right now.
   *
   * @return the count, between 0 and the cap
   */
  public int openStreams() {
    return maxStreams - streams.availablePermits();
  }

  /**
   * Open watch subscriptions right now.
   *
   * @return the count, between 0 and the cap
   */
  public int openWatches() {
    return maxWatches - watches.availablePermits();
  }

  @Override
  public Flow.Publisher<User> stream(UserFilter filter) {
    Flow.Publisher<User> source = super.stream(filter);
    return limited(source, streams, "streams", maxStreams);
  }

  @Override
  public Flow.Publisher<UserEvent> watch(long afterSequence) {
    Flow.Publisher<UserEvent> source = super.watch(afterSequence);
    return limited(source, watches, "watches", maxWatches);
  }

  private static <T> Flow.Publisher<T> limited(
      Flow.Publisher<T> source, Semaphore permits, String what, int max) {
    return subscriber -> {
      requireNonNull(subscriber, "subscriber");
      if (!permits.tryAcquire()) {
        subscriber.onSubscribe(NoSubscription.INSTANCE);
        subscriber.onError(
            new UserException(
                ErrorCode.RESOURCE_EXHAUSTED,
                "too many open " + what + " (limit " + max + "); retry later"));
        return;
      }
      source.subscribe(new Releasing<>(subscriber, permits));
    };
  }

  /** Gives the permit back exactly once: on completion, error or cancellation. */
  private static final class Releasing<T> implements Flow.Subscriber<T> {
    private final Flow.Subscriber<? super T> downstream;
    private final Semaphore permits;
    private final AtomicBoolean released = new AtomicBoolean();

    Releasing(Flow.Subscriber<? super T> downstream, Semaphore permits) {
      this.downstream = downstream;
      this.permits = permits;
    }

    private void release() {
      if (released.compareAndSet(false, true)) {
        permits.release();
      }
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      downstream.onSubscribe(
          new Flow.Subscription() {
            @Override
            public void request(long n) {
              subscription.request(n);
            }

            @Override
            public void cancel() {
              release();
              subscription.cancel();
            }
          });
    }

    @Override
    public void onNext(T item) {
      downstream.onNext(item);
    }

    @Override
    public void onError(Throwable error) {
      release();
      downstream.onError(error);
    }

    @Override
    public void onComplete() {
      release();
      downstream.onComplete();
    }
  }

  private enum NoSubscription implements Flow.Subscription {
    INSTANCE;

    @Override
    public void request(long n) {}

    @Override
    public void cancel() {}
  }

  /** Configures a {@link LimitedUserService}. Not thread-safe. */
  public static final class Builder {
    private final UserService delegate;
    private int maxStreams = DEFAULT_MAX_CONCURRENT_STREAMS;
    private int maxWatches = DEFAULT_MAX_CONCURRENT_WATCHES;

    private Builder(UserService delegate) {
      this.delegate = requireNonNull(delegate, "delegate");
    }

    /**
     * Open {@code stream} subscriptions allowed at once; 256 by default.
     *
     * @param max the cap, at least 1
     * @return this builder
     * @throws IllegalArgumentException when {@code max} is below 1
     */
    public Builder maxConcurrentStreams(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConcurrentStreams: " + max + " (expected: >= 1)");
      }
      this.maxStreams = max;
      return this;
    }

    /**
     * Open {@code watch} subscriptions allowed at once; 1024 by default.
     *
     * @param max the cap, at least 1
     * @return this builder
     * @throws IllegalArgumentException when {@code max} is below 1
     */
    public Builder maxConcurrentWatches(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConcurrentWatches: " + max + " (expected: >= 1)");
      }
      this.maxWatches = max;
      return this;
    }

    /**
     * Builds the limited service.
     *
     * @return a new service with its own counters
     */
    public LimitedUserService build() {
      return new LimitedUserService(this);
    }
  }
}
