package org.signalbox.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway over TLS: TLS 1.3 and 1.2 handshakes succeed and serve TAXII, TLS 1.1 and 1.0 are
 * refused by the server (tested with a hand-made ClientHello, since the JDK's client would refuse
 * them itself before the server had a say), the generated certificate names localhost and 127.0.0.1
 * and its printed fingerprint is the one served, and a certificate and key from PEM files are
 * checked before the server starts.
 */
class TaxiiTlsTest {

  final GatewayConfig config = GatewayFixtures.config(new String[][] {{"good", "rail"}}, "rail");
  TaxiiServer server;

  @TempDir Path dir;

  int start(TaxiiTransport transport) throws IOException {
    GatewayLimits limits = new GatewayLimits();
    server =
        new TaxiiServer(
            config,
            List.of(
                new TaxiiServer.ServedCollection(
                    "c-rail", "rail", "Rail", null, new CollectionStore(Clock.systemUTC()))),
            new MemberAuthenticator(config.members, limits, Clock.systemUTC()),
            new GatewayMetrics(),
            limits);
    server.start("127.0.0.1", 0, transport);
    return server.port();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void tls13AndTls12AreServedAndTheFingerprintIsTheServedCertificates() throws Exception {
    TaxiiTransport t = TaxiiTransport.selfSigned();
    int port = start(t);
    for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
      try (SSLSocket s = RawHttp.tls("127.0.0.1", port, t.certificate(), protocol)) {
        assertThat(s.getSession().getProtocol()).isEqualTo(protocol);
        X509Certificate served = (X509Certificate) s.getSession().getPeerCertificates()[0];
        String sha256 =
            HexFormat.ofDelimiter(":")
                .withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(served.getEncoded()));
        assertThat(t.fingerprint()).isEqualTo(sha256).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        RawHttp.Answer a = RawHttp.exchange(s, RawHttp.getRequest("/taxii2/", "good", "good-pw"));
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body()).contains("api_roots");
      }
    }
  }

  @Test
  void anHttpsClientVerifiesTheGeneratedCertificateFor127001() throws Exception {
    TaxiiTransport t = TaxiiTransport.selfSigned();
    int port = start(t);
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(RawHttp.trusting(t.certificate()))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/taxii2/"))
                .header("Accept", TaxiiServer.TAXII_MEDIA_TYPE)
                .header(
                    "Authorization",
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString("good:good-pw".getBytes(StandardCharsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(t.certificate().getNotAfter().toInstant())
        .isBefore(java.time.Instant.now().plus(TaxiiTransport.SELF_SIGNED_VALIDITY).plusSeconds(5));
  }

  @Test
  void tls11AndTls10AreRefusedByTheServer() throws Exception {
    TaxiiTransport t = TaxiiTransport.selfSigned();
    int port = start(t);
    for (int minor : new int[] {2, 1}) { // TLS 1.1 = 3.2, TLS 1.0 = 3.1
      try (Socket s = RawHttp.connect("127.0.0.1", port)) {
        s.setSoTimeout(5_000);
        s.getOutputStream().write(clientHello(minor));
        s.getOutputStream().flush();
        byte[] answer = readSome(s.getInputStream());
        // Either the connection is closed or a fatal alert (21) comes back; never a ServerHello
        // (a handshake record, 22).
        if (answer.length > 0) {
          assertThat(answer[0])
              .as("record type of the answer to TLS 1.%d", minor - 1)
              .isEqualTo((byte) 21);
        }
      }
    }
    // Plain HTTP on the TLS port is not served either.
    try (Socket s = RawHttp.connect("127.0.0.1", port)) {
      s.setSoTimeout(5_000);
      s.getOutputStream()
          .write("GET /taxii2/ HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] answer = readSome(s.getInputStream());
      assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotContain("api_roots");
    }
  }

  @Test
  void aJdkClientOfferingOnlyTls11FailsTheHandshake() throws Exception {
    TaxiiTransport t = TaxiiTransport.selfSigned();
    int port = start(t);
    assertThatThrownBy(() -> RawHttp.tls("127.0.0.1", port, t.certificate(), "TLSv1.1").close())
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void aCertificateAndKeyFromPemFilesAreServedAndCheckedFirst() throws Exception {
    TaxiiTransport generated = TaxiiTransport.selfSigned();
    Path cert = dir.resolve("gateway.crt");
    Path key = dir.resolve("gateway.key");
    Files.writeString(cert, generated.certificatePem());
    writeKey(key, generated.privateKey());
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    TaxiiTransport fromFiles = TaxiiTransport.fromPemFiles(cert, key);
    assertThat(fromFiles.kind()).isEqualTo(TaxiiTransport.Kind.TLS_FROM_FILES);
    assertThat(fromFiles.fingerprint()).isEqualTo(generated.fingerprint());
    int port = start(fromFiles);
    assertThat(
            RawHttp.getTls(
                    "127.0.0.1", port, generated.certificate(), "/taxii2/", "good", "good-pw")
                .status())
        .isEqualTo(200);

    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> TaxiiTransport.fromPemFiles(cert, key))
        .hasMessageContaining("chmod 600 " + key);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));

    Path otherKey = dir.resolve("other.key");
    writeKey(otherKey, TaxiiTransport.selfSigned().privateKey());
    Files.setPosixFilePermissions(otherKey, PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> TaxiiTransport.fromPemFiles(cert, otherKey))
        .hasMessageContaining("is not the key of the certificate");
    assertThatThrownBy(() -> TaxiiTransport.fromPemFiles(key, key))
        .hasMessageContaining("holds no '-----BEGIN CERTIFICATE-----'");
    assertThatThrownBy(() -> TaxiiTransport.fromPemFiles(dir.resolve("missing.crt"), key))
        .hasMessageContaining("no such file");
    // A certificate from a file may be served off loopback; the bind check lets it.
    fromFiles.checkBind("0.0.0.0");
  }

  private static void writeKey(Path file, java.security.PrivateKey key) throws IOException {
    try (JcaPEMWriter w = new JcaPEMWriter(Files.newBufferedWriter(file))) {
      w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null));
    }
  }

  /** A minimal ClientHello offering only TLS 1.{minor-1} and classic suites, no extensions. */
  static byte[] clientHello(int minor) {
    byte[] suites = {
      (byte) 0xc0, 0x2f, (byte) 0xc0, 0x13, (byte) 0xc0, 0x14, 0x00, 0x2f, 0x00, 0x35, 0x00, 0x0a
    };
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(3);
    body.write(minor);
    body.writeBytes(new byte[32]); // random
    body.write(0); // no session id
    body.write(0);
    body.write(suites.length);
    body.writeBytes(suites);
    body.write(1); // one compression method: null
    body.write(0);
    byte[] b = body.toByteArray();
    ByteArrayOutputStream rec = new ByteArrayOutputStream();
    rec.write(22); // handshake
    rec.write(3);
    rec.write(1);
    int hsLen = 4 + b.length;
    rec.write(hsLen >> 8);
    rec.write(hsLen & 0xff);
    rec.write(1); // client_hello
    rec.write(0);
    rec.write(b.length >> 8);
    rec.write(b.length & 0xff);
    rec.writeBytes(b);
    return rec.toByteArray();
  }

  private static byte[] readSome(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[512];
    try {
      int n;
      while (out.size() < 4096 && (n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
      }
    } catch (SocketTimeoutException | java.net.SocketException e) {
      // what arrived before the close or the timeout is the answer
    }
    return out.toByteArray();
  }
}
