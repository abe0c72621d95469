package org.signalbox.connectors.edge.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Reader;

/**
 * Reads EVE records written as one (often pretty-printed) JSON array, object by object, so a file
 * of any size streams in constant memory. A syntax error inside the array cannot be skipped
 * reliably (the parser loses its place), so it ends the input with a reported reason; every record
 * before it has been delivered.
 */
public final class EveArrayReader implements AutoCloseable {
  private final JsonParser json;
  private boolean started;

  /** One element and the line it started on. */
  public record Element(JsonNode node, long line) {}

  public EveArrayReader(Reader reader) throws IOException {
    this.json = JsonRecords.MAPPER.getFactory().createParser(reader);
  }

  /**
   * @return the next element, or null at the end of the array
   * @throws MalformedRecordException when the input is not a well-formed array; not recoverable
   */
  public Element next() throws MalformedRecordException {
    try {
      if (!started) {
        started = true;
        if (json.nextToken() != JsonToken.START_ARRAY) {
          throw new MalformedRecordException("input does not start with a JSON array");
        }
      }
      JsonToken t = json.nextToken();
      if (t == null) {
        throw new MalformedRecordException("JSON array is not closed (truncated input?)");
      }
      if (t == JsonToken.END_ARRAY) {
        return null;
      }
      long line = json.currentTokenLocation().getLineNr();
      JsonNode node = JsonRecords.MAPPER.readTree(json);
      return new Element(node, line);
    } catch (IOException e) {
      String msg =
          e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe
              ? jpe.getOriginalMessage()
              : e.getMessage();
      throw new MalformedRecordException(
          "JSON array broken at line " + json.currentLocation().getLineNr() + ": " + msg);
    }
  }

  @Override
  public void close() throws IOException {
    json.close();
  }
}
