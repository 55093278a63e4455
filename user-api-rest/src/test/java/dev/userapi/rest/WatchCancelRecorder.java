package dev.userapi.rest;

import dev.userapi.core.UserEvent;
import dev.userapi.core.UserService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;

/** Passes watches through and counts down {@link #cancelled} when a watch is cancelled. */
final class WatchCancelRecorder extends DelegatingUserService {
  final CountDownLatch cancelled = new CountDownLatch(1);
  private final UserService delegate;

  WatchCancelRecorder(UserService delegate) {
    super(delegate);
    this.delegate = delegate;
  }

  @Override
  public Flow.Publisher<UserEvent> watch(long afterSequence) {
    return subscriber ->
        delegate
            .watch(afterSequence)
            .subscribe(
                new Flow.Subscriber<>() {
                  @Override
                  public void onSubscribe(Flow.Subscription s) {
                    subscriber.onSubscribe(
                        new Flow.Subscription() {
                          @Override
                          public void request(long n) {
                            s.request(n);
                          }

                          @Override
                          public void cancel() {
                            cancelled.countDown();
                            s.cancel();
                          }
                        });
                  }

                  @Override
                  public void onNext(UserEvent item) {
                    subscriber.onNext(item);
                  }

                  @Override
                  public void onError(Throwable throwable) {
                    subscriber.onError(throwable);
                  }

                  @Override
                  public void onComplete() {
                    subscriber.onComplete();
                  }
                });
  }
}
