package org.signalbox.edge.parse;

/**
 * What a parsed field holds, as far as sanitizing it is concerned. Parsers assign kinds from the
 * log format's own field names and types; the sanitizer picks its treatment from the kind.
 */
public enum FieldKind {
  /** An IPv4 or IPv6 literal. */
  IP,
  /** A DNS name that may be internal (decided by the policy). */
  HOST,
  /** A name of the member's own device (syslog HOSTNAME, CEF dvchost): always pseudonymized. */
  INTERNAL_HOST,
  /** A DNS answer: an address, a name, or other record data. */
  DNS_ANSWER,
  URL,
  /** Path, query and fragment of a URL without its host (Zeek http.uri, EVE http.url). */
  URL_PATH,
  EMAIL,
  /** A user or account name: always pseudonymized. */
  USER,
  /** Another identifier of a person or device (MAC address, user id): always pseudonymized. */
  IDENTIFIER,
  /** A file hash (MD5, SHA-1, SHA-256, SHA-512 by length). */
  HASH,
  /** A certificate fingerprint (SHA-1 or SHA-256, colons allowed). */
  CERT_FINGERPRINT,
  JA3,
  USER_AGENT,
  FILE_NAME,
  /** Free text that may contain anything (messages, subjects, signatures). */
  TEXT,
  /** A number, boolean, enum symbol, port or time: safe once its shape is checked. */
  TOKEN,
  /** Payloads, passwords, packet bytes: never leaves the member, whatever the policy says. */
  SECRET
}
