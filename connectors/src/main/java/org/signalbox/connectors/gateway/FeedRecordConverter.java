package org.signalbox.connectors.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Optional;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;

/**
 * Turns one Kafka record value of a collection's topics into the STIX object its audience may see.
 *
 * <p>Records are recognized by the writer-schema fingerprint of the Avro single-object encoding, so
 * a {@code feed.<audience>} topic may carry sightings and indicators mixed. Objects marked more
 * restrictively than the collection's {@code maxTlp} are withheld: that check is the last line
 * before a member, independent of what the router upstream decided.
 */
final class FeedRecordConverter {

  enum Outcome {
    CONVERTED,
    WITHHELD_TLP,
    UNDECODABLE,
    TOMBSTONE
  }

  record Result(Outcome outcome, Optional<ObjectNode> object, String reason) {}

  private final AvroCodec<Sighting> sightings = AvroCodec.sighting();
  private final AvroCodec<Indicator> indicators = AvroCodec.indicator();
  private final StixObjects stix;
  private final Tlp maxTlp;

  FeedRecordConverter(StixObjects stix, Tlp maxTlp) {
    this.stix = stix;
    this.maxTlp = maxTlp;
  }

  Result convert(byte[] value) {
    if (value == null) {
      return new Result(Outcome.TOMBSTONE, Optional.empty(), "tombstone");
    }
    String sightingError;
    try {
      Sighting s = sightings.decode(value);
      return withinTlp(s.getTlp()) ? converted(stix.sighting(s)) : withheld(s.getTlp());
    } catch (IOException e) {
      sightingError = e.getMessage();
    }
    try {
      Indicator i = indicators.decode(value);
      return withinTlp(i.getTlp()) ? converted(stix.indicator(i)) : withheld(i.getTlp());
    } catch (IOException | IllegalArgumentException e) {
      return new Result(
          Outcome.UNDECODABLE,
          Optional.empty(),
          "neither a Sighting (" + sightingError + ") nor an Indicator (" + e.getMessage() + ")");
    }
  }

  private boolean withinTlp(Tlp tlp) {
    return tlp.ordinal() <= maxTlp.ordinal();
  }

  private static Result converted(ObjectNode o) {
    return new Result(Outcome.CONVERTED, Optional.of(o), "");
  }

  private static Result withheld(Tlp tlp) {
    return new Result(Outcome.WITHHELD_TLP, Optional.empty(), "TLP " + tlp);
  }
}
