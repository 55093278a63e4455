// A third-party client of userapi.v1.UserService: connect-es on Node, with the transport named on
// the command line. It runs one fixed scenario (every unary and server-streaming method, the
// client-streaming BatchCreateUsers, and the errors with their details) and prints one JSON line
// per step to stdout:
//
//   {"step":"<name>","ok":<the response as proto3 JSON>}
//   {"step":"<name>","error":{"code":"ABORTED","message":"…","reason":"PRECONDITION_FAILED","fieldViolations":[…]}}
//   a server stream that fails after some messages has both "ok" (the messages) and "error".
//
// then {"done":<number of steps>}. ConnectNodeClientsTest runs the same scenario through
// dev.userapi.grpc.GrpcUserClient on a server of its own and asserts that the lines are equal (ids
// and page tokens compared by position, not value). Diagnostics go to stderr; the exit code is 0
// unless the scenario itself could not run.
//
// Usage (in a directory where `npm ci` ran and gen/ holds the code buf generate made):
//   node scenario.mjs --transport grpc --url http://127.0.0.1:9090
//   node scenario.mjs --transport connect --format json --http 1.1 --url http://127.0.0.1:8080
//   … [--token <users.read,users.write token> --read-token <users.read token>]
//
// --transport grpc | grpc-web | connect; --format proto (default) | json; --http 2 (default) | 1.1.
// With --token every call carries it, and the scenario ends with the authorization checks
// (no token, an unknown token, a read-only token writing).

import { parseArgs } from "node:util";
import { createRegistry, toJson } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import {
  BatchCreateUsersResponseSchema,
  ListUsersResponseSchema,
  UserEventSchema,
  UserEvent_Type,
  UserSchema,
  UserService,
} from "./gen/userapi/v1/user_service_pb.js";
import { BadRequestSchema, ErrorInfoSchema } from "./gen/google/rpc/error_details_pb.js";

const DOMAIN = "userapi.dev";
// Each call gets this long; the test's own timeout on the process is longer.
const CALL_TIMEOUT_MS = 15_000;
// A well-formed id no user has.
const UNKNOWN_ID = "00000000-0000-7000-8000-000000000000";

const { values: args } = parseArgs({
  options: {
    transport: { type: "string" },
    url: { type: "string" },
    format: { type: "string", default: "proto" },
    http: { type: "string", default: "2" },
    token: { type: "string" },
    "read-token": { type: "string" },
  },
});
if (!args.transport || !args.url) {
  console.error("usage: node scenario.mjs --transport grpc|grpc-web|connect --url <base URL> …");
  process.exit(2);
}

// The types that travel in google.protobuf.Any (the details of a per-item google.rpc.Status in
// BatchCreateUsersResponse): proto3 JSON names them by "@type", so reading such a response as JSON
// (Connect JSON) and printing any response needs them registered.
const registry = createRegistry(ErrorInfoSchema, BadRequestSchema);

function transportFor(headers) {
  const options = {
    baseUrl: args.url,
    httpVersion: args.http,
    useBinaryFormat: args.format !== "json",
    jsonOptions: { registry },
    defaultTimeoutMs: CALL_TIMEOUT_MS,
    interceptors: [
      (next) => (req) => {
        for (const [name, value] of Object.entries(headers)) {
          req.header.set(name, value);
        }
        return next(req);
      },
    ],
  };
  switch (args.transport) {
    case "grpc":
      return createGrpcTransport(options);
    case "grpc-web":
      return createGrpcWebTransport(options);
    case "connect":
      return createConnectTransport(options);
    default:
      throw new Error(`unknown transport ${args.transport}`);
  }
}

function bearer(token) {
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

const client = createClient(UserService, transportFor(bearer(args.token)));
let steps = 0;

function emit(line) {
  steps++;
  process.stdout.write(JSON.stringify(line) + "\n");
}

// The error as GrpcUserClient turns it into a UserException: the status code, the message, the
// ErrorInfo reason of our domain and the BadRequest field violations.
function describe(error) {
  const e = ConnectError.from(error);
  const info = e.findDetails(ErrorInfoSchema).find((i) => i.domain === DOMAIN);
  const violations = e
    .findDetails(BadRequestSchema)
    .flatMap((b) => b.fieldViolations)
    .map((v) => ({ field: v.field, description: v.description }));
  if (e.code === Code.Unknown || e.code === Code.Internal || e.code === Code.Unimplemented) {
    console.error(`after step ${steps}: ${Code[e.code]} ${e.rawMessage}`, e.cause ?? "");
  }
  return {
    code: Code[e.code].replace(/[A-Z]/g, (c, i) => (i === 0 ? c : "_" + c)).toUpperCase(),
    message: e.rawMessage,
    reason: info?.reason ?? null,
    fieldViolations: violations,
  };
}

async function unary(step, schema, call) {
  try {
    const response = await call();
    emit({ step, ok: toJson(schema, response, { registry }) });
    return response;
  } catch (error) {
    emit({ step, error: describe(error) });
    return undefined;
  }
}

// Reads a server stream to its end, or until `enough(messages)` says so, then cancels it.
async function serverStream(step, schema, open, enough = () => false) {
  const received = [];
  const abort = new AbortController();
  let error;
  try {
    for await (const message of open(abort.signal)) {
      received.push(message);
      if (await enough(received)) {
        break;
      }
    }
  } catch (e) {
    error = e;
  } finally {
    abort.abort();
  }
  const line = { step, ok: received.map((m) => toJson(schema, m, { registry })) };
  if (error !== undefined) {
    line.error = describe(error);
  }
  emit(line);
  return received;
}

async function deleteUser(step, request, caller = client) {
  try {
    await caller.deleteUser(request);
    emit({ step, ok: {} });
  } catch (error) {
    emit({ step, error: describe(error) });
  }
}

async function run() {
  // Create: three users, one without an age; an idempotent retry with a request id.
  const ada = await unary("createAda", UserSchema, () =>
    client.createUser({ user: { name: "Ada Lovelace", email: "ada@example.com", age: 36 } }),
  );
  const grace = await unary("createGrace", UserSchema, () =>
    client.createUser({ user: { name: "Grace Hopper", email: "Grace@Example.COM", age: 85 } }),
  );
  const alan = await unary("createAlan", UserSchema, () =>
    client.createUser({ user: { name: "  Alan Turing ", email: "alan@example.com" } }),
  );
  await unary("createWithRequestId", UserSchema, () =>
    client.createUser({
      user: { name: "Barbara Liskov", email: "barbara@example.com", age: 86 },
      requestId: "scenario-request-1",
    }),
  );
  await unary("createWithRequestIdRetried", UserSchema, () =>
    client.createUser({
      user: { name: "Barbara Liskov", email: "barbara@example.com", age: 86 },
      requestId: "scenario-request-1",
    }),
  );
  await unary("createDuplicateEmail", UserSchema, () =>
    client.createUser({ user: { name: "Ada Again", email: "ADA@example.com" } }),
  );
  await unary("createInvalid", UserSchema, () =>
    client.createUser({ user: { name: " ", email: "not-an-email", age: 151 } }),
  );

  // Get.
  await unary("getAda", UserSchema, () => client.getUser({ id: ada.id }));
  await unary("getUnknown", UserSchema, () => client.getUser({ id: UNKNOWN_ID }));
  await unary("getMalformedId", UserSchema, () => client.getUser({ id: "not-an-id" }));

  // Update with a field mask, conditional on the etag; a stale etag is ABORTED.
  const ada2 = await unary("updateAdaAge", UserSchema, () =>
    client.updateUser({
      user: { id: ada.id, age: 37, etag: ada.etag },
      updateMask: { paths: ["age"] },
    }),
  );
  await unary("updateAdaStaleEtag", UserSchema, () =>
    client.updateUser({
      user: { id: ada.id, name: "Ada King", etag: ada.etag },
      updateMask: { paths: ["name"] },
    }),
  );
  await unary("updateAdaNameUnconditionally", UserSchema, () =>
    client.updateUser({ user: { id: ada.id, name: "Ada King" }, updateMask: { paths: ["name"] } }),
  );
  await unary("updateClearsAgeAbsentFromUser", UserSchema, () =>
    client.updateUser({ user: { id: ada.id }, updateMask: { paths: ["age"] } }),
  );
  await unary("updateEmptyMask", UserSchema, () =>
    client.updateUser({ user: { id: ada.id }, updateMask: { paths: [] } }),
  );
  await unary("updateToTakenEmail", UserSchema, () =>
    client.updateUser({
      user: { id: ada.id, email: "alan@example.com" },
      updateMask: { paths: ["email"] },
    }),
  );
  await unary("updateUnknown", UserSchema, () =>
    client.updateUser({ user: { id: UNKNOWN_ID, age: 1 }, updateMask: { paths: ["age"] } }),
  );
  await unary("updateStaleEtagOfVersion2", UserSchema, () =>
    client.updateUser({
      user: { id: ada.id, age: 50, etag: ada2?.etag ?? "2" },
      updateMask: { paths: ["age"] },
    }),
  );

  // Replace: every writable field, an absent age clears it; conditional on the etag.
  await unary("replaceGrace", UserSchema, () =>
    client.replaceUser({
      user: { id: grace.id, name: "Grace Brewster Hopper", email: "grace@example.com", etag: grace.etag },
    }),
  );
  await unary("replaceGraceStaleEtag", UserSchema, () =>
    client.replaceUser({
      user: { id: grace.id, name: "Grace Hopper", email: "grace@example.com", etag: grace.etag },
    }),
  );
  await unary("replaceInvalid", UserSchema, () =>
    client.replaceUser({ user: { id: grace.id, name: "", email: "" } }),
  );
  await unary("replaceUnknown", UserSchema, () =>
    client.replaceUser({ user: { id: UNKNOWN_ID, name: "Nobody", email: "nobody@example.com" } }),
  );

  // List: pages of two, followed to the end; a filter; an invalid page size and token.
  let pageToken = "";
  for (let page = 1; page <= 5; page++) {
    const response = await unary(`listPage${page}`, ListUsersResponseSchema, () =>
      client.listUsers({ pageSize: 2, pageToken }),
    );
    pageToken = response?.nextPageToken ?? "";
    if (pageToken === "") {
      break;
    }
  }
  await unary("listFiltered", ListUsersResponseSchema, () =>
    client.listUsers({ filter: { namePrefix: "A" } }),
  );
  await unary("listByEmail", ListUsersResponseSchema, () =>
    client.listUsers({ filter: { email: "GRACE@example.com" } }),
  );
  await unary("listNegativePageSize", ListUsersResponseSchema, () =>
    client.listUsers({ pageSize: -1 }),
  );
  await unary("listForgedPageToken", ListUsersResponseSchema, () =>
    client.listUsers({ pageToken: "forged" }),
  );

  // Stream: everyone, a filter, an invalid filter.
  await serverStream("streamAll", UserSchema, (signal) => client.streamUsers({}, { signal }));
  await serverStream("streamFiltered", UserSchema, (signal) =>
    client.streamUsers({ filter: { minAge: 80, maxAge: 90 } }, { signal }),
  );
  await serverStream("streamInvalidFilter", UserSchema, (signal) =>
    client.streamUsers({ filter: { minAge: 50, maxAge: 10 } }, { signal }),
  );

  // Bulk create (client streaming): each item succeeds or fails on its own.
  await unary("batchCreate", BatchCreateUsersResponseSchema, () =>
    client.batchCreateUsers(
      (async function* () {
        yield { user: { name: "Edsger Dijkstra", email: "edsger@example.com", age: 72 } };
        yield { user: { name: "No Email" } };
        yield { user: { name: "Alan Again", email: "ALAN@example.com" } };
        yield { user: { name: "Donald Knuth", email: "donald@example.com" } };
      })(),
    ),
  );
  await unary("batchCreateEmpty", BatchCreateUsersResponseSchema, () =>
    client.batchCreateUsers((async function* () {})()),
  );

  // Delete: a stale etag is ABORTED, then deleted, then deleted again (idempotent).
  await deleteUser("deleteAlanStaleEtag", { id: alan.id, etag: "7" });
  await deleteUser("deleteAlan", { id: alan.id, etag: alan.etag });
  await deleteUser("deleteAlanAgain", { id: alan.id });
  await deleteUser("deleteUnknownWithEtag", { id: UNKNOWN_ID, etag: "1" });
  await deleteUser("deleteMalformedId", { id: "not-an-id" });
  await unary("getDeleted", UserSchema, () => client.getUser({ id: alan.id }));

  // Watch: the history from the start up to the deletion of Alan (the last change above), then
  // one live change made while the watch is open; then a replay of the last two events.
  let live = 0;
  const events = await serverStream(
    "watchHistoryThenLive",
    UserEventSchema,
    (signal) => client.watchUsers({ afterSequence: 0n }, { signal }),
    async (received) => {
      const last = received[received.length - 1];
      if (live === 0 && last.type === UserEvent_Type.DELETED && last.user?.id === alan.id) {
        await unary("createWhileWatching", UserSchema, () =>
          client.createUser({ user: { name: "Live Event", email: "live@example.com" } }),
        );
        live = received.length + 1;
      }
      return received.length === live;
    },
  );
  const lastSequence = events.length > 0 ? events[events.length - 1].sequence : 2n;
  await serverStream(
    "watchAfterSequence",
    UserEventSchema,
    (signal) => client.watchUsers({ afterSequence: lastSequence - 2n }, { signal }),
    (received) => received.length === 2,
  );

  if (args.token !== undefined) {
    await authorization();
  }
}

async function authorization() {
  const anonymous = createClient(UserService, transportFor({}));
  const stranger = createClient(UserService, transportFor(bearer("not-a-token")));
  const reader = createClient(UserService, transportFor(bearer(args["read-token"])));
  await unary("authNoToken", UserSchema, () => anonymous.getUser({ id: UNKNOWN_ID }));
  await unary("authUnknownToken", UserSchema, () => stranger.getUser({ id: UNKNOWN_ID }));
  await serverStream("authNoTokenStream", UserSchema, (signal) =>
    anonymous.streamUsers({}, { signal }),
  );
  await unary("authReaderLists", ListUsersResponseSchema, () =>
    reader.listUsers({ pageSize: 1 }),
  );
  await unary("authReaderCannotCreate", UserSchema, () =>
    reader.createUser({ user: { name: "Mallory", email: "mallory@example.com" } }),
  );
  await deleteUser("authReaderCannotDelete", { id: UNKNOWN_ID }, reader);
}

try {
  await run();
  // Exit at once: connect-es keeps the deadline timers of the streams the scenario cancelled,
  // which would hold the process open for up to CALL_TIMEOUT_MS after the last step.
  process.stdout.write(JSON.stringify({ done: steps }) + "\n", () => process.exit(0));
} catch (error) {
  console.error("scenario aborted:", error);
  process.exit(1);
}
