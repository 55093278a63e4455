package dev.userapi.server.cli;

import dev.userapi.core.ForwardingUserService;
import dev.userapi.core.User;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserService;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Forwards to a real service and records, for every subscription to {@link #stream}, how many users
 * the store handed out and how the subscription ended. That shows from the server side whether a
 * stream kept pulling from the store for a client that does not read.
 */
final class CountedStreams extends ForwardingUserService {
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

  CountedStreams(UserService delegate) {
    super(delegate);
  }

  /** Every stream subscription so far whose filter equals {@code filter}. */
  List<Subscription> subscriptions(UserFilter filter) {
    return subscriptions.stream().filter(s -> s.filter.equals(filter)).toList();
  }

  /** One subscription to the store's stream, as the server side saw it. */
  static final class Subscription {
    final UserFilter filter;
    final AtomicLong delivered = new AtomicLong();
    volatile boolean completed;
    volatile boolean failed;
    volatile boolean cancelled;

    Subscription(UserFilter filter) {
      this.filter = filter;
    }

    boolean open() {
      return !completed && !failed && !cancelled;
    }

    @Override
    public String toString() {
      return "delivered="
          + delivered
          + " completed="
          + completed
          + " failed="
          + failed
          + " cancelled="
          + cancelled;
    }
  }

  @Override
  public Flow.Publisher<User> stream(UserFilter filter) {
    Flow.Publisher<User> upstream = super.stream(filter);
    return downstream -> {
      Subscription counted = new Subscription(filter);
      subscriptions.add(counted);
      upstream.subscribe(
          new Flow.Subscriber<User>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
              downstream.onSubscribe(
                  new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                      s.request(n);
                    }

                    @Override
                    public void cancel() {
                      counted.cancelled = true;
                      s.cancel();
                    }
                  });
            }

            @Override
            public void onNext(User user) {
              counted.delivered.incrementAndGet();
              downstream.onNext(user);
            }

            @Override
            public void onError(Throwable error) {
              counted.failed = true;
              downstream.onError(error);
            }

            @Override
            public void onComplete() {
              counted.completed = true;
              downstream.onComplete();
            }
          });
    };
  }
}
