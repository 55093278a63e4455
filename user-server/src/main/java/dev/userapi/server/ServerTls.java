package dev.userapi.server;

import static java.util.Objects.requireNonNull;

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
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Transport security for both protocols of a {@link UserServer}, read from PEM files: a certificate
 * chain and its PKCS#8 private key, and optionally CA certificates that client certificates must
 * chain to (mutual TLS).
 *
 * <pre>{@code
 * ServerTls tls = ServerTls.fromPem(Path.of("server.pem"), Path.of("server.key"))
 *     .requireClientCertificates(Path.of("clients-ca.pem"));
 * UserServer.builder(users).tls(tls).build().start();
 * }</pre>
 *
 * <p>The files are read and checked when the value is made, so a bad key fails at start rather than
 * at the first handshake. Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class ServerTls {
  private final Path certChain;
  private final Path privateKey;
  private final Path clientCa;
  private final SSLContext sslContext;

  private ServerTls(Path certChain, Path privateKey, Path clientCa) {
    this.certChain = certChain;
    this.privateKey = privateKey;
    this.clientCa = clientCa;
    this.sslContext = newSslContext();
  }

  /**
   * TLS with the given certificate chain and key.
   *
   * @param certChain PEM certificates, the server's first
   * @param privateKey PEM PKCS#8 private key ({@code BEGIN PRIVATE KEY}) of the first certificate
   * @return the TLS settings
   * @throws IllegalArgumentException when a file is unreadable or holds no usable certificate or
   *     key
   */
  public static ServerTls fromPem(Path certChain, Path privateKey) {
    requireReadable(requireNonNull(certChain, "certChain"));
    requireReadable(requireNonNull(privateKey, "privateKey"));
    return new ServerTls(certChain, privateKey, null);
  }

  /**
   * These settings, also requiring every client to present a certificate that chains to one in
   * {@code caPem} (mutual TLS), on both protocols.
   *
   * @param caPem PEM CA certificates
   * @return new TLS settings
   * @throws IllegalArgumentException when the file is unreadable or holds no certificate
   */
  public ServerTls requireClientCertificates(Path caPem) {
    requireReadable(requireNonNull(caPem, "caPem"));
    return new ServerTls(certChain, privateKey, caPem);
  }

  private static void requireReadable(Path file) {
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException("cannot read " + file);
    }
  }

  /**
   * Whether clients must present a certificate.
   *
   * @return true for mutual TLS
   */
  public boolean mutualTls() {
    return clientCa != null;
  }

  /** Credentials for the gRPC server. */
  ServerCredentials grpcCredentials() {
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

  /** The TLS context for the REST server. */
  SSLContext sslContext() {
    return sslContext;
  }

  /** The server's certificates as configured, its own first: what a client of itself trusts. */
  List<X509Certificate> certificateChain() {
    try {
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate certificate : readCertificates(certChain)) {
        if (certificate instanceof X509Certificate x509) {
          chain.add(x509);
        }
      }
      return List.copyOf(chain);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot read the TLS certificate: " + e.getMessage(), e);
    }
  }

  private SSLContext newSslContext() {
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
}
