package dev.userapi.benchmarks;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The REST baseline: a JAX-RS resource on the same Jersey application and Grizzly container as the
 * real one, answering with pre-built bytes of the same size (the real service's own answers once it
 * is up, see {@link Fixtures#withRestBodies}). No JSON binding, no store.
 */
@Path("/bare")
public final class BareResource {
  private final AtomicReference<Fixtures> fixtures;
  private final int streamCount;

  BareResource(AtomicReference<Fixtures> fixtures, int streamCount) {
    this.fixtures = fixtures;
    this.streamCount = streamCount;
  }

  /**
   * The prepared JSON of one user, whatever the id.
   *
   * @param id ignored
   * @return the JSON bytes
   */
  @GET
  @Path("users/{id}")
  @Produces(MediaType.APPLICATION_JSON)
  public byte[] get(@PathParam("id") String id) {
    return fixtures.get().userJson();
  }

  /**
   * The prepared JSON of one page.
   *
   * @return the JSON bytes
   */
  @GET
  @Path("users")
  @Produces(MediaType.APPLICATION_JSON)
  public byte[] list() {
    return fixtures.get().pageJson();
  }

  /**
   * The prepared NDJSON line, written as many times as the stream has users.
   *
   * @return the stream's body
   */
  @GET
  @Path("users:stream")
  @Produces("application/x-ndjson")
  public StreamingOutput stream() {
    byte[] line = fixtures.get().userLine();
    return out -> {
      for (int i = 0; i < streamCount; i++) {
        out.write(line);
      }
    };
  }

  /**
   * Reads and drops the body, then answers the prepared batch summary.
   *
   * @param body the request body
   * @return the JSON bytes
   * @throws IOException when reading the body fails
   */
  @POST
  @Path("users:batchCreate")
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public byte[] batchCreate(InputStream body) throws IOException {
    body.transferTo(OutputStreams.NULL);
    return fixtures.get().batchJson();
  }

  /** Where a request body goes to be read and forgotten. */
  private static final class OutputStreams {
    static final java.io.OutputStream NULL = java.io.OutputStream.nullOutputStream();
  }
}
