package dev.userapi.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import dev.userapi.core.BlockingStream;
import dev.userapi.core.CreateResult;
import dev.userapi.core.FieldViolation;
import dev.userapi.core.NewUser;
import dev.userapi.core.Page;
import dev.userapi.core.User;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserException;
import dev.userapi.core.UserFilter;
import dev.userapi.core.UserQuery;
import dev.userapi.core.UserUpdate;
import dev.userapi.grpc.GrpcUserClient;
import dev.userapi.grpc.internal.ProtoMapper;
import dev.userapi.proto.v1.BatchCreateUsersResponse;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The scenario of {@code src/test/js/connect-client/scenario.mjs}, step for step, through our own
 * {@link GrpcUserClient}: the reference that the JavaScript clients' lines must equal. Each step
 * prints what the client saw in the script's line format: the response as proto3 JSON (through the
 * gRPC adapter's one {@link ProtoMapper}), or the error as the client's {@link UserException} (the
 * call's status code, message, error code and field violations).
 *
 * <p>Keep the two in step: a step added to one and not the other fails the comparison by name. Not
 * thread-safe; one run per instance.
 */
final class GrpcScenario {
  private static final String UNKNOWN_ID = "00000000-0000-7000-8000-000000000000";
  private static final Duration STREAM_WAIT = Duration.ofSeconds(15);

  private final ObjectMapper json = new ObjectMapper();
  private final JsonFormat.Printer printer =
      JsonFormat.printer()
          .usingTypeRegistry(
              JsonFormat.TypeRegistry.newBuilder()
                  .add(ErrorInfo.getDescriptor())
                  .add(BadRequest.getDescriptor())
                  .build());
  private final List<JsonNode> lines = new ArrayList<>();
  private final String target;
  private final String token;
  private final String readToken;
  private final GrpcUserClient client;

  private GrpcScenario(String target, String token, String readToken) {
    this.target = target;
    this.token = token;
    this.readToken = readToken;
    this.client = connect(token);
  }

  /**
   * Runs the scenario against the gRPC server at {@code target}.
   *
   * @param token the token every call carries (scopes read and write), or null when the server is
   *     open; with a token the authorization steps run last
   * @param readToken a token with the read scope only, used by the authorization steps
   * @return the lines, as the script prints them, ending with {@code {"done": n}}
   */
  static List<JsonNode> run(String target, String token, String readToken) {
    GrpcScenario scenario = new GrpcScenario(target, token, readToken);
    try {
      scenario.steps();
    } finally {
      scenario.client.close();
    }
    scenario.lines.add(scenario.json.createObjectNode().put("done", scenario.lines.size()));
    return scenario.lines;
  }

  private GrpcUserClient connect(String bearerToken) {
    GrpcUserClient.Builder builder =
        GrpcUserClient.builder().target(target).deadline(Duration.ofSeconds(15));
    return bearerToken == null ? builder.build() : builder.bearerToken(bearerToken).build();
  }

  private void steps() {
    User ada =
        user(
            "createAda",
            () -> client.create(NewUser.of("Ada Lovelace", "ada@example.com", 36), null));
    User grace =
        user(
            "createGrace",
            () -> client.create(NewUser.of("Grace Hopper", "Grace@Example.COM", 85), null));
    User alan =
        user(
            "createAlan",
            () -> client.create(NewUser.of("  Alan Turing ", "alan@example.com"), null));
    NewUser barbara = NewUser.of("Barbara Liskov", "barbara@example.com", 86);
    user("createWithRequestId", () -> client.create(barbara, "scenario-request-1"));
    user("createWithRequestIdRetried", () -> client.create(barbara, "scenario-request-1"));
    user(
        "createDuplicateEmail",
        () -> client.create(NewUser.of("Ada Again", "ADA@example.com"), null));
    user("createInvalid", () -> client.create(NewUser.of(" ", "not-an-email", 151), null));

    user("getAda", () -> client.get(ada.id()));
    user("getUnknown", () -> client.get(UNKNOWN_ID));
    user("getMalformedId", () -> client.get("not-an-id"));

    User ada2 =
        user(
            "updateAdaAge",
            () -> client.update(ada.id(), UserUpdate.builder().age(37).build(), ada.etag()));
    user(
        "updateAdaStaleEtag",
        () -> client.update(ada.id(), UserUpdate.builder().name("Ada King").build(), ada.etag()));
    user(
        "updateAdaNameUnconditionally",
        () -> client.update(ada.id(), UserUpdate.builder().name("Ada King").build(), null));
    user(
        "updateClearsAgeAbsentFromUser",
        () -> client.update(ada.id(), UserUpdate.builder().clearAge().build(), null));
    user("updateEmptyMask", () -> client.update(ada.id(), UserUpdate.builder().build(), null));
    user(
        "updateToTakenEmail",
        () ->
            client.update(ada.id(), UserUpdate.builder().email("alan@example.com").build(), null));
    user(
        "updateUnknown",
        () -> client.update(UNKNOWN_ID, UserUpdate.builder().age(1).build(), null));
    user(
        "updateStaleEtagOfVersion2",
        () ->
            client.update(
                ada.id(), UserUpdate.builder().age(50).build(), ada2 == null ? "2" : ada2.etag()));

    user(
        "replaceGrace",
        () ->
            client.replace(
                grace.id(),
                NewUser.of("Grace Brewster Hopper", "grace@example.com"),
                grace.etag()));
    user(
        "replaceGraceStaleEtag",
        () ->
            client.replace(
                grace.id(), NewUser.of("Grace Hopper", "grace@example.com"), grace.etag()));
    user("replaceInvalid", () -> client.replace(grace.id(), NewUser.of("", ""), null));
    user(
        "replaceUnknown",
        () -> client.replace(UNKNOWN_ID, NewUser.of("Nobody", "nobody@example.com"), null));

    String pageToken = "";
    for (int page = 1; page <= 5; page++) {
      UserQuery query = new UserQuery(UserFilter.all(), 2, pageToken);
      Page<User> response = page("listPage" + page, () -> client.list(query));
      pageToken = response == null ? "" : response.nextPageToken();
      if (pageToken.isEmpty()) {
        break;
      }
    }
    page(
        "listFiltered",
        () -> client.list(UserQuery.firstPage(UserFilter.builder().namePrefix("A").build(), 0)));
    page(
        "listByEmail",
        () ->
            client.list(
                UserQuery.firstPage(UserFilter.builder().email("GRACE@example.com").build(), 0)));
    page("listNegativePageSize", () -> client.list(UserQuery.firstPage(-1)));
    page("listForgedPageToken", () -> client.list(new UserQuery(UserFilter.all(), 0, "forged")));

    stream("streamAll", client.stream(UserFilter.all()), ProtoMapper::toProto, users -> false);
    stream(
        "streamFiltered",
        client.stream(UserFilter.builder().minAge(80).maxAge(90).build()),
        ProtoMapper::toProto,
        users -> false);
    stream(
        "streamInvalidFilter",
        client.stream(UserFilter.builder().minAge(50).maxAge(10).build()),
        ProtoMapper::toProto,
        users -> false);

    batch(
        "batchCreate",
        List.of(
            NewUser.of("Edsger Dijkstra", "edsger@example.com", 72),
            NewUser.of("No Email", null),
            NewUser.of("Alan Again", "ALAN@example.com"),
            NewUser.of("Donald Knuth", "donald@example.com")));
    batch("batchCreateEmpty", List.of());

    delete("deleteAlanStaleEtag", () -> client.delete(alan.id(), "7"));
    delete("deleteAlan", () -> client.delete(alan.id(), alan.etag()));
    delete("deleteAlanAgain", () -> client.delete(alan.id(), null));
    delete("deleteUnknownWithEtag", () -> client.delete(UNKNOWN_ID, "1"));
    delete("deleteMalformedId", () -> client.delete("not-an-id", null));
    user("getDeleted", () -> client.get(alan.id()));

    int[] live = {0};
    List<UserEvent> events =
        stream(
            "watchHistoryThenLive",
            client.watch(0),
            ProtoMapper::toProto,
            received -> {
              UserEvent last = received.get(received.size() - 1);
              if (live[0] == 0
                  && last.type() == UserEvent.Type.DELETED
                  && last.user().id().equals(alan.id())) {
                user(
                    "createWhileWatching",
                    () -> client.create(NewUser.of("Live Event", "live@example.com"), null));
                live[0] = received.size() + 1;
              }
              return received.size() == live[0];
            });
    long lastSequence = events.isEmpty() ? 2 : events.get(events.size() - 1).sequence();
    stream(
        "watchAfterSequence",
        client.watch(lastSequence - 2),
        ProtoMapper::toProto,
        received -> received.size() == 2);

    if (token != null) {
      authorization();
    }
  }

  private void authorization() {
    try (GrpcUserClient anonymous = connect(null);
        GrpcUserClient stranger = connect("not-a-token");
        GrpcUserClient reader = connect(readToken)) {
      user("authNoToken", () -> anonymous.get(UNKNOWN_ID));
      user("authUnknownToken", () -> stranger.get(UNKNOWN_ID));
      stream(
          "authNoTokenStream",
          anonymous.stream(UserFilter.all()),
          ProtoMapper::toProto,
          u -> false);
      page("authReaderLists", () -> reader.list(UserQuery.firstPage(1)));
      user(
          "authReaderCannotCreate",
          () -> reader.create(NewUser.of("Mallory", "mallory@example.com"), null));
      delete("authReaderCannotDelete", () -> reader.delete(UNKNOWN_ID, null));
    }
  }

  private User user(String step, Supplier<User> call) {
    return unary(step, call, ProtoMapper::toProto);
  }

  private Page<User> page(String step, Supplier<Page<User>> call) {
    return unary(step, call, ProtoMapper::toProto);
  }

  private void delete(String step, Runnable call) {
    unary(
        step,
        () -> {
          call.run();
          return com.google.protobuf.Empty.getDefaultInstance();
        },
        Function.identity());
  }

  private void batch(String step, List<NewUser> users) {
    unary(
        step,
        () -> client.createAll(users),
        results -> {
          BatchCreateUsersResponse.Builder response = BatchCreateUsersResponse.newBuilder();
          for (CreateResult result : results) {
            response.addResults(ProtoMapper.toProto(result));
            if (result.succeeded()) {
              response.setCreatedCount(response.getCreatedCount() + 1);
            } else {
              response.setFailedCount(response.getFailedCount() + 1);
            }
          }
          return response;
        });
  }

  private <T> T unary(
      String step, Supplier<T> call, Function<T, ? extends MessageOrBuilder> proto) {
    ObjectNode line = json.createObjectNode().put("step", step);
    try {
      T result = call.get();
      line.set("ok", toJson(proto.apply(result)));
      lines.add(line);
      return result;
    } catch (UserException e) {
      line.set("error", error(e));
      lines.add(line);
      return null;
    }
  }

  /** Reads until the end, an error, or {@code enough}; then cancels. */
  private <T> List<T> stream(
      String step,
      Flow.Publisher<T> publisher,
      Function<T, ? extends MessageOrBuilder> proto,
      Predicate<List<T>> enough) {
    ObjectNode line = json.createObjectNode().put("step", step);
    ArrayNode ok = line.putArray("ok");
    List<T> received = new ArrayList<>();
    try (BlockingStream<T> messages = BlockingStream.of(publisher)) {
      while (messages.hasNext(STREAM_WAIT)) {
        T message = messages.next();
        received.add(message);
        ok.add(toJson(proto.apply(message)));
        if (enough.test(received)) {
          break;
        }
      }
    } catch (UserException e) {
      line.set("error", error(e));
    }
    lines.add(line);
    return received;
  }

  private ObjectNode error(UserException e) {
    ObjectNode error = json.createObjectNode();
    error.put("code", wireCode(e).name());
    error.put("message", e.getMessage());
    error.put("reason", e.code().name());
    ArrayNode violations = error.putArray("fieldViolations");
    for (FieldViolation violation : e.violations()) {
      violations
          .addObject()
          .put("field", violation.field())
          .put("description", violation.description());
    }
    return error;
  }

  /** The status code the call ended with, as the client received it. */
  private static Status.Code wireCode(UserException e) {
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof StatusRuntimeException status) {
        return status.getStatus().getCode();
      }
      if (cause instanceof StatusException status) {
        return status.getStatus().getCode();
      }
    }
    throw new AssertionError("GrpcUserClient failed without a gRPC status: " + e, e);
  }

  private JsonNode toJson(MessageOrBuilder message) {
    try {
      return json.readTree(printer.print(message));
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("cannot print " + message, e);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
