package org.signalbox.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * One HTTP/1.1 GET over a plain or TLS socket bound to a chosen local address: loopback has all of
 * 127.0.0.0/8, so a test can be several clients (an attacker at 127.0.0.2, a member at 127.0.0.1).
 */
final class RawHttp {
  private RawHttp() {}

  record Answer(int status, Map<String, String> headers, String body) {}

  static Answer get(String from, int port, String path, String user, String password)
      throws IOException {
    try (Socket s = connect(from, port)) {
      return exchange(s, getRequest(path, user, password));
    }
  }

  /** As {@link #get}, over TLS trusting only {@code server} (the gateway's certificate). */
  static Answer getTls(
      String from, int port, X509Certificate server, String path, String user, String password)
      throws IOException {
    try (SSLSocket s = tls(from, port, server)) {
      return exchange(s, getRequest(path, user, password));
    }
  }

  /** A plain socket from {@code from} to the server on loopback. */
  static Socket connect(String from, int port) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
    s.setSoTimeout(30_000);
    return s;
  }

  /**
   * A TLS socket from {@code from}, handshake done, trusting only {@code server}, offering {@code
   * protocols} (all the JDK enables when none are given).
   */
  static SSLSocket tls(String from, int port, X509Certificate server, String... protocols)
      throws IOException {
    Socket plain = connect(from, port);
    SSLSocket s =
        (SSLSocket)
            trusting(server).getSocketFactory().createSocket(plain, "localhost", port, true);
    if (protocols.length > 0) {
      s.setEnabledProtocols(protocols);
    }
    // The name is checked against the certificate, as an HTTPS client does.
    javax.net.ssl.SSLParameters p = s.getSSLParameters();
    p.setEndpointIdentificationAlgorithm("HTTPS");
    s.setSSLParameters(p);
    s.startHandshake();
    return s;
  }

  static SSLContext trusting(X509Certificate server) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("gateway", server);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends {@code request} as is and reads the answer to the end of the connection. */
  static Answer exchange(Socket s, String request) throws IOException {
    s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
    s.getOutputStream().flush();
    return parse(s.getInputStream());
  }

  static String getRequest(String path, String user, String password) {
    String auth =
        user == null
            ? ""
            : "Authorization: Basic "
                + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8))
                + "\r\n";
    String req =
        "GET "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: "
            + TaxiiServer.TAXII_MEDIA_TYPE
            + "\r\n"
            + auth
            + "Connection: close\r\n\r\n";
    return req;
  }

  private static Answer parse(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    in.transferTo(all);
    String text = all.toString(StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new IOException("no complete answer: " + text);
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int c = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(c + 1).trim());
    }
    return new Answer(status, headers, text.substring(end + 4));
  }
}
