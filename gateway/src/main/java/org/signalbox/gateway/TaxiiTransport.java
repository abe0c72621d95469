package org.signalbox.gateway;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * How the TAXII server meets its clients: TLS from a certificate and key file, TLS with a
 * certificate generated at start (loopback only), or plain HTTP (loopback only, and only when asked
 * for). The server offers TLS 1.3 and 1.2 and nothing older.
 *
 * <p>Why loopback only for the last two: a self-signed certificate that changes at every start
 * gives a network client nothing to verify but a fingerprint read off the operator's console, and
 * plain HTTP would carry HTTP Basic passwords in the clear. On loopback neither leaves the machine.
 */
public final class TaxiiTransport {

  /** The protocols offered, newest first; TLS 1.1 and older are refused by the server itself. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /** How long a generated certificate is valid: long enough for a demo, short for a leak. */
  static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(30);

  private static final Set<PosixFilePermission> NOT_OWNER =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE);

  /** What kind of transport this is. */
  public enum Kind {
    TLS_FROM_FILES,
    TLS_SELF_SIGNED,
    PLAIN_LOOPBACK
  }

  private final Kind kind;
  private final List<X509Certificate> chain;
  private final PrivateKey key;

  private TaxiiTransport(Kind kind, List<X509Certificate> chain, PrivateKey key) {
    this.kind = kind;
    this.chain = chain;
    this.key = key;
  }

  /**
   * TLS with the certificate chain of {@code certificatePem} (leaf first) and the private key of
   * {@code keyPem} (PKCS#8, PKCS#1 RSA or SEC1 EC, not encrypted).
   *
   * @throws IllegalArgumentException when a file is missing or unreadable, holds no certificate or
   *     key, the key is encrypted or does not belong to the certificate, or the key file can be
   *     read by others (the message says {@code chmod 600 FILE})
   */
  public static TaxiiTransport fromPemFiles(Path certificatePem, Path keyPem) {
    List<X509Certificate> chain = readCertificates(certificatePem);
    checkOwnerOnly(keyPem);
    PrivateKey key = readKey(keyPem);
    if (!matches(key, chain.get(0))) {
      throw new IllegalArgumentException(
          "--tls-key " + keyPem + " is not the key of the certificate in " + certificatePem);
    }
    return new TaxiiTransport(Kind.TLS_FROM_FILES, List.copyOf(chain), key);
  }

  /**
   * TLS with a certificate made now (EC P-256, for {@code localhost}, 127.0.0.1 and ::1), valid for
   * {@link #SELF_SIGNED_VALIDITY}; clients check it by its {@link #fingerprint()}.
   */
  public static TaxiiTransport selfSigned() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair pair = g.generateKeyPair();
      Instant now = Instant.now();
      X500Name name = new X500Name("CN=localhost, O=Signalbox gateway (self-signed)");
      JcaX509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              name,
              new BigInteger(64, new SecureRandom()).setBit(63),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(SELF_SIGNED_VALIDITY)),
              name,
              pair.getPublic());
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.iPAddress, "::1")
              }));
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      X509CertificateHolder holder =
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(holder);
      return new TaxiiTransport(Kind.TLS_SELF_SIGNED, List.of(cert), pair.getPrivate());
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot generate a self-signed certificate", e);
    }
  }

  /** The private key, for tests that write it to a file (package-private on purpose). */
  PrivateKey privateKey() {
    return key;
  }

  /** Plain HTTP; the server refuses to start with it on an address other than loopback. */
  public static TaxiiTransport plainLoopback() {
    return new TaxiiTransport(Kind.PLAIN_LOOPBACK, List.of(), null);
  }

  public Kind kind() {
    return kind;
  }

  public boolean secure() {
    return kind != Kind.PLAIN_LOOPBACK;
  }

  /** {@code https} or {@code http}. */
  public String scheme() {
    return secure() ? "https" : "http";
  }

  /** The server's certificate (leaf), for a client's trust store; none for plain HTTP. */
  public X509Certificate certificate() {
    if (!secure()) {
      throw new IllegalStateException("plain HTTP has no certificate");
    }
    return chain.get(0);
  }

  /**
   * SHA-256 of the leaf certificate (DER), as {@code AB:CD:...}, as browsers and openssl show it.
   */
  public String fingerprint() {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(certificate().getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** The leaf certificate in PEM, for {@code curl --cacert} and other clients. */
  public String certificatePem() {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(new JcaMiscPEMGenerator(certificate()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }

  /**
   * Refuses a bind address that this transport may not serve on.
   *
   * @throws IllegalArgumentException for plain HTTP or a self-signed certificate off loopback
   */
  public void checkBind(String host) {
    if (kind == Kind.TLS_FROM_FILES || isLoopback(host)) {
      return;
    }
    throw new IllegalArgumentException(
        kind == Kind.PLAIN_LOOPBACK
            ? "plain HTTP is served on loopback only (--bind "
                + host
                + " is not): HTTP Basic passwords would cross the network in the clear; give"
                + " --tls-certificate FILE --tls-key FILE"
            : "a generated self-signed certificate is served on loopback only (--bind "
                + host
                + " is not): network clients could verify it only by a fingerprint read off this"
                + " console; give --tls-certificate FILE --tls-key FILE");
  }

  /** Whether {@code host} names (or resolves to) a loopback address only. */
  public static boolean isLoopback(String host) {
    try {
      InetAddress[] all = InetAddress.getAllByName(host);
      for (InetAddress a : all) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return all.length > 0;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Jetty's TLS settings for this transport. */
  SslContextFactory.Server sslContextFactory() {
    try {
      char[] password = new char[0];
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("taxii", key, password, chain.toArray(new java.security.cert.Certificate[0]));
      SslContextFactory.Server f = new SslContextFactory.Server();
      f.setKeyStore(ks);
      f.setKeyStorePassword("");
      f.setKeyManagerPassword("");
      f.setIncludeProtocols(PROTOCOLS.toArray(new String[0]));
      // Jetty's default exclusions (SSL*, and suites without forward secrecy or with SHA-1 MACs)
      // stay; these are only the protocol floor made explicit.
      f.setExcludeProtocols("SSL", "SSLv2", "SSLv2Hello", "SSLv3", "TLSv1", "TLSv1.1");
      f.setRenegotiationAllowed(false);
      return f;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot hold the TLS key in memory", e);
    }
  }

  private static List<X509Certificate> readCertificates(Path file) {
    List<X509Certificate> out = new ArrayList<>();
    try (PEMParser p = new PEMParser(reader(file, "--tls-certificate"))) {
      Object o;
      JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
      while ((o = p.readObject()) != null) {
        if (o instanceof X509CertificateHolder h) {
          out.add(conv.getCertificate(h));
        }
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "--tls-certificate " + file + ": not a PEM certificate file (" + e.getMessage() + ")");
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "--tls-certificate " + file + " holds no '-----BEGIN CERTIFICATE-----' block");
    }
    return out;
  }

  private static PrivateKey readKey(Path file) {
    try (PEMParser p = new PEMParser(reader(file, "--tls-key"))) {
      Object o;
      JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
      while ((o = p.readObject()) != null) {
        if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new IllegalArgumentException(
              "--tls-key "
                  + file
                  + " is encrypted; the gateway reads an unencrypted key in a file only its"
                  + " owner may read (openssl pkey -in FILE -out KEY; chmod 600 KEY)");
        }
        if (o instanceof PEMKeyPair kp) {
          return conv.getKeyPair(kp).getPrivate();
        }
        if (o instanceof PrivateKeyInfo info) {
          return conv.getPrivateKey(info);
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--tls-key " + file + ": not a PEM key file (" + e.getMessage() + ")");
    }
    throw new IllegalArgumentException(
        "--tls-key " + file + " holds no '-----BEGIN PRIVATE KEY-----' block");
  }

  private static Reader reader(Path file, String option) throws IOException {
    try {
      return Files.newBufferedReader(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(option + ": no such file: " + file);
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException(option + ": cannot read " + file + " (permission denied)");
    }
  }

  /** A private key readable by group or others is refused, as the Kafka client config is. */
  private static void checkOwnerOnly(Path key) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(key);
      for (PosixFilePermission p : NOT_OWNER) {
        if (perms.contains(p)) {
          throw new IllegalArgumentException(
              "--tls-key "
                  + key
                  + " may be read or changed by others ("
                  + java.nio.file.attribute.PosixFilePermissions.toString(perms)
                  + "); a private key must be its owner's only: chmod 600 "
                  + key);
        }
      }
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--tls-key: no such file: " + key);
    } catch (UnsupportedOperationException | IOException e) {
      // No POSIX permissions on this file system: nothing to check.
    }
  }

  /** Whether the key signs what the certificate's public key verifies. */
  private static boolean matches(PrivateKey key, X509Certificate cert) {
    String alg =
        switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
          case "RSA" -> "SHA256withRSA";
          case "EC", "ECDSA" -> "SHA256withECDSA";
          case "ED25519" -> "Ed25519";
          default -> null;
        };
    if (alg == null) {
      throw new IllegalArgumentException(
          "TLS keys of type " + key.getAlgorithm() + " are not supported (RSA, EC, Ed25519 are)");
    }
    try {
      byte[] probe = "signalbox".getBytes(StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(cert.getPublicKey());
      v.update(probe);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
