package dev.userapi.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.userapi.core.Page;
import dev.userapi.core.User;
import dev.userapi.core.UserQuery;
import dev.userapi.core.UserService;
import dev.userapi.grpc.UserGrpcService;
import dev.userapi.proto.v1.BatchCreateUserResult;
import dev.userapi.proto.v1.BatchCreateUsersResponse;
import dev.userapi.proto.v1.GetUserRequest;
import dev.userapi.proto.v1.ListUsersRequest;
import dev.userapi.proto.v1.ListUsersResponse;
import dev.userapi.proto.v1.LookupUsersResponse;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The pre-built responses the bare baselines return: the same bytes (gRPC) or the same shape and
 * size (REST) as the real service's answers, made once from real users so that a baseline does the
 * transport's work and nothing else. The protobuf messages are the real {@link UserGrpcService}'s
 * answers, asked for in-process before the servers start.
 *
 * @param userProto a GetUser response
 * @param pageProto a ListUsers response with one page
 * @param lookupProto one LookupUsers answer
 * @param batchProto a BatchCreateUsers response for {@code batchSize} users
 * @param userJson a user as REST JSON
 * @param pageJson a page as REST JSON
 * @param userLine a user as one NDJSON line (with its newline)
 * @param batchJson a batch-create result for {@code batchSize} users as REST JSON
 * @param batchSize how many items the batch responses describe
 */
record Fixtures(
    byte[] userProto,
    byte[] pageProto,
    byte[] lookupProto,
    byte[] batchProto,
    byte[] userJson,
    byte[] pageJson,
    byte[] userLine,
    byte[] batchJson,
    int batchSize) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Fixtures modelled on the user {@code id} of {@code users} and their first page of {@code
   * pageSize}.
   */
  static Fixtures of(UserService users, String id, int pageSize, int batchSize) {
    User user = users.get(id);
    Page<User> page = users.list(UserQuery.firstPage(pageSize));
    UserGrpcService grpc = UserGrpcService.of(users);
    dev.userapi.proto.v1.User proto =
        answer(out -> grpc.getUser(GetUserRequest.newBuilder().setId(id).build(), out));
    ListUsersResponse pageProto =
        answer(
            out ->
                grpc.listUsers(ListUsersRequest.newBuilder().setPageSize(pageSize).build(), out));
    BatchCreateUsersResponse.Builder batch =
        BatchCreateUsersResponse.newBuilder().setCreatedCount(batchSize);
    ArrayNode batchItems = JSON.createArrayNode();
    for (int i = 0; i < batchSize; i++) {
      batch.addResults(BatchCreateUserResult.newBuilder().setIndex(i).setUser(proto));
      batchItems.addObject().put("index", i).set("user", json(user));
    }
    ObjectNode batchJson = JSON.createObjectNode();
    batchJson.set("results", batchItems);
    try {
      return new Fixtures(
          proto.toByteArray(),
          pageProto.toByteArray(),
          LookupUsersResponse.newBuilder().setId(user.id()).setUser(proto).build().toByteArray(),
          batch.build().toByteArray(),
          JSON.writeValueAsBytes(json(user)),
          JSON.writeValueAsBytes(json(page)),
          (JSON.writeValueAsString(json(user)) + "\n")
              .getBytes(java.nio.charset.StandardCharsets.UTF_8),
          JSON.writeValueAsBytes(batchJson),
          batchSize);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The one answer of a unary call of the in-process service, which answers before returning. */
  private static <T> T answer(Consumer<StreamObserver<T>> call) {
    AtomicReference<T> value = new AtomicReference<>();
    AtomicReference<Throwable> error = new AtomicReference<>();
    call.accept(
        new StreamObserver<>() {
          @Override
          public void onNext(T next) {
            value.set(next);
          }

          @Override
          public void onError(Throwable t) {
            error.set(t);
          }

          @Override
          public void onCompleted() {}
        });
    if (error.get() != null || value.get() == null) {
      throw new IllegalStateException("the gRPC service gave no answer", error.get());
    }
    return value.get();
  }

  /** Replaces the REST fixtures by the bytes the real REST service answered with. */
  Fixtures withRestBodies(byte[] realUserJson, byte[] realPageJson) {
    return new Fixtures(
        userProto,
        pageProto,
        lookupProto,
        batchProto,
        realUserJson,
        realPageJson,
        userLine,
        batchJson,
        batchSize);
  }

  /** The REST JSON shape of a user (the proto JSON names, as DESIGN.md fixes them). */
  static ObjectNode json(User user) {
    ObjectNode node =
        JSON.createObjectNode()
            .put("id", user.id())
            .put("name", user.name())
            .put("email", user.email());
    user.age().ifPresent(age -> node.put("age", age));
    return node.put("createTime", user.createTime().toString())
        .put("updateTime", user.updateTime().toString())
        .put("etag", user.etag());
  }

  static ObjectNode json(Page<User> page) {
    ObjectNode node = JSON.createObjectNode();
    ArrayNode users = node.putArray("users");
    List<User> items = page.items();
    items.forEach(u -> users.add(json(u)));
    return node.put("nextPageToken", page.nextPageToken());
  }
}
