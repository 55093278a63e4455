package dev.userapi.load.internal;

/**
 * One operation of one load worker: a request and its response, or a whole stream. Returns how many
 * items it moved (1 for a request-response call); throws on any failure, which the runner counts as
 * an error. Not thread-safe: each worker has its own.
 */
public interface Op extends AutoCloseable {
  long run() throws Exception;

  @Override
  default void close() {}

  /** Makes one {@link Op} per worker (each may own a connection). */
  interface Factory {
    Op newWorker(int worker) throws Exception;
  }
}
