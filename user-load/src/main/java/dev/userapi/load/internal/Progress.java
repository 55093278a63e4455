package dev.userapi.load.internal;

import java.io.PrintStream;
import java.util.function.DoubleSupplier;

/**
 * A one-line progress bar on stderr for the workload that is running, redrawn a few times a second
 * by a daemon thread. Silent unless enabled (a console is attached, or {@code --progress}).
 */
public final class Progress implements AutoCloseable {
  private static final int WIDTH = 30;
  private final PrintStream err;
  private final boolean enabled;
  private final String label;
  private final DoubleSupplier fraction;
  private final Thread painter;
  private volatile boolean done;

  private Progress(boolean enabled, String label, DoubleSupplier fraction) {
    this.err = System.err;
    this.enabled = enabled;
    this.label = label;
    this.fraction = fraction;
    if (enabled) {
      painter = new Thread(this::paintLoop, "cli-progress");
      painter.setDaemon(true);
      painter.start();
    } else {
      painter = null;
    }
  }

  public static Progress start(boolean enabled, String label, DoubleSupplier fraction) {
    return new Progress(enabled, label, fraction);
  }

  private void paintLoop() {
    while (!done) {
      paint(Math.min(1.0, Math.max(0.0, fraction.getAsDouble())));
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void paint(double f) {
    int filled = (int) Math.round(f * WIDTH);
    String bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
    String text = String.format("\r[%s] %3d%% %-60s", bar, Math.round(f * 100), label);
    synchronized (err) {
      err.print(text);
      err.flush();
    }
  }

  @Override
  public void close() {
    if (!enabled) {
      return;
    }
    done = true;
    painter.interrupt();
    try {
      painter.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    paint(1.0);
    synchronized (err) {
      err.println();
    }
  }
}
