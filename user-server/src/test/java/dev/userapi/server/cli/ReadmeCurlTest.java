package dev.userapi.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code curl} line of the README's curl section, and of the project README's first block of
 * them, replayed in order against a fresh {@link UserServerCommand} started as the README starts it
 * (HTTP/2 on by default): the status each comment announces, and the {@code ETag}, {@code "code"}
 * and content type it mentions. The lines are parsed (quotes, {@code $'...'}, {@code -H -d
 * --data-binary -X}) and sent with {@code java.net.http}; a line java.net.http cannot send as
 * printed ({@code --http2-prior-knowledge}, which it lacks, or {@code -o FILE}) runs through the
 * curl binary itself, with the line's own arguments.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadmeCurlTest {
  private static final Path README = Path.of("README.md");
  private static final Path PROJECT_README = Path.of("..", "README.md");
  private static final String DOCUMENTED_ROOT = "http://localhost:8080";
  private static final Pattern STATUS = Pattern.compile("^# (\\d{3}) ");
  private static final Pattern ETAG = Pattern.compile("ETag: (\"[^\"]*\")");
  private static final Pattern CODE = Pattern.compile("\"code\":\"([A-Za-z_]+)\"");
  private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]*)\"");

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1) // the lines are HTTP/1.1 unless they say otherwise
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private UserServerCommand server;

  @BeforeEach
  void start() {
    server = UserServerCommand.fromArgs("--rest-port", "0", "--grpc-port", "0").start();
  }

  @AfterEach
  void stop() {
    server.shutdown(Duration.ofSeconds(2));
  }

  @Test
  void everyCurlLineOfTheReadmeReturnsWhatItsCommentSays() throws Exception {
    List<String> block = curlSection(Files.readAllLines(README, StandardCharsets.UTF_8), "## curl");
    assertThat(replay(block)).isGreaterThanOrEqualTo(15);
  }

  @Test
  void theProjectReadmesHttp2AndProtobufLinesWorkAsPrinted() throws Exception {
    List<String> block =
        curlSection(
            Files.readAllLines(PROJECT_README, StandardCharsets.UTF_8),
            "## Set up (JDK 17 + Maven 3.8.7 or newer)");
    assertThat(block)
        .anyMatch(line -> line.startsWith("curl --http2-prior-knowledge "))
        .anyMatch(line -> line.contains("-H 'Accept: application/x-protobuf'"));
    assertThat(replay(block)).isEqualTo(3);
  }

  @TempDir Path workDir;

  private int replay(List<String> block) throws Exception {
    String root = server.restUri().toString().replaceAll("/$", "");
    Map<String, String> variables = new java.util.HashMap<>();
    String comment = null;
    int replayed = 0;

    for (String line : block) {
      if (line.startsWith("#")) {
        comment = line;
        continue;
      }
      String variable = null;
      String command = line;
      Matcher assignment = Pattern.compile("^([A-Z]+)=\\$\\((.*) \\| sed .*\\)$").matcher(line);
      if (assignment.matches()) {
        variable = assignment.group(1);
        command = assignment.group(2);
      }
      assertThat(command).as(line).startsWith("curl ");
      Curl curl = Curl.parse(command, variables).rooted(DOCUMENTED_ROOT, root);
      int expected = expectedStatus(comment, variable != null);

      Reply reply =
          curl.needsCurl()
              ? runCurl(command, variables, root)
              : curl.isEventStream() ? openEventStream(curl) : send(curl);

      assertThat(reply.status()).as(line + "\n" + reply.body()).isEqualTo(expected);
      checkMentions(comment, line, reply);
      if (variable != null) {
        Matcher id = ID.matcher(reply.body());
        assertThat(id.find()).as(reply.body()).isTrue();
        variables.put(variable, id.group(1));
      }
      comment = null;
      replayed++;
    }
    return replayed;
  }

  /**
   * Runs {@code command} with the curl binary in {@link #workDir}, its own arguments unchanged (but
   * for the root URL), plus {@code -D} and {@code -w} to learn the headers, status and HTTP
   * version. A {@code --http2-prior-knowledge} line must have been answered over HTTP/2.
   */
  private Reply runCurl(String command, Map<String, String> variables, String root)
      throws Exception {
    List<String> words = ShellWords.split(command, variables);
    List<String> args = new ArrayList<>();
    String output = null;
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      args.add(
          word.startsWith(DOCUMENTED_ROOT)
              ? root + word.substring(DOCUMENTED_ROOT.length())
              : word);
      if (word.equals("-o")) {
        output = words.get(i + 1);
      }
    }
    Path headerFile = workDir.resolve("headers.txt");
    args.addAll(List.of("-D", headerFile.toString(), "-w", "\n@@ %{http_code} %{http_version}"));
    Process curl = new ProcessBuilder(args).directory(workDir.toFile()).start();
    String stdout = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor(20, TimeUnit.SECONDS)).as(command).isTrue();
    assertThat(curl.exitValue())
        .as(command + "\n" + new String(curl.getErrorStream().readAllBytes()))
        .isZero();
    int marker = stdout.lastIndexOf("\n@@ ");
    String[] trailer = stdout.substring(marker + 4).trim().split(" ");
    if (words.contains("--http2-prior-knowledge")) {
      assertThat(trailer[1]).as("the HTTP version of " + command).isEqualTo("2");
    }
    Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String line : Files.readAllLines(headerFile, StandardCharsets.ISO_8859_1)) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("HTTP/")) {
        headers
            .computeIfAbsent(line.substring(0, colon).trim(), k -> new ArrayList<>())
            .add(line.substring(colon + 1).trim());
      }
    }
    String body = stdout.substring(0, marker);
    if (output != null) {
      byte[] bytes = Files.readAllBytes(workDir.resolve(output));
      String contentType = headers.getOrDefault("Content-Type", List.of("")).get(0);
      if (contentType.startsWith("application/x-protobuf")) {
        // The protobuf message is the user the URL names.
        dev.userapi.proto.v1.User user = dev.userapi.proto.v1.User.parseFrom(bytes);
        assertThat(words.get(words.size() - 1)).as(command).endsWith("/" + user.getId());
        body = "protobuf userapi.v1.User " + user.getId();
      } else {
        body = new String(bytes, StandardCharsets.UTF_8);
      }
    }
    return new Reply(
        Integer.parseInt(trailer[0]),
        java.net.http.HttpHeaders.of(headers, (name, value) -> true),
        body);
  }

  /** The status announced by the comment; a {@code VAR=$(curl ...)} line creates, so 201. */
  private static int expectedStatus(String comment, boolean assignment) {
    if (comment != null) {
      Matcher status = STATUS.matcher(comment);
      if (status.find()) {
        return Integer.parseInt(status.group(1));
      }
    }
    assertThat(assignment).as("a curl line needs a comment with its status: " + comment).isTrue();
    return 201;
  }

  private static void checkMentions(String comment, String line, Reply reply) {
    if (comment == null) {
      return;
    }
    Matcher etag = ETAG.matcher(comment);
    if (etag.find()) {
      assertThat(reply.headers().firstValue("ETag")).as(line).hasValue(etag.group(1));
    }
    Matcher code = CODE.matcher(comment);
    while (code.find()) {
      assertThat(reply.body()).as(line).contains("\"code\":\"" + code.group(1) + "\"");
    }
    if (comment.contains("problem+json")) {
      assertThat(reply.contentType()).as(line).startsWith("application/problem+json");
    }
    if (comment.contains("application/x-protobuf")) {
      assertThat(reply.contentType()).as(line).startsWith("application/x-protobuf");
      assertThat(reply.body()).as(line).startsWith("protobuf userapi.v1.User ");
    }
    if (comment.contains("application/x-ndjson")) {
      assertThat(reply.contentType()).as(line).startsWith("application/x-ndjson");
      for (String json : reply.body().split("\n")) {
        assertThat(json).startsWith("{").endsWith("}");
      }
    }
    if (comment.contains("Server-Sent Events")) {
      assertThat(reply.contentType()).as(line).startsWith("text/event-stream");
      assertThat(reply.body()).contains("event: created", "id: 1", "data: {");
    }
    if (comment.contains("Location")) {
      assertThat(reply.headers().firstValue("Location")).as(line).isPresent();
    }
    for (String member :
        List.of(
            "\"users\"",
            "\"nextPageToken\"",
            "\"results\"",
            "\"errors\"",
            "\"status\":\"SERVING\"")) {
      String bare = member.replace("\"", "");
      if (comment.contains(member)
          || comment.contains("{" + bare)
          || comment.contains(bare + ":")) {
        assertThat(reply.body()).as(line).contains(member);
      }
    }
  }

  private Reply send(Curl curl) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(curl.request(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Reply(response.statusCode(), response.headers(), response.body());
  }

  /** A watch never ends: take the status, the headers and the first event, then hang up. */
  private Reply openEventStream(Curl curl) throws IOException, InterruptedException {
    HttpResponse<InputStream> response =
        http.send(curl.request(), HttpResponse.BodyHandlers.ofInputStream());
    StringBuilder firstEvent = new StringBuilder();
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      for (String l = lines.readLine(); l != null; l = lines.readLine()) {
        if (l.isEmpty() && firstEvent.length() > 0) {
          break;
        }
        firstEvent.append(l).append('\n');
      }
    }
    return new Reply(response.statusCode(), response.headers(), firstEvent.toString());
  }

  /** The first code block of the section {@code heading} that holds a {@code curl} line. */
  private static List<String> curlSection(List<String> readme, String heading) {
    List<String> block = new ArrayList<>();
    boolean inSection = false;
    boolean inBlock = false;
    for (String line : readme) {
      if (line.startsWith("## ")) {
        inSection = line.equals(heading);
        continue;
      }
      if (inSection && line.startsWith("```")) {
        if (inBlock && block.stream().anyMatch(l -> l.contains("curl "))) {
          break;
        }
        inBlock = !inBlock;
        block.clear();
        continue;
      }
      if (inBlock && !line.isBlank()) {
        block.add(line.strip());
      }
    }
    assertThat(block).as("the README's curl block").isNotEmpty();
    return block;
  }

  private record Reply(int status, java.net.http.HttpHeaders headers, String body) {
    String contentType() {
      return headers.firstValue("Content-Type").orElse("");
    }
  }

  /** The part of curl the README uses. */
  private record Curl(
      String method, String url, List<String[]> headers, String data, boolean needsCurl) {

    static Curl parse(String command, Map<String, String> variables) {
      List<String> words = ShellWords.split(command, variables);
      String method = null;
      String url = null;
      List<String[]> headers = new ArrayList<>();
      String data = null;
      String output = null;
      boolean priorKnowledge = false;
      for (int i = 1; i < words.size(); i++) {
        String word = words.get(i);
        switch (word) {
          case "-H" -> {
            String header = words.get(++i);
            int colon = header.indexOf(':');
            headers.add(
                new String[] {
                  header.substring(0, colon).trim(), header.substring(colon + 1).trim()
                });
          }
          case "-d", "--data", "--data-binary" -> data = words.get(++i);
          case "-X" -> method = words.get(++i);
          case "-o" -> output = words.get(++i);
          case "--http2-prior-knowledge" -> priorKnowledge = true;
          default -> {
            if (word.startsWith("-")) {
              assertThat(word).as("a curl flag this test knows").matches("-[isN]+");
            } else {
              assertThat(url).as("one URL per line: " + command).isNull();
              url = word;
            }
          }
        }
      }
      assertThat(url).as(command).isNotNull();
      if (method == null) {
        method = data == null ? "GET" : "POST";
      }
      return new Curl(method, url, headers, data, output != null || priorKnowledge);
    }

    Curl rooted(String documented, String actual) {
      assertThat(url).startsWith(documented);
      return new Curl(
          method, actual + url.substring(documented.length()), headers, data, needsCurl);
    }

    boolean isEventStream() {
      return url.contains(":watch");
    }

    HttpRequest request() {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
      for (String[] header : headers) {
        request.header(header[0], header[1]);
      }
      if (data != null && headers.stream().noneMatch(h -> h[0].equalsIgnoreCase("Content-Type"))) {
        request.header("Content-Type", "application/x-www-form-urlencoded"); // what curl sends
      }
      request.method(
          method,
          data == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(data, StandardCharsets.UTF_8));
      return request.build();
    }
  }

  /** Splits a line as a POSIX shell would, for the quoting the README uses. */
  static final class ShellWords {
    static List<String> split(String line, Map<String, String> variables) {
      List<String> words = new ArrayList<>();
      StringBuilder word = null;
      int i = 0;
      while (i < line.length()) {
        char c = line.charAt(i);
        if (Character.isWhitespace(c)) {
          if (word != null) {
            words.add(word.toString());
            word = null;
          }
          i++;
          continue;
        }
        if (word == null) {
          word = new StringBuilder();
        }
        if (c == '\'') {
          int end = line.indexOf('\'', i + 1);
          word.append(line, i + 1, end);
          i = end + 1;
        } else if (c == '$' && i + 1 < line.length() && line.charAt(i + 1) == '\'') {
          i = ansiC(line, i + 2, word);
        } else if (c == '"') {
          int end = line.indexOf('"', i + 1);
          word.append(expand(line.substring(i + 1, end), variables));
          i = end + 1;
        } else if (c == '$') {
          Matcher name =
              Pattern.compile("[A-Za-z_][A-Za-z0-9_]*").matcher(line).region(i + 1, line.length());
          assertThat(name.lookingAt()).as(line).isTrue();
          word.append(value(name.group(), variables));
          i = name.end();
        } else {
          word.append(c);
          i++;
        }
      }
      if (word != null) {
        words.add(word.toString());
      }
      return words;
    }

    private static int ansiC(String line, int i, StringBuilder word) {
      while (line.charAt(i) != '\'') {
        char c = line.charAt(i);
        if (c == '\\') {
          char escaped = line.charAt(i + 1);
          word.append(
              switch (escaped) {
                case 'n' -> '\n';
                case 't' -> '\t';
                default -> escaped;
              });
          i += 2;
        } else {
          word.append(c);
          i++;
        }
      }
      return i + 1;
    }

    private static String expand(String text, Map<String, String> variables) {
      Matcher ref = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)").matcher(text);
      StringBuilder out = new StringBuilder();
      while (ref.find()) {
        ref.appendReplacement(out, Matcher.quoteReplacement(value(ref.group(1), variables)));
      }
      ref.appendTail(out);
      return out.toString();
    }

    private static String value(String name, Map<String, String> variables) {
      String value = variables.get(name);
      assertThat(value).as("$" + name + " is set by an earlier line").isNotNull();
      return value;
    }
  }
}
