package org.signalbox.cli.cluster;

/**
 * A cluster command could not do what was asked. The message says what happened and what to do
 * next; the command prints it and exits with {@link #exitCode}.
 */
final class ClusterException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int exitCode;

  ClusterException(String message) {
    this(message, 1);
  }

  ClusterException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  ClusterException(String message, Throwable cause) {
    super(message, cause);
    this.exitCode = 1;
  }
}
