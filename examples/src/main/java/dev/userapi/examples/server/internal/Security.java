package dev.userapi.examples.server.internal;

import dev.userapi.core.Authenticator;
import dev.userapi.core.Principal;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The server's transport security and authentication, from files: a PEM certificate chain and
 * PKCS#8 key (plus, for mutual TLS, a PEM CA that client certificates must chain to), and a token
 * file. Both protocols are configured from the same files.
 *
 * <p>Token file: one token per line, {@code <token> <scope>[,<scope>...] [<name>]}; blank lines and
 * lines starting with {@code #} are ignored. Scopes: users.read, users.write, users.admin.
 */
public final class Security {
  private final Path certChain;
  private final Path privateKey;
  private final Path clientCa;
  private final Authenticator authenticator;

  private Security(Path certChain, Path privateKey, Path clientCa, Authenticator authenticator) {
    this.certChain = certChain;
    this.privateKey = privateKey;
    this.clientCa = clientCa;
    this.authenticator = authenticator;
  }

  /**
   * Reads the given files (each may be null).
   *
   * @throws IllegalArgumentException when a file is missing or unreadable, or only one of
   *     certificate and key is given
   */
  public static Security load(Path certChain, Path privateKey, Path clientCa, Path tokenFile) {
    if ((certChain == null) != (privateKey == null)) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together");
    }
    if (clientCa != null && certChain == null) {
      throw new IllegalArgumentException("--tls-client-ca needs --tls-cert and --tls-key");
    }
    for (Path file : Arrays.asList(certChain, privateKey, clientCa, tokenFile)) {
      if (file != null && !Files.isReadable(file)) {
        throw new IllegalArgumentException("cannot read " + file);
      }
    }
    Authenticator authenticator =
        tokenFile == null ? null : Authenticator.staticTokens(readTokens(tokenFile));
    Security security = new Security(certChain, privateKey, clientCa, authenticator);
    if (certChain != null) {
      security.sslContext(); // fail at start, not at the first handshake
    }
    return security;
  }

  /** Whether TLS is on. */
  public boolean tls() {
    return certChain != null;
  }

  /** Whether clients must present a certificate. */
  public boolean mutualTls() {
    return clientCa != null;
  }

  /** The authenticator from the token file, or null when the server is open. */
  public Authenticator authenticator() {
    return authenticator;
  }

  /** Credentials for the gRPC server. */
  public ServerCredentials grpcCredentials() {
    if (!tls()) {
      return InsecureServerCredentials.create();
    }
    try {
      TlsServerCredentials.Builder tls =
          TlsServerCredentials.newBuilder().keyManager(certChain.toFile(), privateKey.toFile());
      if (clientCa != null) {
        tls.trustManager(clientCa.toFile()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
      }
      return tls.build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The TLS context for the REST server (null without TLS). */
  public SSLContext sslContext() {
    if (!tls()) {
      return null;
    }
    try {
      List<Certificate> chain = readCertificates(certChain);
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      char[] password = new char[0];
      keys.setKeyEntry("server", readKey(privateKey), password, chain.toArray(new Certificate[0]));
      KeyManagerFactory keyManagers =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(keys, password);
      TrustManagerFactory trustManagers = null;
      if (clientCa != null) {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        int i = 0;
        for (Certificate ca : readCertificates(clientCa)) {
          trusted.setCertificateEntry("ca" + i++, ca);
        }
        trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trusted);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          keyManagers.getKeyManagers(),
          trustManagers == null ? null : trustManagers.getTrustManagers(),
          new SecureRandom());
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(
          "cannot use the TLS certificate or key: " + e.getMessage(), e);
    }
  }

  private static List<Certificate> readCertificates(Path pem)
      throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(pem)) {
      List<Certificate> certificates =
          List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
      if (certificates.isEmpty()) {
        throw new GeneralSecurityException("no certificate in " + pem);
      }
      return certificates;
    }
  }

  private static PrivateKey readKey(Path pem) throws IOException, GeneralSecurityException {
    String text = Files.readString(pem, StandardCharsets.US_ASCII);
    int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = text.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) {
      throw new GeneralSecurityException(
          pem + " is not a PKCS#8 PEM private key (BEGIN PRIVATE KEY)");
    }
    String base64 =
        text.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end).replaceAll("\\s", "");
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64));
    for (String algorithm : new String[] {"EC", "RSA", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException tryNext) {
        // not this algorithm
      }
    }
    throw new GeneralSecurityException(pem + " holds a key of an unsupported algorithm");
  }

  private static Map<String, Principal> readTokens(Path file) {
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
        // Never echo the line: it holds a secret.
        throw new IllegalArgumentException(
            file + " line " + (n + 1) + ": expected '<token> <scope>[,<scope>...] [<name>]'");
      }
      String name = parts.length > 2 ? parts[2] : "token-" + (n + 1);
      tokens.put(parts[0], new Principal(name, Set.of(parts[1].split(","))));
    }
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no tokens");
    }
    return tokens;
  }
}
