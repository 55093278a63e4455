package dev.userapi.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.userapi.rest.WireRecorder.Exchange;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Holds recorded exchanges against the OpenAPI document: the status must be documented for the
 * operation (or fall under {@code default}), every required response header must be present and
 * every documented header must match its schema, a body must have a documented media type, and a
 * JSON body (each line of an NDJSON one) must validate against the documented JSON Schema 2020-12.
 * Exchanges on paths the document does not describe (an embedder's resources, a 404 for an unknown
 * path) are not the API's and are left alone.
 */
final class OpenApiConformance {
  private static final ObjectMapper json = new ObjectMapper();
  private static final OpenApiConformance SERVED = new OpenApiConformance(servedDocument());

  private final JsonNode document;
  private final SchemaRegistry registry =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private final Map<JsonNode, Schema> schemas = new IdentityHashMap<>();
  private final Map<Pattern, JsonNode> paths = new java.util.LinkedHashMap<>();

  OpenApiConformance(JsonNode document) {
    this.document = document;
    document
        .get("paths")
        .fields()
        .forEachRemaining(
            path -> paths.put(Pattern.compile(template(path.getKey())), path.getValue()));
  }

  /** The checker for the document the server serves. */
  static OpenApiConformance served() {
    return SERVED;
  }

  static JsonNode servedDocument() {
    try (InputStream in =
        UserResource.class.getResourceAsStream("/META-INF/openapi/userapi.yaml")) {
      return new YAMLMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What is wrong with {@code exchanges}, one line each; empty when they all conform. */
  synchronized List<String> violations(List<Exchange> exchanges) {
    List<String> violations = new ArrayList<>();
    for (Exchange exchange : exchanges) {
      for (String problem : check(exchange)) {
        violations.add(exchange + ": " + problem);
      }
    }
    return violations;
  }

  private List<String> check(Exchange exchange) {
    List<String> problems = new ArrayList<>();
    JsonNode item = pathItem("/" + exchange.path());
    if (item == null) {
      return problems;
    }
    JsonNode operation = item.get(exchange.method().toLowerCase(Locale.ROOT));
    if (operation == null) {
      // HEAD, OPTIONS and wrong methods: answered by the runtime, not operations of the API.
      return problems;
    }
    JsonNode responses = operation.get("responses");
    JsonNode response = responses.get(Integer.toString(exchange.status()));
    if (response == null) {
      response = responses.get("default");
    }
    if (response == null) {
      problems.add("status " + exchange.status() + " is not documented");
      return problems;
    }
    response = resolve(response);
    checkHeaders(exchange, response, problems);
    checkBody(exchange, response, problems);
    return problems;
  }

  private void checkHeaders(Exchange exchange, JsonNode response, List<String> problems) {
    JsonNode headers = response.get("headers");
    if (headers == null) {
      return;
    }
    headers
        .fields()
        .forEachRemaining(
            entry -> {
              JsonNode header = resolve(entry.getValue());
              String value = header(exchange, entry.getKey());
              if (value == null) {
                if (header.path("required").asBoolean(false)) {
                  problems.add("required header " + entry.getKey() + " is missing");
                }
                return;
              }
              if (header.has("schema")) {
                validate(header.get("schema"), TextNode.valueOf(value))
                    .forEach(e -> problems.add("header " + entry.getKey() + ": " + e));
              }
            });
  }

  private void checkBody(Exchange exchange, JsonNode response, List<String> problems) {
    byte[] body = exchange.body();
    JsonNode content = response.get("content");
    if (body.length == 0) {
      return;
    }
    if (content == null) {
      problems.add("has a body, but the document describes none");
      return;
    }
    MediaType type = exchange.type();
    JsonNode media = null;
    for (Iterator<String> names = content.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (type != null && MediaType.valueOf(name).isCompatible(withoutParameters(type))) {
        media = content.get(name);
      }
    }
    if (media == null) {
      problems.add("media type " + type + " is not documented; expected one of " + content);
      return;
    }
    JsonNode schema = media.get("schema");
    if (schema == null || exchange.truncated()) {
      return;
    }
    String subtype = type.getSubtype();
    String text = new String(body, StandardCharsets.UTF_8);
    if (subtype.equals("x-ndjson")) {
      for (String line : text.split("\n")) {
        if (!line.isBlank()) {
          validateJson(schema, line, problems);
        }
      }
    } else if (subtype.equals("json") || subtype.endsWith("+json")) {
      validateJson(schema, text, problems);
    }
  }

  private void validateJson(JsonNode schema, String text, List<String> problems) {
    try {
      validate(schema, json.readTree(text)).forEach(e -> problems.add("body: " + e));
    } catch (IOException e) {
      problems.add("body is not JSON: " + e.getMessage());
    }
  }

  private List<String> validate(JsonNode schemaNode, JsonNode instance) {
    Schema schema = schemas.computeIfAbsent(schemaNode, this::compile);
    return schema.validate(instance).stream().map(Error::toString).toList();
  }

  /**
   * A schema whose {@code #/components/...} references resolve: the fragment under {@code allOf},
   * beside a copy of the document's components.
   */
  private Schema compile(JsonNode fragment) {
    ObjectNode root = json.createObjectNode();
    root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    root.set("components", document.get("components"));
    root.putArray("allOf").add(fragment);
    return registry.getSchema(root);
  }

  private JsonNode resolve(JsonNode node) {
    while (node.has("$ref")) {
      String ref = node.get("$ref").asText();
      node = document.at(ref.substring(1));
    }
    return node;
  }

  private JsonNode pathItem(String path) {
    for (Map.Entry<Pattern, JsonNode> entry : paths.entrySet()) {
      if (entry.getKey().matcher(path).matches()) {
        return entry.getValue();
      }
    }
    return null;
  }

  private static String header(Exchange exchange, String name) {
    for (Map.Entry<String, List<String>> entry : exchange.headers().entrySet()) {
      if (entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty()) {
        return entry.getValue().get(0);
      }
    }
    return null;
  }

  private static MediaType withoutParameters(MediaType type) {
    return new MediaType(type.getType(), type.getSubtype());
  }

  private static String template(String path) {
    StringBuilder regex = new StringBuilder();
    for (String part : path.split("(?=\\{)|(?<=\\})")) {
      regex.append(part.startsWith("{") ? "[^/]+" : Pattern.quote(part));
    }
    return regex.toString();
  }
}
