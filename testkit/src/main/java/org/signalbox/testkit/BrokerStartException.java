package org.signalbox.testkit;

import java.nio.file.Path;

/**
 * The local broker could not be started. The message carries the tail of the broker's log and what
 * to try next; {@link #brokerLog()} points at the full log, which is kept on failure.
 */
public final class BrokerStartException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient Path brokerLog;

  BrokerStartException(String message, Path brokerLog, Throwable cause) {
    super(message, cause);
    this.brokerLog = brokerLog;
  }

  /** The broker's full log file (it may not exist if the failure came before the first start). */
  public Path brokerLog() {
    return brokerLog;
  }
}
