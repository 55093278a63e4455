package dev.userapi.rest.internal;

import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;

/**
 * Registers one provider instance at a fixed priority. Immutable. Not API: used by userapi modules
 * only.
 */
public final class ComponentFeature implements Feature {
  /** Before every filter of {@code UserApiFeature} on the way in, after them on the way out. */
  public static final int OUTERMOST = 100;

  private final Object component;
  private final int priority;

  public ComponentFeature(Object component, int priority) {
    this.component = component;
    this.priority = priority;
  }

  @Override
  public boolean configure(FeatureContext context) {
    context.register(component, priority);
    return true;
  }
}
