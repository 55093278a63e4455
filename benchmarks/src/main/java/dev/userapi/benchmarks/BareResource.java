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
 * The REST baseline: JAX-RS resources on the same Jersey application and Grizzly container as the
 * real one, answering with pre-built bytes of the same size (the real service's own answers once it
 * is up, see {@link Fixtures#withRestBodies}). No JSON binding, no store.
 *
 * <p>The short calls (one user, one page) live at paths shaped like the API's own, {@code
 * /api/users/bare-{id}} and {@code /api/users/bare-page}, because user-server's REST host runs only
 * paths of that shape on the selector thread and sends every other path to its worker pool: at
 * {@code /bare/...} the baseline paid a thread hop per request that our API does not. Jersey tries
 * this root resource and {@code /bare} before the API's ({@code /api}, fewer literal characters),
 * so each of our requests pays two failed pattern matches that the baseline's do not. The streams
 * and the batch body stay at {@code /bare}: there ours runs on a worker too.
 */
@Path("/bare")
public final class BareResource {
  private final AtomicReference<Fixtures> fixtures;
  private final int streamCount;

  BareResource(AtomicReference<Fixtures> fixtures, int streamCount) {
    this.fixtures = fixtures;
    this.streamCount = streamCount;
  }

  /** The resource of the short calls, to register beside this one. */
  static Object shortCalls(AtomicReference<Fixtures> fixtures) {
    return new ShortCalls(fixtures);
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

  /**
   * One user at {@code /api/users/bare-{id}}, one page at {@code /api/users/bare-page}: paths the
   * REST host runs on the selector. One class, so that our requests pay one failed match for it.
   */
  @Path("/api/users/bare-{id}")
  public static final class ShortCalls {
    private final AtomicReference<Fixtures> fixtures;

    ShortCalls(AtomicReference<Fixtures> fixtures) {
      this.fixtures = fixtures;
    }

    /**
     * The prepared JSON of one page for {@code bare-page}, of one user for any other id.
     *
     * @param id {@code page}, or ignored
     * @return the JSON bytes
     */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public byte[] get(@PathParam("id") String id) {
      return id.equals("page") ? fixtures.get().pageJson() : fixtures.get().userJson();
    }
  }
}
