package dev.userapi.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.jakarta.rs.json.JacksonJsonProvider;
import dev.userapi.core.DefaultUserService;
import dev.userapi.rest.internal.DtoJsonWriter;
import dev.userapi.rest.internal.DtoMapper;
import dev.userapi.rest.internal.Dtos;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Providers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The API's JSON documents are written by {@link DtoJsonWriter}, byte for byte as Jackson's JAX-RS
 * provider writes them, and Jersey picks it for them (and only for them) in a real application.
 */
class DtoJsonWriterTest {
  private static final Annotation[] NONE = new Annotation[0];
  private static final MediaType UTF_16_JSON = MediaType.valueOf("application/json;charset=UTF-16");

  private final ObjectMapper mapper = DtoMapper.newObjectMapper();

  /** Asks the application's providers which writer they pick for a type and a media type. */
  @Path("/which-writer")
  public static final class WhichWriter {
    @Context Providers providers;

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String which(@QueryParam("type") String type, @QueryParam("media") String media)
        throws ClassNotFoundException {
      Class<?> cls = Class.forName(type);
      MessageBodyWriter<?> writer =
          providers.getMessageBodyWriter(cls, cls, NONE, MediaType.valueOf(media));
      return writer == null ? "none" : writer.getClass().getName();
    }
  }

  static List<Record> documents() {
    Dtos.UserDto full =
        new Dtos.UserDto(
            "0190f5a2-7c3e-7d11-8c2b-4f6a1e2d3c4b",
            "Ada \"the first\" Lovelace \u00e9\u6f22\ud83d\ude00",
            "ada@example.com",
            36,
            "2026-11-30T23:05:07.123Z",
            "2026-11-30T23:05:07.123456Z",
            "\"v1\"");
    Dtos.UserDto noAge =
        new Dtos.UserDto("id-2", "Bob", "bob@example.com", null, "t1", "t2", "\"v2\"");
    Dtos.ProblemDto problem =
        new Dtos.ProblemDto(
            "https://userapi.dev/problems/invalid-argument",
            "Invalid argument",
            400,
            "3 fields are invalid",
            "INVALID_ARGUMENT",
            List.of(new Dtos.ViolationDto("email", "is not an email address")));
    Dtos.ProblemDto bare = new Dtos.ProblemDto("about:blank", "Not Found", 404, null, null, null);
    return List.of(
        full,
        noAge,
        new Dtos.PageDto(List.of(full, noAge), "next"),
        new Dtos.PageDto(List.of(), null),
        problem,
        bare,
        new Dtos.EventDto(7, "CREATED", full),
        new Dtos.BatchResultDto(
            List.of(new Dtos.BatchItemDto(0, full, null), new Dtos.BatchItemDto(1, null, problem))),
        new Dtos.HealthDto("SERVING"),
        new Dtos.StreamErrorDto(bare),
        new Dtos.NewUserDto("Cy", "cy@example.com", null));
  }

  @Test
  void writesTheBytesJacksonsProviderWrites() throws IOException {
    DtoJsonWriter ours = new DtoJsonWriter(mapper);
    JacksonJsonProvider jackson = new JacksonJsonProvider(mapper);
    for (Record document : documents()) {
      for (MediaType media :
          List.of(
              MediaType.APPLICATION_JSON_TYPE,
              MediaType.valueOf("application/problem+json"),
              MediaType.valueOf("application/json;charset=utf-8"))) {
        assertThat(ours.isWriteable(document.getClass(), document.getClass(), NONE, media))
            .as("%s as %s", document.getClass().getSimpleName(), media)
            .isTrue();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        jackson.writeTo(
            document,
            document.getClass(),
            document.getClass(),
            NONE,
            media,
            new MultivaluedHashMap<>(),
            expected);
        ByteArrayOutputStream actual = new ByteArrayOutputStream();
        ours.writeTo(
            document,
            document.getClass(),
            document.getClass(),
            NONE,
            media,
            new MultivaluedHashMap<>(),
            actual);
        assertThat(actual.toString(StandardCharsets.UTF_8))
            .as("%s as %s", document, media)
            .isEqualTo(expected.toString(StandardCharsets.UTF_8));
        assertThat(actual.toByteArray()).isEqualTo(expected.toByteArray());
      }
    }
  }

  @Test
  void leavesOtherTypesAndCharsetsToJackson() {
    DtoJsonWriter ours = new DtoJsonWriter(mapper);
    Dtos.HealthDto health = new Dtos.HealthDto("SERVING");
    assertThat(ours.isWriteable(Dtos.HealthDto.class, Dtos.HealthDto.class, NONE, UTF_16_JSON))
        .isFalse();
    assertThat(
            ours.isWriteable(
                Dtos.HealthDto.class, Dtos.HealthDto.class, NONE, MediaType.TEXT_PLAIN_TYPE))
        .isFalse();
    assertThat(
            ours.isWriteable(
                Dtos.HealthDto.class, Dtos.HealthDto.class, NONE, MediaType.WILDCARD_TYPE))
        .isFalse();
    record Foreign(String status) {}
    assertThat(
            ours.isWriteable(Foreign.class, Foreign.class, NONE, MediaType.APPLICATION_JSON_TYPE))
        .isFalse();
    assertThat(health.status()).isEqualTo("SERVING");
  }

  @Test
  void jerseyPicksItForTheApisDocumentsOnly() throws Exception {
    try (TestServer server =
        TestServer.start(UserApiFeature.of(DefaultUserService.inMemory()), WhichWriter.class)) {
      HttpClient http = HttpClient.newHttpClient();
      for (Record document : documents()) {
        for (String media : List.of("application/json", "application/problem+json")) {
          assertThat(which(http, server, document.getClass(), media))
              .as("%s as %s", document.getClass().getSimpleName(), media)
              .isEqualTo(DtoJsonWriter.class.getName());
        }
        // Jackson's provider: ours, or the one Jersey's Jackson module registers by itself.
        assertThat(which(http, server, document.getClass(), UTF_16_JSON.toString()))
            .contains(".jackson.")
            .isNotEqualTo(DtoJsonWriter.class.getName());
      }
      // An application's own type still goes to Jackson's provider.
      assertThat(which(http, server, java.util.LinkedHashMap.class, "application/json"))
          .contains(".jackson.")
          .isNotEqualTo(DtoJsonWriter.class.getName());
    }
  }

  private static String which(HttpClient http, TestServer server, Class<?> type, String media)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    server.uri(
                        "which-writer?type="
                            + type.getName()
                            + "&media="
                            + java.net.URLEncoder.encode(media, StandardCharsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }
}
