package org.signalbox.gateway;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per answered request: who (the authenticated member, or {@code -}), from where, what
 * (method, path, the collection read if any, the number of objects in the answer) and how it ended.
 * It is the record of who read which collection, kept apart from the server's own log under the
 * logger {@value #LOGGER} so that an operator can route it to its own file and retention. It holds
 * no credential, no query string (filters can be long and are a member's business) and no object.
 */
@FunctionalInterface
public interface AccessLog {

  String LOGGER = "org.signalbox.gateway.access";

  /** One answered request. {@code collection} is null when none was read. */
  record Entry(
      String client,
      String member,
      String method,
      String path,
      String collection,
      int status,
      int objects,
      long micros) {}

  void log(Entry e);

  /** The default: SLF4J logger {@value #LOGGER} at INFO. */
  static AccessLog slf4j() {
    Logger log = LoggerFactory.getLogger(LOGGER);
    return e ->
        log.info(
            "client={} member={} {} {} collection={} status={} objects={} micros={}",
            e.client(),
            e.member(),
            e.method(),
            e.path(),
            e.collection() == null ? "-" : e.collection(),
            e.status(),
            e.objects(),
            e.micros());
  }
}
