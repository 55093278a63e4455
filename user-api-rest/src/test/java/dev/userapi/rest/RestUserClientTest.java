package dev.userapi.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.userapi.core.BlockingStream;
import dev.userapi.core.CreateResult;
import dev.userapi.core.DefaultUserService;
import dev.userapi.core.ErrorCode;
import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.core.UserEvent;
import dev.userapi.core.UserException;
import dev.userapi.core.UserFilter;
import jakarta.ws.rs.container.ContainerRequestFilter;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What {@link RestUserClient} adds beyond the contract: error fidelity, auth, cancellation. */
@Timeout(60)
class RestUserClientTest {
  private TestServer server;
  private RestUserClient client;

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aServerErrorArrivesAsTheSameUserException() throws Exception {
    DefaultUserService core = DefaultUserService.inMemory();
    server = TestServer.start(UserApiFeature.of(core));
    client = RestUserClient.connect(server.baseUri());
    NewUser invalid = new NewUser("", "not-an-email", java.util.OptionalInt.of(-3));

    UserException direct = catchThrowableOfType(UserException.class, () -> core.create(invalid));
    UserException remote = catchThrowableOfType(UserException.class, () -> client.create(invalid));

    assertThat(remote.code()).isEqualTo(direct.code());
    assertThat(remote.getMessage()).isEqualTo(direct.getMessage());
    assertThat(remote.violations()).isEqualTo(direct.violations());
  }

  @Test
  void aBadRequestIdArrivesNamingRequestIdThoughTheWireNamesTheHeader() throws Exception {
    DefaultUserService core = DefaultUserService.inMemory();
    server = TestServer.start(UserApiFeature.of(core));
    client = RestUserClient.connect(server.baseUri());
    NewUser ada = NewUser.of("Ada", "ada@example.com");
    String tooLong = "k".repeat(129);

    UserException direct =
        catchThrowableOfType(UserException.class, () -> core.create(ada, tooLong));
    UserException remote =
        catchThrowableOfType(UserException.class, () -> client.create(ada, tooLong));

    assertThat(remote.violations()).isEqualTo(direct.violations());
    assertThat(remote.getMessage()).isEqualTo(direct.getMessage());
  }

  @Test
  void aProtobufClientSendsAndReceivesTheUserMessages() throws Exception {
    server = TestServer.start(UserApiFeature.of(DefaultUserService.inMemory()));
    client = RestUserClient.builder().baseUri(server.baseUri()).protobuf(true).build();

    User ada = client.create(NewUser.of("Ada", "ada@example.com"));
    User read = client.get(ada.id());
    List<CreateResult> batch =
        client.createAll(
            java.util.Arrays.asList(
                NewUser.of("Grace", "grace@example.com"),
                null,
                NewUser.of("Ada again", "ada@example.com")));
    List<User> all = BlockingStream.toList(client.stream(UserFilter.all()));

    assertThat(read).isEqualTo(ada);
    assertThat(batch).extracting(CreateResult::succeeded).containsExactly(true, false, false);
    assertThat(batch.get(2).error().code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
    assertThat(all).containsExactly(ada, batch.get(0).user());
    assertThat(server.exchanges())
        .filteredOn(e -> e.path().endsWith(":batchCreate"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.headers().getFirst("Content-Type"))
                    .isEqualTo("application/x-protobuf"));
    assertThat(server.exchanges())
        .extracting(e -> e.type() == null ? "" : e.type().toString())
        .allSatisfy(type -> assertThat(type).startsWith("application/x-protobuf"));
  }

  @Test
  void aServerErrorArrivesAsTheSameUserExceptionThroughProtobufToo() throws Exception {
    DefaultUserService core = DefaultUserService.inMemory();
    server = TestServer.start(UserApiFeature.of(core));
    client = RestUserClient.builder().baseUri(server.baseUri()).protobuf(true).build();
    // Blank, not empty: proto3 cannot tell an empty string from an absent one.
    NewUser invalid = new NewUser("   ", "not-an-email", java.util.OptionalInt.of(-3));

    UserException direct = catchThrowableOfType(UserException.class, () -> core.create(invalid));
    UserException remote = catchThrowableOfType(UserException.class, () -> client.create(invalid));

    assertThat(remote.code()).isEqualTo(direct.code());
    assertThat(remote.getMessage()).isEqualTo(direct.getMessage());
    assertThat(remote.violations()).isEqualTo(direct.violations());
    assertThat(server.exchanges())
        .extracting(e -> e.type().toString())
        .containsExactly("application/x-protobuf");
  }

  @Test
  void aServerThatIsNotThereIsUnavailable() throws Exception {
    server = TestServer.start(UserApiFeature.of(DefaultUserService.inMemory()));
    URI gone = server.baseUri();
    server.close();
    server = null;
    client = RestUserClient.connect(gone);

    UserException e = catchThrowableOfType(UserException.class, () -> client.get("x"));

    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
  }

  @Test
  void aServerSlowerThanTheReadTimeoutIsDeadlineExceeded() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server =
        TestServer.start(
            UserApiFeature.of(
                new DelegatingUserService(DefaultUserService.inMemory()) {
                  @Override
                  public User get(String id) {
                    try {
                      release.await();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                    throw UserException.notFound(id);
                  }
                }));
    client =
        RestUserClient.builder()
            .baseUri(server.baseUri())
            .readTimeout(Duration.ofMillis(200))
            .build();

    try {
      UserException e = catchThrowableOfType(UserException.class, () -> client.get("x"));

      assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
    } finally {
      release.countDown();
    }
  }

  @Test
  void compressedResponsesAreAskedForAndDecoded() throws Exception {
    server = TestServer.start(UserApiFeature.of(DefaultUserService.inMemory()), new Gzipper());
    client =
        RestUserClient.builder().baseUri(server.baseUri()).acceptCompressedResponses(true).build();

    User ada = client.create(NewUser.of("Ada", "ada@example.com"));

    assertThat(client.get(ada.id())).isEqualTo(ada);
    assertThat(BlockingStream.toList(client.stream(UserFilter.all()))).containsExactly(ada);
    // The server really compressed: what a plain client asking for gzip receives.
    java.net.http.HttpResponse<byte[]> raw =
        java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .build()
            .send(
                java.net.http.HttpRequest.newBuilder(server.uri("api/users/" + ada.id()))
                    .header("Accept-Encoding", "gzip")
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertThat(raw.headers().firstValue("Content-Encoding")).hasValue("gzip");
  }

  /** Compresses every response body for clients that accept gzip. */
  private static final class Gzipper implements jakarta.ws.rs.ext.WriterInterceptor {
    @jakarta.ws.rs.core.Context private jakarta.ws.rs.core.HttpHeaders requestHeaders;

    @Override
    public void aroundWriteTo(jakarta.ws.rs.ext.WriterInterceptorContext context)
        throws java.io.IOException {
      String accepted = requestHeaders.getHeaderString("Accept-Encoding");
      if (accepted == null || !accepted.contains("gzip")) {
        context.proceed();
        return;
      }
      context.getHeaders().putSingle("Content-Encoding", "gzip");
      java.util.zip.GZIPOutputStream gzip =
          new java.util.zip.GZIPOutputStream(context.getOutputStream(), true);
      context.setOutputStream(gzip);
      context.proceed();
      gzip.finish();
    }
  }

  @Test
  void theBearerTokenIsSentOnEveryRequest() throws Exception {
    List<String> authorizations = new CopyOnWriteArrayList<>();
    ContainerRequestFilter recorder =
        request -> authorizations.add(String.valueOf(request.getHeaderString("Authorization")));
    server = TestServer.start(UserApiFeature.of(DefaultUserService.inMemory()), recorder);
    client = RestUserClient.builder().baseUri(server.baseUri()).bearerToken("s3cret").build();

    User ada = client.create(NewUser.of("Ada", "ada@example.com"));
    client.get(ada.id());
    BlockingStream.toList(client.stream(UserFilter.all()));

    assertThat(authorizations).hasSize(3).containsOnly("Bearer s3cret");
  }

  @Test
  void cancellingAWatchEndsItOnTheServer() throws Exception {
    DefaultUserService core = DefaultUserService.inMemory();
    WatchCancelRecorder observed = new WatchCancelRecorder(core);
    server = TestServer.start(UserApiFeature.of(observed));
    client = RestUserClient.connect(server.baseUri());
    core.create(NewUser.of("Ada", "ada@example.com"));

    try (BlockingStream<UserEvent> events = BlockingStream.of(client.watch(0), 1)) {
      assertThat(events.hasNext(Duration.ofSeconds(20))).isTrue();
      assertThat(events.next().user().name()).isEqualTo("Ada");
    }

    // The server learns that the client left when it next writes to the connection.
    AtomicInteger n = new AtomicInteger();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              core.create(NewUser.of("u" + n.incrementAndGet(), "u" + n.get() + "@example.com"));
              return observed.cancelled.getCount() == 0;
            });
  }

  @Test
  void streamReadsLazilyAndCancelsMidway() throws Exception {
    DefaultUserService core = DefaultUserService.inMemory();
    for (int i = 0; i < 2000; i++) {
      core.create(NewUser.of("user" + i, "u" + i + "@example.com"));
    }
    server = TestServer.start(UserApiFeature.of(core));
    client = RestUserClient.connect(server.baseUri());

    try (BlockingStream<User> users = BlockingStream.of(client.stream(UserFilter.all()), 4)) {
      assertThat(users.next().name()).isEqualTo("user0");
      assertThat(users.next().name()).isEqualTo("user1");
    }
    // The client is still usable after a cancelled stream.
    assertThat(client.list(dev.userapi.core.UserQuery.firstPage(1)).items()).hasSize(1);
  }
}
