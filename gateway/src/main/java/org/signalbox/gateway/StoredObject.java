package org.signalbox.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One version of a STIX object in a collection, with the date the gateway added it. {@code
 * position} is the order of adding; it is what the {@code next} paging token points at.
 */
public record StoredObject(
    long position, String id, String type, Instant version, Instant dateAdded, ObjectNode object) {

  static final String SPEC_VERSION = "2.1";
  static final String STIX_MEDIA_TYPE = "application/stix+json;version=2.1";
}
