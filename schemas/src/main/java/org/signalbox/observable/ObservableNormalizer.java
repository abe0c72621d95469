package org.signalbox.observable;

import org.signalbox.schema.ObservableType;

/**
 * Canonical forms of observable values, shared by the member edge, the importers and the
 * correlate job so that the same thing always has the same bytes.
 *
 * <p>CONTRACT (implemented in a follow-up commit): domains lowercased, trailing dot removed,
 * internationalized names to punycode; IPv4 dotted quad, IPv6 RFC 5952, IPv4-mapped IPv6 to
 * IPv4; URLs with lowercase scheme and host, default port removed, percent-encoding normalized,
 * fragment removed; hashes lowercase hex of the right length; e-mail addresses lowercased with a
 * punycode domain.
 */
public final class ObservableNormalizer {
  private ObservableNormalizer() {}

  /**
   * Brings {@code raw} into canonical form for {@code type}.
   *
   * @throws InvalidObservableException if the value is not a valid {@code type}
   */
  public static NormalizedObservable normalize(ObservableType type, String raw)
      throws InvalidObservableException {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
