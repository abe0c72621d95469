package org.signalbox.gateway;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * Bounds what one connection, and one client address, can hold: a connection past {@code
 * perAddress} open ones from the same address is closed as soon as it opens (before any TLS work),
 * and a connection that takes longer than {@code headerTimeoutMillis} to deliver a complete request
 * head, counted from its opening (so a TLS handshake counts) or from the first byte of a later
 * request on it, is closed.
 *
 * <p>Jetty has an idle timeout, which a client defeats by sending one byte now and then, and no
 * timeout for a whole request head; this is that timeout. It reads the state of each connection's
 * HTTP parser every {@link #SWEEP_MILLIS}, so it acts within that much after the limit, and it
 * costs one pass over the open connections per sweep (bounded by {@code maxConnections}).
 */
final class ConnectionGuard implements Connection.Listener, AutoCloseable {

  static final long SWEEP_MILLIS = 200;

  /** Why a connection was closed by the guard, as the metrics label it. */
  enum Reason {
    PER_ADDRESS_LIMIT("per_address_limit"),
    HEADER_TIMEOUT("header_timeout");

    final String label;

    Reason(String label) {
      this.label = label;
    }
  }

  interface Closed {
    void closed(Reason reason);
  }

  /** One network connection (the socket's own end point, under TLS if any). */
  private static final class Tracked {
    final InetAddress address;

    /** When the current request head started (or the connection opened); -1 when none pends. */
    volatile long pendingSince;

    long messagesSeen;

    Tracked(InetAddress address, long now) {
      this.address = address;
      this.pendingSince = now;
    }
  }

  private final int perAddress;
  private final long headerTimeoutNanos;
  private final Closed onClose;
  private final Map<EndPoint, Tracked> open = new ConcurrentHashMap<>();
  private final Map<InetAddress, AtomicInteger> perAddressCount = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sweeper =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "taxii-connection-guard");
            t.setDaemon(true);
            return t;
          });

  ConnectionGuard(int perAddress, long headerTimeoutMillis, Closed onClose) {
    this.perAddress = perAddress;
    this.headerTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(headerTimeoutMillis);
    this.onClose = onClose;
    sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void onOpened(Connection connection) {
    EndPoint ep = connection.getEndPoint();
    if (ep instanceof SslConnection.SslEndPoint) {
      return; // the HTTP connection inside TLS: its network end point is already tracked
    }
    InetAddress address = addressOf(ep.getRemoteSocketAddress());
    Tracked t = new Tracked(address, System.nanoTime());
    open.put(ep, t);
    int n = perAddressCount.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
    if (n > perAddress) {
      // Closed off the calling (selector) thread: the close runs the listeners again.
      sweeper.execute(
          () -> {
            onClose.closed(Reason.PER_ADDRESS_LIMIT);
            ep.close();
          });
    }
  }

  @Override
  public void onClosed(Connection connection) {
    EndPoint ep = connection.getEndPoint();
    Tracked t = open.remove(ep);
    if (t != null) {
      AtomicInteger n = perAddressCount.get(t.address);
      if (n != null && n.decrementAndGet() <= 0) {
        perAddressCount.remove(t.address, n);
      }
    }
  }

  /** Connections open from {@code address} now (for tests). */
  int openFrom(InetAddress address) {
    AtomicInteger n = perAddressCount.get(address);
    return n == null ? 0 : n.get();
  }

  private void sweep() {
    long now = System.nanoTime();
    for (Map.Entry<EndPoint, Tracked> e : open.entrySet()) {
      EndPoint ep = e.getKey();
      Tracked t = e.getValue();
      HttpConnection http = httpOf(ep);
      long messages = http == null ? 0 : http.getMessagesIn();
      boolean pending = http == null || headPending(http.getParser(), messages);
      if (!pending || messages != t.messagesSeen) {
        // A request completed since the last look: a new head, if one pends, starts now.
        t.messagesSeen = messages;
        t.pendingSince = pending ? now : -1;
        continue;
      }
      if (t.pendingSince < 0) {
        t.pendingSince = now;
      } else if (now - t.pendingSince > headerTimeoutNanos) {
        t.pendingSince = -1;
        onClose.closed(Reason.HEADER_TIMEOUT);
        ep.close();
      }
    }
  }

  /**
   * Whether a request head is awaited and overdue-able: a fresh connection that has not completed
   * one yet (nothing sent, or TLS still handshaking), or a parser between the first byte of a
   * request and the end of its headers. A kept-alive connection at rest is left to the idle
   * timeout.
   */
  private static boolean headPending(HttpParser parser, long messagesIn) {
    if (parser.isStart()) {
      return messagesIn == 0;
    }
    return !(parser.inContentState()
        || parser.isComplete()
        || parser.isClose()
        || parser.isClosed());
  }

  private static HttpConnection httpOf(EndPoint ep) {
    Connection c = ep.getConnection();
    if (c instanceof SslConnection ssl) {
      c = ssl.getSslEndPoint().getConnection();
    }
    return c instanceof HttpConnection h ? h : null;
  }

  private static InetAddress addressOf(SocketAddress a) {
    return a instanceof InetSocketAddress i && i.getAddress() != null
        ? i.getAddress()
        : InetAddress.getLoopbackAddress();
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
  }
}
