package dev.userapi.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The OpenAPI document parses and documents exactly the routes {@link UserResource} serves. */
class OpenApiDocumentTest {
  private static final Map<Class<? extends Annotation>, PathItem.HttpMethod> METHODS =
      Map.of(
          GET.class, PathItem.HttpMethod.GET,
          POST.class, PathItem.HttpMethod.POST,
          PUT.class, PathItem.HttpMethod.PUT,
          PATCH.class, PathItem.HttpMethod.PATCH,
          DELETE.class, PathItem.HttpMethod.DELETE);

  @Test
  void theDocumentIsValidOpenApi31() throws IOException {
    SwaggerParseResult result = parse();

    assertThat(result.getMessages()).isEmpty();
    assertThat(result.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
  }

  @Test
  void everyResourceMethodIsDocumentedAndNothingElse() throws IOException {
    OpenAPI api = parse().getOpenAPI();

    Set<String> documented = new TreeSet<>();
    api.getPaths()
        .forEach(
            (path, item) ->
                item.readOperationsMap().keySet().forEach(m -> documented.add(m + " " + path)));

    assertThat(documented).isEqualTo(routes());
  }

  @Test
  void everyOperationDocumentsItsErrorsAsProblems() throws IOException {
    OpenAPI api = parse().getOpenAPI();

    api.getPaths()
        .forEach(
            (path, item) ->
                item.readOperationsMap()
                    .forEach(
                        (method, op) -> {
                          if (!path.endsWith("openapi.yaml") && !path.endsWith("health")) {
                            assertThat(op.getResponses())
                                .as(method + " " + path)
                                .containsKey("default");
                          }
                        }));
    assertThat(api.getComponents().getSchemas().get("Problem").getProperties())
        .containsKeys("type", "title", "status", "detail", "code", "errors");
  }

  @Test
  void everyUserOrPageBodyIsAlsoDocumentedAsProtobuf() throws IOException {
    OpenAPI api = parse().getOpenAPI();
    Set<String> userSchemas =
        Set.of(
            "#/components/schemas/User",
            "#/components/schemas/NewUser",
            "#/components/schemas/UserPage");
    List<String> checked = new java.util.ArrayList<>();

    api.getPaths()
        .forEach(
            (path, item) ->
                item.readOperationsMap()
                    .forEach(
                        (method, op) -> {
                          List<io.swagger.v3.oas.models.media.Content> bodies =
                              new java.util.ArrayList<>();
                          if (op.getRequestBody() != null
                              && op.getRequestBody().getContent() != null) {
                            bodies.add(op.getRequestBody().getContent());
                          }
                          op.getResponses()
                              .values()
                              .forEach(
                                  r -> {
                                    if (r.getContent() != null) {
                                      bodies.add(r.getContent());
                                    }
                                  });
                          for (var content : bodies) {
                            var json = content.get("application/json");
                            if (json != null
                                && json.getSchema() != null
                                && json.getSchema().get$ref() != null
                                && userSchemas.contains(json.getSchema().get$ref())) {
                              checked.add(method + " " + path);
                              assertThat(content)
                                  .as(method + " " + path + " " + json.getSchema().get$ref())
                                  .containsKey("application/x-protobuf");
                            }
                          }
                        }));
    assertThat(checked).hasSizeGreaterThanOrEqualTo(6);
  }

  private static Set<String> routes() {
    String root = UserResource.class.getAnnotation(Path.class).value();
    Set<String> routes = new TreeSet<>();
    for (Method method : UserResource.class.getDeclaredMethods()) {
      Path path = method.getAnnotation(Path.class);
      for (Map.Entry<Class<? extends Annotation>, PathItem.HttpMethod> http : METHODS.entrySet()) {
        if (path != null && method.isAnnotationPresent(http.getKey())) {
          routes.add(http.getValue() + " " + root + "/" + path.value());
        }
      }
    }
    return routes;
  }

  private static SwaggerParseResult parse() throws IOException {
    try (InputStream in =
        UserResource.class.getResourceAsStream("/META-INF/openapi/userapi.yaml")) {
      assertThat(in).isNotNull();
      String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new OpenAPIV3Parser().readContents(yaml);
    }
  }
}
