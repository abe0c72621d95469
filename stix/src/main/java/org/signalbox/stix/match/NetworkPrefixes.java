package org.signalbox.stix.match;

import java.util.BitSet;
import java.util.List;
import org.signalbox.observable.InvalidObservableException;
import org.signalbox.observable.IpNetwork;
import org.signalbox.schema.ObservableType;

/**
 * The CIDR prefix lengths that indexed patterns compare IP addresses against, per address type.
 *
 * <p>A network comparison ({@code ipv4-addr:value ISSUBSET '198.51.100.0/24'}, or {@code =} with a
 * CIDR) becomes one exact term, the canonical network text, and an event document carries, for each
 * of its addresses, the network that address lies in at every prefix length some pattern uses. Both
 * sides are formatted by {@link IpNetwork}, so "the address is in the network" and "the terms are
 * equal" are the same statement. Indexing only the lengths in use keeps a document small (a random
 * feed of /16 to /32 networks costs 17 terms per address, not 33 or 129).
 *
 * <p>Lengths are only ever added: a length no pattern uses any more adds terms nothing asks for,
 * which costs a little per event but never changes a result.
 */
public final class NetworkPrefixes {
  private final BitSet ipv4 = new BitSet(129);
  private final BitSet ipv6 = new BitSet(129);

  /** Records that a pattern compares addresses of {@code pathType} against a /{@code length}. */
  void add(ObservableType pathType, int length) {
    bits(pathType).set(length);
  }

  /** True if no pattern compares addresses of {@code type} against a network. */
  boolean isEmpty(ObservableType type) {
    return bits(type).isEmpty();
  }

  /**
   * Adds to {@code out} the network {@code address} lies in at every prefix length in use for
   * {@code type}, in canonical text. An address that does not parse gets none: no network contains
   * it (the matcher itself would refuse to compare it).
   */
  void addTerms(ObservableType type, String address, List<String> out) {
    BitSet lengths = bits(type);
    if (lengths.isEmpty()) {
      return;
    }
    byte[] bytes;
    try {
      bytes = IpNetwork.addressBytes(address);
    } catch (InvalidObservableException e) {
      return;
    }
    int maxLength = bytes.length * 8;
    byte[] masked = new byte[bytes.length];
    for (int p = lengths.nextSetBit(0); p >= 0 && p <= maxLength; p = lengths.nextSetBit(p + 1)) {
      for (int i = 0; i < bytes.length; i++) {
        int bitsInByte = Math.max(0, Math.min(8, p - i * 8));
        masked[i] = (byte) (bytes[i] & (0xff << (8 - bitsInByte)));
      }
      out.add(IpNetwork.canonicalAddress(masked) + "/" + p);
    }
  }

  private BitSet bits(ObservableType type) {
    return type == ObservableType.IPV6 ? ipv6 : ipv4;
  }
}
