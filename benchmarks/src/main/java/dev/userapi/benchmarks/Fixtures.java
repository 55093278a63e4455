package dev.userapi.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.userapi.core.Page;
import dev.userapi.core.User;
import dev.userapi.grpc.internal.ProtoMapper;
import dev.userapi.proto.v1.BatchCreateUserResult;
import dev.userapi.proto.v1.BatchCreateUsersResponse;
import dev.userapi.proto.v1.LookupUsersResponse;
import java.util.List;

/**
 * The pre-built responses the bare baselines return: the same bytes (gRPC) or the same shape and
 * size (REST) as the real service's answers, made once from real users so that a baseline does the
 * transport's work and nothing else.
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

  /** Fixtures modelled on {@code user} and {@code page}. */
  static Fixtures of(User user, Page<User> page, int batchSize) {
    dev.userapi.proto.v1.User proto = ProtoMapper.toProto(user);
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
          ProtoMapper.toProto(page).toByteArray(),
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
