package dev.userapi.grpc.internal;

import io.grpc.Metadata;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;

/**
 * Lets an OpenTelemetry propagator read and write gRPC metadata (ASCII keys only: the W3C and B3
 * headers are text). Thread-safe (stateless). Not API: used by userapi modules only.
 */
public final class MetadataCarrier implements TextMapGetter<Metadata>, TextMapSetter<Metadata> {
  public static final MetadataCarrier INSTANCE = new MetadataCarrier();

  private MetadataCarrier() {}

  @Override
  public Iterable<String> keys(Metadata carrier) {
    return carrier.keys();
  }

  @Override
  public String get(Metadata carrier, String key) {
    if (carrier == null || key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
      return null;
    }
    return carrier.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
  }

  @Override
  public void set(Metadata carrier, String key, String value) {
    if (carrier == null || key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
      return;
    }
    Metadata.Key<String> k = Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER);
    carrier.removeAll(k); // a retried call must not carry two parents
    carrier.put(k, value);
  }
}
