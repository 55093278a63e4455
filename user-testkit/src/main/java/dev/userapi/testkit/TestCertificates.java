package dev.userapi.testkit;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A throw-away certificate authority with a server certificate (for {@code localhost} and {@code
 * 127.0.0.1}) and a client certificate, generated in memory when created, so TLS and mutual TLS can
 * be tested without committing private keys. Everything is available as PEM (for grpc-java's {@code
 * TlsServerCredentials}/{@code TlsChannelCredentials}) and as {@link SSLContext} (for Grizzly and
 * the JDK HTTP client).
 *
 * @since 0.1.0
 */
public final class TestCertificates {
  private static final char[] PASSWORD = "test-only".toCharArray();

  private final X509Certificate ca;
  private final Identity server;
  private final Identity client;

  private record Identity(KeyPair keys, X509Certificate certificate) {}

  private TestCertificates() throws GeneralSecurityException {
    try {
      KeyPair caKeys = newKeyPair();
      ca =
          sign(
              new X500Name("CN=userapi test CA"),
              caKeys,
              new X500Name("CN=userapi test CA"),
              caKeys,
              true,
              null);
      KeyPair serverKeys = newKeyPair();
      server =
          new Identity(
              serverKeys,
              sign(
                  new X500Name("CN=localhost"),
                  serverKeys,
                  new X500Name("CN=userapi test CA"),
                  caKeys,
                  false,
                  KeyPurposeId.id_kp_serverAuth));
      KeyPair clientKeys = newKeyPair();
      client =
          new Identity(
              clientKeys,
              sign(
                  new X500Name("CN=userapi test client"),
                  clientKeys,
                  new X500Name("CN=userapi test CA"),
                  caKeys,
                  false,
                  KeyPurposeId.id_kp_clientAuth));
    } catch (IOException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException("cannot create test certificates", e);
    }
  }

  /**
   * Generates a fresh CA, server and client identity (EC P-256, valid for one day).
   *
   * @return new certificates, unrelated to any generated before
   * @throws IllegalStateException when the platform cannot generate EC keys or sign
   */
  public static TestCertificates generate() {
    try {
      return new TestCertificates();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The CA certificate that signed both identities, as PEM.
   *
   * @return one PEM {@code CERTIFICATE} block
   */
  public String caCertificatePem() {
    return pem(ca);
  }

  /**
   * The server's certificate followed by the CA's, as PEM.
   *
   * @return two PEM {@code CERTIFICATE} blocks, server first
   */
  public String serverCertificateChainPem() {
    return pem(server.certificate()) + pem(ca);
  }

  /**
   * The server's private key, PKCS#8 PEM.
   *
   * @return one unencrypted PEM {@code PRIVATE KEY} block
   */
  public String serverPrivateKeyPem() {
    return pem(new PemObject("PRIVATE KEY", server.keys().getPrivate().getEncoded()));
  }

  /**
   * The client's certificate followed by the CA's, as PEM.
   *
   * @return two PEM {@code CERTIFICATE} blocks, client first
   */
  public String clientCertificateChainPem() {
    return pem(client.certificate()) + pem(ca);
  }

  /**
   * The client's private key, PKCS#8 PEM.
   *
   * @return one unencrypted PEM {@code PRIVATE KEY} block
   */
  public String clientPrivateKeyPem() {
    return pem(new PemObject("PRIVATE KEY", client.keys().getPrivate().getEncoded()));
  }

  /**
   * UTF-8 bytes of a PEM string, for APIs that take streams.
   *
   * @param pem a PEM string from this class
   * @return its UTF-8 encoding
   */
  public static byte[] bytes(String pem) {
    return pem.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A server context presenting the server certificate and trusting the CA for client certificates.
   *
   * @return a new, initialised TLS context
   */
  public SSLContext serverSslContext() {
    return sslContext(server);
  }

  /**
   * A client context trusting the CA and presenting the client certificate when asked.
   *
   * @return a new, initialised TLS context
   */
  public SSLContext clientSslContext() {
    return sslContext(client);
  }

  /**
   * A client context trusting the CA, with no client certificate.
   *
   * @return a new, initialised TLS context
   */
  public SSLContext trustingSslContext() {
    return sslContext(null);
  }

  private SSLContext sslContext(Identity identity) {
    try {
      KeyManagerFactory keys = null;
      if (identity != null) {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setKeyEntry(
            "identity",
            identity.keys().getPrivate(),
            PASSWORD,
            new Certificate[] {identity.certificate(), ca});
        keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keyStore, PASSWORD);
      }
      KeyStore trustStore = KeyStore.getInstance("PKCS12");
      trustStore.load(null, null);
      trustStore.setCertificateEntry("ca", ca);
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trustStore);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          keys == null ? null : keys.getKeyManagers(),
          trust.getTrustManagers(),
          new SecureRandom());
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build an SSLContext from test certificates", e);
    }
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(
      X500Name subject,
      KeyPair subjectKeys,
      X500Name issuer,
      KeyPair issuerKeys,
      boolean isCa,
      KeyPurposeId purpose)
      throws GeneralSecurityException,
          IOException,
          org.bouncycastle.operator.OperatorCreationException {
    Instant now = Instant.now();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuer,
            new BigInteger(64, new SecureRandom()),
            Date.from(now.minus(Duration.ofMinutes(5))),
            Date.from(now.plus(Duration.ofDays(1))),
            subject,
            subjectKeys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    if (isCa) {
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else {
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")
              }));
    }
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
  }

  private static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
