package org.signalbox.gateway;

/** A request the gateway answers with a TAXII error message and this HTTP status. */
public final class TaxiiException extends Exception {
  private final int status;
  private final String title;
  private final java.util.Map<String, String> headers;

  public TaxiiException(int status, String title, String description) {
    this(status, title, description, java.util.Map.of());
  }

  public TaxiiException(
      int status, String title, String description, java.util.Map<String, String> headers) {
    super(description);
    this.status = status;
    this.title = title;
    this.headers = java.util.Map.copyOf(headers);
  }

  /** Headers the error answer carries, e.g. {@code Retry-After}. */
  public java.util.Map<String, String> headers() {
    return headers;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  static TaxiiException badRequest(String description) {
    return new TaxiiException(400, "Bad request", description);
  }

  static TaxiiException notFound(String description) {
    return new TaxiiException(404, "Not found", description);
  }
}
