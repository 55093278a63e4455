package dev.userapi.server.cli;

import dev.userapi.core.Authenticator;
import dev.userapi.core.Principal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command line's {@code --token-file}: one token per line, {@code <token> <scope>[,<scope>...]
 * [<name>]}; blank lines and lines starting with {@code #} are ignored. Scopes: users.read,
 * users.write, users.admin.
 */
final class TokenFile {
  private TokenFile() {}

  /**
   * The authenticator of the tokens in {@code file}.
   *
   * @throws IllegalArgumentException when the file is unreadable, malformed or empty; the message
   *     never quotes a line, since lines hold secrets
   */
  static Authenticator read(Path file) {
    Map<String, Principal> tokens = new LinkedHashMap<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the token file " + file, e);
    }
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+");
      if (parts.length < 2) {
        throw new IllegalArgumentException(
            file + " line " + (n + 1) + ": expected '<token> <scope>[,<scope>...] [<name>]'");
      }
      String name = parts.length > 2 ? parts[2] : "token-" + (n + 1);
      tokens.put(parts[0], new Principal(name, Set.of(parts[1].split(","))));
    }
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no tokens");
    }
    return Authenticator.staticTokens(tokens);
  }
}
