package dev.userapi.rest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.userapi.core.BlockingStream;
import dev.userapi.core.CreateResult;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.FieldViolation;
import dev.userapi.core.HealthStatus;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.core.UserException;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserOperation;
import dev.userapi.core.UserQuery;
import dev.userapi.core.UserService;
import dev.userapi.rest.internal.DtoMapper;
import dev.userapi.rest.internal.Dtos.BatchItemDto;
import dev.userapi.rest.internal.Dtos.BatchResultDto;
import dev.userapi.rest.internal.Dtos.HealthDto;
import dev.userapi.rest.internal.Dtos.NewUserDto;
import dev.userapi.rest.internal.Dtos.PageDto;
import dev.userapi.rest.internal.Dtos.StreamErrorDto;
import dev.userapi.rest.internal.EntityTags;
import dev.userapi.rest.internal.HttpDates;
import dev.userapi.rest.internal.Operation;
import dev.userapi.rest.internal.Problems;
import dev.userapi.rest.internal.ProtobufBodies;
import dev.userapi.rest.internal.PublicEndpoint;
import dev.userapi.rest.internal.SseWatch;
import dev.userapi.rest.internal.StatusException;
import dev.userapi.rest.internal.UserApi;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JAX-RS resource serving any {@link UserService} under {@code /api}. It needs only the Jakarta
 * REST API at compile time and runs on any JAX-RS runtime. It has no public constructor: register
 * {@link UserApiFeature#of(UserService)} (or its builder), which also installs the JSON
 * configuration, the problem+json error mapping and the filters it relies on.
 *
 * <table>
 *   <caption>Routes</caption>
 *   <tr><td>{@code POST /api/users}</td><td>create: 201 + Location + ETag; {@code Idempotency-Key}
 *       makes retries safe</td></tr>
 *   <tr><td>{@code GET /api/users/{id}}</td><td>read: ETag and Last-Modified; {@code
 *       If-None-Match} (or, without it, {@code If-Modified-Since}) gives 304</td></tr>
 *   <tr><td>{@code PATCH /api/users/{id}}</td><td>RFC 7396 merge patch; {@code If-Match} (or
 *       {@code If-Unmodified-Since})</td></tr>
 *   <tr><td>{@code PUT /api/users/{id}}</td><td>replace; {@code If-Match} (or {@code
 *       If-Unmodified-Since})</td></tr>
 *   <tr><td>{@code DELETE /api/users/{id}}</td><td>204, idempotent; {@code If-Match} (or {@code
 *       If-Unmodified-Since})</td></tr>
 *   <tr><td>{@code GET /api/users}</td><td>one page: {@code pageSize, pageToken, email,
 *       namePrefix, minAge, maxAge}</td></tr>
 *   <tr><td>{@code GET /api/users:stream}</td><td>every match as NDJSON, streamed (or as
 *       length-delimited protobuf)</td></tr>
 *   <tr><td>{@code GET /api/users:watch}</td><td>changes as Server-Sent Events;
 *       {@code Last-Event-ID} resumes</td></tr>
 *   <tr><td>{@code POST /api/users:batchCreate}</td><td>JSON array or NDJSON in, per-item results
 *       out</td></tr>
 *   <tr><td>{@code GET /api/health}</td><td>200 SERVING or 503 NOT_SERVING</td></tr>
 *   <tr><td>{@code GET /api/openapi.yaml}</td><td>the OpenAPI 3.1 document</td></tr>
 * </table>
 *
 * <p>Users and pages are JSON by default and {@code application/x-protobuf} ({@link #PROTOBUF})
 * when the client's {@code Accept} prefers it; create and replace take either. Errors are problem
 * documents, or {@code google.rpc.Status} messages for a client that accepts only protobuf.
 *
 * <p>Resource methods throw; the mappers of {@link UserApiFeature} write every error as {@code
 * application/problem+json}. Each resource method declares, where it is defined, the {@code
 * UserOperation} it performs (which authorises and names it) or that it is public (health, the
 * OpenAPI document); {@link BearerAuthFilter} refuses one that declares neither. Thread-safe: one
 * instance serves all requests.
 *
 * @since 0.1.0
 */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@UserApi
public final class UserResource {
  /** {@code application/x-ndjson}: one JSON value per line. */
  public static final String NDJSON = "application/x-ndjson";

  /** {@code application/merge-patch+json} (RFC 7396). */
  public static final String MERGE_PATCH_JSON = "application/merge-patch+json";

  /**
   * {@code application/x-protobuf}: the {@code userapi.v1} messages (needs user-api-grpc on the
   * class path).
   */
  public static final String PROTOBUF = "application/x-protobuf";

  /** What the single-user and page routes produce: JSON unless the client prefers protobuf. */
  private static final String PROTOBUF_SECOND = PROTOBUF + ";qs=0.5";

  /** Request header carrying the create request id (AIP-155). */
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private static final Logger log = LoggerFactory.getLogger(UserResource.class);
  private static final String IF_MATCH = HttpHeaders.IF_MATCH;
  private static final String LAST_EVENT_ID = "Last-Event-ID";
  private static final String IF_NONE_MATCH = HttpHeaders.IF_NONE_MATCH;
  private static final String IF_MODIFIED_SINCE = HttpHeaders.IF_MODIFIED_SINCE;
  private static final String IF_UNMODIFIED_SINCE = HttpHeaders.IF_UNMODIFIED_SINCE;

  private final UserService service;
  private final ObjectMapper mapper;
  private final boolean requireIfMatch;
  private final ScheduledExecutorService heartbeats;
  private final Duration heartbeatInterval;

  /**
   * Built by {@link UserApiFeature}, the only way in: it also registers what the resource needs.
   */
  UserResource(
      UserService service,
      ObjectMapper mapper,
      boolean requireIfMatch,
      ScheduledExecutorService heartbeats,
      Duration heartbeatInterval) {
    this.service = requireNonNull(service, "service");
    this.mapper = requireNonNull(mapper, "mapper");
    this.requireIfMatch = requireIfMatch;
    this.heartbeats = heartbeats;
    this.heartbeatInterval = heartbeatInterval;
  }

  // ---- single users --------------------------------------------------------------------------

  /**
   * {@code POST /api/users}: creates a user.
   *
   * @param body the new user as JSON
   * @param requestId the {@code Idempotency-Key} header, or null; a retry with the same key returns
   *     the user the first request created
   * @param uriInfo the request URI, to build the {@code Location} header
   * @return 201 with the user, its {@code Location}, {@code ETag} and {@code Last-Modified}
   * @throws UserException INVALID_ARGUMENT (400, naming {@code Idempotency-Key} when that is at
   *     fault), ALREADY_EXISTS (409)
   */
  @POST
  @Path("users")
  @Consumes({MediaType.APPLICATION_JSON, PROTOBUF})
  @Produces({MediaType.APPLICATION_JSON, PROTOBUF_SECOND})
  @Operation(UserOperation.CREATE)
  public Response create(
      NewUserDto body, @HeaderParam(IDEMPOTENCY_KEY) String requestId, @Context UriInfo uriInfo) {
    User user;
    try {
      user = service.create(DtoMapper.toNewUser(body), requestId);
    } catch (UserException e) {
      // The core names the request id as its API does; the client sent a header.
      throw Problems.renameField(e, "requestId", IDEMPOTENCY_KEY);
    }
    URI location =
        uriInfo.getBaseUriBuilder().path(UserResource.class).path("users").path(user.id()).build();
    return validators(Response.created(location), user).entity(DtoMapper.toDto(user)).build();
  }

  /**
   * {@code GET /api/users/{id}}: reads a user.
   *
   * @param id the user's id
   * @param ifNoneMatch the {@code If-None-Match} header, or null; compared weakly
   * @param ifModifiedSince the {@code If-Modified-Since} header, or null; ignored when {@code
   *     If-None-Match} is present or when it is not an HTTP-date (RFC 9110 section 13.1.3)
   * @param accept the {@code Accept} header, or null: when it leaves no choice (absent, {@code
   *     *}{@code /*} or {@code application/json}) the response says JSON itself and Jersey skips
   *     its per-request negotiation; any other value is negotiated by Jersey as before
   * @return 200 with the user, its {@code ETag} and {@code Last-Modified}, or 304 without a body
   *     when a tag matches or the user did not change after the date
   * @throws UserException NOT_FOUND (404), INVALID_ARGUMENT (400, malformed id)
   */
  @GET
  @Path("users/{id}")
  @Produces({MediaType.APPLICATION_JSON, PROTOBUF_SECOND})
  @Operation(UserOperation.GET)
  public Response get(
      @PathParam("id") String id,
      @HeaderParam(IF_NONE_MATCH) String ifNoneMatch,
      @HeaderParam(IF_MODIFIED_SINCE) String ifModifiedSince,
      @HeaderParam(HttpHeaders.ACCEPT) String accept) {
    User user = service.get(id);
    boolean notModified =
        ifNoneMatch != null
            ? matchesWeakly(EntityTags.parse(IF_NONE_MATCH, ifNoneMatch), user)
            : HttpDates.parse(ifModifiedSince)
                .map(date -> !HttpDates.modifiedSince(user.updateTime(), date))
                .orElse(false);
    if (notModified) {
      return validators(Response.notModified(), user).build();
    }
    if (isPlainJson(accept)) {
      return validators(Response.ok(DtoMapper.toDto(user), MediaType.APPLICATION_JSON_TYPE), user)
          .build();
    }
    return withValidators(user);
  }

  /**
   * Whether an {@code Accept} header leaves JSON as the only answer of a method producing JSON and,
   * second, protobuf: absent, any type, or exactly JSON. Such a request is the common case, and
   * naming the type saves Jersey's negotiation of it (a measurable part of a get, issue #17).
   */
  private static boolean isPlainJson(String accept) {
    return accept == null || accept.equals("*/*") || accept.equals(MediaType.APPLICATION_JSON);
  }

  /**
   * {@code PATCH /api/users/{id}}: changes the members present in an RFC 7396 merge patch; a {@code
   * null} age clears it.
   *
   * @param id the user's id
   * @param patch the merge patch
   * @param ifMatch the {@code If-Match} header: null for an unconditional write (refused with 428
   *     when the feature requires If-Match), {@code *} for "any existing version", or ETags
   * @param ifUnmodifiedSince the {@code If-Unmodified-Since} header: 412 when the user changed
   *     after it; ignored when {@code If-Match} is present or when it is not an HTTP-date
   * @return 200 with the updated user, its new {@code ETag} and {@code Last-Modified}
   * @throws UserException NOT_FOUND (404), INVALID_ARGUMENT (400), ALREADY_EXISTS (409),
   *     PRECONDITION_FAILED (412)
   */
  @PATCH
  @Path("users/{id}")
  @Consumes(MERGE_PATCH_JSON)
  @Produces({MediaType.APPLICATION_JSON, PROTOBUF_SECOND})
  @Operation(UserOperation.UPDATE)
  public Response update(
      @PathParam("id") String id,
      JsonNode patch,
      @HeaderParam(IF_MATCH) String ifMatch,
      @HeaderParam(IF_UNMODIFIED_SINCE) String ifUnmodifiedSince) {
    String expected = expectedEtag(id, ifMatch, ifUnmodifiedSince);
    return withValidators(service.update(id, DtoMapper.toUpdate(patch), expected));
  }

  /**
   * {@code PUT /api/users/{id}}: replaces every writable field; an absent age clears it.
   *
   * @param id the user's id
   * @param body the new content as JSON
   * @param ifMatch the {@code If-Match} header: null for an unconditional write (refused with 428
   *     when the feature requires If-Match), {@code *} for "any existing version", or ETags
   * @param ifUnmodifiedSince the {@code If-Unmodified-Since} header: 412 when the user changed
   *     after it; ignored when {@code If-Match} is present or when it is not an HTTP-date
   * @return 200 with the replaced user, its {@code ETag} and {@code Last-Modified}
   * @throws UserException NOT_FOUND (404), INVALID_ARGUMENT (400), ALREADY_EXISTS (409),
   *     PRECONDITION_FAILED (412)
   */
  @PUT
  @Path("users/{id}")
  @Consumes({MediaType.APPLICATION_JSON, PROTOBUF})
  @Produces({MediaType.APPLICATION_JSON, PROTOBUF_SECOND})
  @Operation(UserOperation.REPLACE)
  public Response replace(
      @PathParam("id") String id,
      NewUserDto body,
      @HeaderParam(IF_MATCH) String ifMatch,
      @HeaderParam(IF_UNMODIFIED_SINCE) String ifUnmodifiedSince) {
    NewUser replacement = DtoMapper.toNewUser(body);
    return withValidators(
        service.replace(id, replacement, expectedEtag(id, ifMatch, ifUnmodifiedSince)));
  }

  /**
   * {@code DELETE /api/users/{id}}: deletes a user; idempotent without {@code If-Match}.
   *
   * @param id the user's id
   * @param ifMatch the {@code If-Match} header: null for an unconditional write (refused with 428
   *     when the feature requires If-Match), {@code *} for "any existing version", or ETags
   * @param ifUnmodifiedSince the {@code If-Unmodified-Since} header: 412 when the user changed
   *     after it; ignored when {@code If-Match} is present or when it is not an HTTP-date
   * @return 204, also when the user did not exist and no ETag was required
   * @throws UserException PRECONDITION_FAILED (412), INVALID_ARGUMENT (400, malformed id)
   */
  @DELETE
  @Path("users/{id}")
  @Operation(UserOperation.DELETE)
  public Response delete(
      @PathParam("id") String id,
      @HeaderParam(IF_MATCH) String ifMatch,
      @HeaderParam(IF_UNMODIFIED_SINCE) String ifUnmodifiedSince) {
    service.delete(id, expectedEtag(id, ifMatch, ifUnmodifiedSince));
    return Response.noContent().build();
  }

  // ---- collections ---------------------------------------------------------------------------

  /**
   * {@code GET /api/users}: one page of matching users in id order. Every parameter is optional.
   *
   * @param pageSize users per page; absent or 0 for the default, larger than the maximum coerced
   * @param pageToken the previous page's {@code nextPageToken}, with the same filter
   * @param email exact email, case-insensitive
   * @param namePrefix case-sensitive name prefix
   * @param minAge smallest age included
   * @param maxAge largest age included
   * @return the page
   * @throws UserException INVALID_ARGUMENT (400) for non-integers, a negative page size, min age
   *     above max age, or a forged or foreign page token; every violation at once
   */
  @GET
  @Path("users")
  @Produces({MediaType.APPLICATION_JSON, PROTOBUF_SECOND})
  @Operation(UserOperation.LIST)
  public PageDto list(
      @QueryParam("pageSize") String pageSize,
      @QueryParam("pageToken") String pageToken,
      @QueryParam("email") String email,
      @QueryParam("namePrefix") String namePrefix,
      @QueryParam("minAge") String minAge,
      @QueryParam("maxAge") String maxAge) {
    List<FieldViolation> violations = new ArrayList<>();
    UserFilter filter = filter(email, namePrefix, minAge, maxAge, violations);
    Integer size = integer("pageSize", pageSize, violations);
    if (!violations.isEmpty()) {
      throw UserException.invalidArgument(violations);
    }
    UserQuery query =
        new UserQuery(filter, size == null ? 0 : size, pageToken == null ? "" : pageToken);
    return DtoMapper.toDto(service.list(query));
  }

  /**
   * {@code GET /api/users:stream}: every matching user as NDJSON, one user per line, written as the
   * store yields them. An error after the first line is written as a final line holding the
   * problem, since the status is already sent.
   *
   * @param email exact email, case-insensitive
   * @param namePrefix case-sensitive name prefix
   * @param minAge smallest age included
   * @param maxAge largest age included
   * @return 200 with the streamed body
   * @throws UserException INVALID_ARGUMENT (400) for an invalid filter, RESOURCE_EXHAUSTED (429)
   *     when too many streams are open
   */
  @GET
  @Path("users:stream")
  @Produces(NDJSON)
  @Operation(UserOperation.STREAM)
  public Response stream(
      @QueryParam("email") String email,
      @QueryParam("namePrefix") String namePrefix,
      @QueryParam("minAge") String minAge,
      @QueryParam("maxAge") String maxAge) {
    BlockingStream<User> users = openStream(email, namePrefix, minAge, maxAge);
    StreamingOutput body = out -> writeNdjson(users, out);
    return Response.ok(body, NDJSON).build();
  }

  /**
   * {@code GET /api/users:stream} with {@code Accept: application/x-protobuf}: every matching user
   * as a length-delimited {@code userapi.v1.User} (a varint length, then the message), written as
   * the store yields them. A failure after the first message cannot be told in this framing: the
   * server then aborts the response, so the client sees a broken body, never a clean end.
   *
   * @param email exact email, case-insensitive
   * @param namePrefix case-sensitive name prefix
   * @param minAge smallest age included
   * @param maxAge largest age included
   * @return 200 with the streamed body
   * @throws UserException INVALID_ARGUMENT (400) for an invalid filter, RESOURCE_EXHAUSTED (429)
   *     when too many streams are open
   */
  @GET
  @Path("users:stream")
  @Produces(PROTOBUF_SECOND)
  @Operation(UserOperation.STREAM)
  public Response streamProtobuf(
      @QueryParam("email") String email,
      @QueryParam("namePrefix") String namePrefix,
      @QueryParam("minAge") String minAge,
      @QueryParam("maxAge") String maxAge) {
    BlockingStream<User> users = openStream(email, namePrefix, minAge, maxAge);
    StreamingOutput body =
        out -> {
          try (users) {
            while (nextOrFlush(users, out)) {
              ProtobufBodies.writeDelimited(users.next(), out);
            }
          }
          out.flush();
        };
    return Response.ok(body, PROTOBUF).build();
  }

  /** The stream of matching users, failing here (with a status code) for an invalid filter. */
  private BlockingStream<User> openStream(
      String email, String namePrefix, String minAge, String maxAge) {
    List<FieldViolation> violations = new ArrayList<>();
    UserFilter filter = filter(email, namePrefix, minAge, maxAge, violations);
    if (!violations.isEmpty()) {
      throw UserException.invalidArgument(violations);
    }
    BlockingStream<User> users = BlockingStream.of(service.stream(filter));
    try {
      // A failure before the first item (an invalid filter) still gets a proper status code.
      users.hasNext();
    } catch (RuntimeException e) {
      users.close();
      throw e;
    }
    return users;
  }

  private void writeNdjson(BlockingStream<User> users, OutputStream out) throws IOException {
    try (users) {
      while (nextOrFlush(users, out)) {
        out.write(mapper.writeValueAsBytes(DtoMapper.toDto(users.next())));
        out.write('\n');
      }
    } catch (UserException e) {
      writeStreamError(out, e);
    } catch (RuntimeException e) {
      Response internal = Problems.internal(e);
      log.debug("stream ended by an internal error, status {}", internal.getStatus());
      writeStreamError(
          out, new UserException(ErrorCode.INTERNAL, "the stream failed; it has been logged"));
    }
    out.flush();
  }

  /**
   * Waits for the next item, flushing what was written before blocking so that a slow source never
   * holds back lines that are ready.
   */
  private static boolean nextOrFlush(BlockingStream<User> users, OutputStream out)
      throws IOException {
    if (!users.awaitNext(Duration.ZERO)) {
      out.flush();
    }
    // Blocks only when nothing was ready; an error of the source (an upstream DEADLINE_EXCEEDED
    // included) is thrown here and written as the stream's last line.
    return users.hasNext();
  }

  private void writeStreamError(OutputStream out, UserException e) throws IOException {
    out.write(mapper.writeValueAsBytes(new StreamErrorDto(Problems.toProblem(e))));
    out.write('\n');
  }

  /**
   * {@code GET /api/users:watch}: change events as Server-Sent Events, each with its sequence as
   * event id, until the client leaves. {@code Last-Event-ID} (sent by a reconnecting {@code
   * EventSource}) wins over {@code afterSequence}; without either, only new changes are sent.
   *
   * @param lastEventId the {@code Last-Event-ID} header, or null
   * @param afterSequence the query parameter to resume after, or null
   * @param sink the client's event sink
   * @param sse the event factory
   * @throws UserException INVALID_ARGUMENT (400) for a non-integer sequence or history the store no
   *     longer retains, RESOURCE_EXHAUSTED (429) when too many watches are open
   */
  @GET
  @Path("users:watch")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @Operation(UserOperation.WATCH)
  public void watch(
      @HeaderParam(LAST_EVENT_ID) String lastEventId,
      @QueryParam("afterSequence") String afterSequence,
      @Context SseEventSink sink,
      @Context Sse sse) {
    long after = UserService.WATCH_FROM_NOW;
    String sentAs = lastEventId != null ? LAST_EVENT_ID : "afterSequence";
    String resumeFrom = lastEventId != null ? lastEventId : afterSequence;
    if (resumeFrom != null && !resumeFrom.isBlank()) {
      try {
        after = Long.parseLong(resumeFrom.trim());
      } catch (NumberFormatException e) {
        throw UserException.invalidArgument(sentAs, "must be an event sequence (an integer)");
      }
    }
    SseWatch watch = new SseWatch(sink, sse, mapper, heartbeats, heartbeatInterval);
    try {
      service.watch(after).subscribe(watch);
      // Throws (before anything was sent) when the service refused the watch at once.
      watch.start();
    } catch (UserException e) {
      // The core names its parameter; the client may have sent the header instead.
      throw Problems.renameField(e, "afterSequence", sentAs);
    }
  }

  /**
   * {@code POST /api/users:batchCreate} with a JSON array: creates each user on its own.
   *
   * @param body a JSON array of new users
   * @return one result per item, in request order: the user or a problem
   * @throws UserException INVALID_ARGUMENT (400) when the body is not a JSON array,
   *     RESOURCE_EXHAUSTED when it has more items than the service allows
   * @throws IOException when the body cannot be read or is not JSON
   */
  @POST
  @Path("users:batchCreate")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces({MediaType.APPLICATION_JSON, PROTOBUF_SECOND})
  @Operation(UserOperation.CREATE_ALL)
  public BatchResultDto batchCreateFromArray(InputStream body) throws IOException {
    JsonNode array = mapper.readTree(body);
    if (array == null || !array.isArray()) {
      throw UserException.invalidArgument("body", "must be a JSON array of users");
    }
    List<JsonNode> items = new ArrayList<>(array.size());
    array.forEach(items::add);
    return batchCreate(items, new ArrayList<>());
  }

  /**
   * {@code POST /api/users:batchCreate} with NDJSON: creates each user on its own; a line that is
   * not JSON fails only its own item. Blank lines are skipped and do not count as items.
   *
   * @param body one new user per line
   * @return one result per item, in request order: the user or a problem
   * @throws UserException RESOURCE_EXHAUSTED when there are more items than the service allows
   * @throws IOException when the body cannot be read
   */
  @POST
  @Path("users:batchCreate")
  @Consumes(NDJSON)
  @Produces({MediaType.APPLICATION_JSON, PROTOBUF_SECOND})
  @Operation(UserOperation.CREATE_ALL)
  public BatchResultDto batchCreateFromLines(InputStream body) throws IOException {
    List<JsonNode> items = new ArrayList<>();
    List<CreateResult> failures = new ArrayList<>();
    BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      if (line.isBlank()) {
        continue;
      }
      try {
        items.add(mapper.readTree(line));
      } catch (JsonProcessingException e) {
        failures.add(CreateResult.failure(items.size(), Problems.fromJson(e)));
        items.add(null);
      }
    }
    return batchCreate(items, failures);
  }

  /**
   * {@code POST /api/users:batchCreate} with {@code application/x-protobuf}: the gRPC
   * BatchCreateUsers request stream as one body, each {@code userapi.v1.BatchCreateUsersRequest}
   * length-delimited (a varint length, then the message), as {@code :stream} sends users. The
   * answer is a {@code BatchCreateUsersResponse} when the client accepts protobuf, JSON otherwise.
   *
   * @param body length-delimited {@code BatchCreateUsersRequest} messages
   * @return one result per item, in request order: the user or a problem
   * @throws UserException INVALID_ARGUMENT (400) when the body is not such a sequence,
   *     RESOURCE_EXHAUSTED when it has more items than the service allows
   * @throws IOException when the body cannot be read
   */
  @POST
  @Path("users:batchCreate")
  @Consumes(PROTOBUF)
  @Produces({MediaType.APPLICATION_JSON, PROTOBUF_SECOND})
  @Operation(UserOperation.CREATE_ALL)
  public BatchResultDto batchCreateFromProtobuf(InputStream body) throws IOException {
    List<JsonNode> items = new ArrayList<>();
    for (NewUserDto item : ProtobufBodies.readBatch(body)) {
      items.add(mapper.valueToTree(item));
    }
    return batchCreate(items, new ArrayList<>());
  }

  /** Converts items (null = already failed in {@code failures}), creates the valid ones. */
  private BatchResultDto batchCreate(List<JsonNode> items, List<CreateResult> failures) {
    CreateResult[] results = new CreateResult[items.size()];
    failures.forEach(f -> results[f.index()] = f);
    List<NewUser> valid = new ArrayList<>();
    List<Integer> validIndexes = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      if (results[i] != null) {
        continue;
      }
      JsonNode item = items.get(i);
      try {
        NewUserDto dto = item.isNull() ? null : mapper.treeToValue(item, NewUserDto.class);
        valid.add(dto == null ? null : DtoMapper.toNewUser(dto));
        validIndexes.add(i);
      } catch (JsonProcessingException e) {
        results[i] = CreateResult.failure(i, Problems.fromJson(e));
      }
    }
    List<CreateResult> created = service.createAll(valid);
    for (CreateResult r : created) {
      int index = validIndexes.get(r.index());
      results[index] =
          r.succeeded()
              ? CreateResult.success(index, r.user())
              : CreateResult.failure(index, r.error());
    }
    List<BatchItemDto> out = Arrays.stream(results).map(DtoMapper::toDto).toList();
    return new BatchResultDto(out);
  }

  // ---- service -------------------------------------------------------------------------------

  /**
   * {@code GET /api/health}: whether the service can take requests.
   *
   * @return 200 with {@code SERVING} or 503 with {@code NOT_SERVING}
   */
  @GET
  @Path("health")
  @PublicEndpoint
  public Response health() {
    HealthStatus status = service.health();
    return Response.status(status == HealthStatus.SERVING ? 200 : 503)
        .entity(new HealthDto(status.name()))
        .build();
  }

  /**
   * {@code GET /api/openapi.yaml}: the OpenAPI 3.1 document of this API.
   *
   * @return 200 with the YAML document, or 404 when the build carries none
   */
  @GET
  @Path("openapi.yaml")
  @Produces({"application/yaml", "text/yaml", MediaType.TEXT_PLAIN})
  @PublicEndpoint
  public Response openApi() {
    InputStream document = UserResource.class.getResourceAsStream("/META-INF/openapi/userapi.yaml");
    if (document == null) {
      throw new StatusException(404, "this build carries no OpenAPI document");
    }
    return Response.ok(document).build();
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static Response withValidators(User user) {
    return validators(Response.ok(DtoMapper.toDto(user)), user).build();
  }

  /** The validators of a user representation: its {@code ETag} and {@code Last-Modified}. */
  private static Response.ResponseBuilder validators(Response.ResponseBuilder response, User user) {
    return response
        .header(HttpHeaders.ETAG, EntityTags.format(user.etag()))
        .header(HttpHeaders.LAST_MODIFIED, HttpDates.format(user.updateTime()));
  }

  private static boolean matchesWeakly(List<String> tags, User user) {
    if (tags == EntityTags.ANY) {
      return true;
    }
    for (String tag : tags) {
      String opaque = tag.startsWith("W/") ? tag.substring(2) : tag;
      if (opaque.equals(user.etag())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The etag a write must match, from {@code If-Match}: null when absent (unless configured to
   * require one: 428), {@code *} means "exists", and a list matches if any strong tag is current.
   * Without {@code If-Match}, a valid {@code If-Unmodified-Since} is checked against the current
   * user (RFC 9110 section 13.2.2), and the write is then made conditional on the version that
   * passed, so that a change in between fails it too and nothing is written.
   */
  private String expectedEtag(String id, String ifMatch, String ifUnmodifiedSince) {
    if (ifMatch == null) {
      if (requireIfMatch) {
        throw new StatusException(
            428, "this server requires If-Match on writes: read the user and send its ETag");
      }
      return HttpDates.parse(ifUnmodifiedSince).map(date -> unmodifiedSince(id, date)).orElse(null);
    }
    List<String> tags = EntityTags.parse(IF_MATCH, ifMatch);
    List<String> strong = tags.stream().filter(t -> !t.startsWith("W/")).toList();
    if (tags == EntityTags.ANY) {
      current(id);
      return null;
    }
    if (strong.isEmpty()) {
      throw UserException.staleEtag(id);
    }
    if (strong.size() == 1) {
      return strong.get(0);
    }
    String current = current(id).etag();
    if (strong.contains(current)) {
      return current;
    }
    throw UserException.staleEtag(id);
  }

  /**
   * The etag of the user when it did not change after {@code date}; null when there is no user (the
   * write then answers as it would without the header: 404, or 204 for a delete).
   */
  private String unmodifiedSince(String id, Instant date) {
    User user;
    try {
      user = service.get(id);
    } catch (UserException e) {
      if (e.code() == ErrorCode.NOT_FOUND) {
        return null;
      }
      throw e;
    }
    if (HttpDates.modifiedSince(user.updateTime(), date)) {
      throw new UserException(
          ErrorCode.PRECONDITION_FAILED,
          "user " + id + " was changed after If-Unmodified-Since; read it again and retry");
    }
    return user.etag();
  }

  /** The user, where "missing" fails the precondition (RFC 9110: If-Match needs a current one). */
  private User current(String id) {
    try {
      return service.get(id);
    } catch (UserException e) {
      if (e.code() == ErrorCode.NOT_FOUND) {
        throw UserException.staleEtag(id);
      }
      throw e;
    }
  }

  private static UserFilter filter(
      String email,
      String namePrefix,
      String minAge,
      String maxAge,
      List<FieldViolation> violations) {
    UserFilter.Builder filter = UserFilter.builder();
    if (email != null && !email.isEmpty()) {
      filter.email(email);
    }
    if (namePrefix != null && !namePrefix.isEmpty()) {
      filter.namePrefix(namePrefix);
    }
    Integer min = integer("minAge", minAge, violations);
    if (min != null) {
      filter.minAge(min);
    }
    Integer max = integer("maxAge", maxAge, violations);
    if (max != null) {
      filter.maxAge(max);
    }
    return filter.build();
  }

  private static Integer integer(String field, String value, List<FieldViolation> violations) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return Integer.valueOf(value.trim());
    } catch (NumberFormatException e) {
      violations.add(new FieldViolation(field, "must be an integer"));
      return null;
    }
  }
}
