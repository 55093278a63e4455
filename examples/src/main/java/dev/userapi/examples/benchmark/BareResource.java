package dev.userapi.examples.benchmark;

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

/**
 * The REST baseline: a JAX-RS resource on the same Jersey application and Grizzly container as the
 * real one, answering with pre-built bytes of the same size. No JSON binding, no store.
 */
@Path("/bare")
public final class BareResource {
  private final Fixtures fixtures;
  private final int streamCount;

  BareResource(Fixtures fixtures, int streamCount) {
    this.fixtures = fixtures;
    this.streamCount = streamCount;
  }

  @GET
  @Path("users/{id}")
  @Produces(MediaType.APPLICATION_JSON)
  public byte[] get(@PathParam("id") String id) {
    return fixtures.userJson();
  }

  @GET
  @Path("users")
  @Produces(MediaType.APPLICATION_JSON)
  public byte[] list() {
    return fixtures.pageJson();
  }

  @GET
  @Path("users:stream")
  @Produces("application/x-ndjson")
  public StreamingOutput stream() {
    byte[] line = fixtures.userLine();
    return out -> {
      for (int i = 0; i < streamCount; i++) {
        out.write(line);
      }
    };
  }

  @POST
  @Path("users:batchCreate")
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public byte[] batchCreate(InputStream body) throws IOException {
    body.transferTo(OutputStreams.NULL);
    return fixtures.batchJson();
  }

  /** Where a request body goes to be read and forgotten. */
  private static final class OutputStreams {
    static final java.io.OutputStream NULL = java.io.OutputStream.nullOutputStream();
  }
}
