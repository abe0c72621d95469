package org.signalbox.connectors.gateway;

/** A request the gateway answers with a TAXII error message and this HTTP status. */
public final class TaxiiException extends Exception {
  private final int status;
  private final String title;

  public TaxiiException(int status, String title, String description) {
    super(description);
    this.status = status;
    this.title = title;
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
