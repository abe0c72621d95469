package org.signalbox.importers.warninglist;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.signalbox.observable.InvalidObservableException;
import org.signalbox.observable.IpNetwork;

/**
 * Networks grouped by prefix length: a lookup masks the address once per prefix length present (at
 * most 33 for IPv4, 129 for IPv6) and probes a hash set, so a list of 60,000 resolver addresses
 * costs a handful of probes, not 60,000 comparisons.
 */
final class CidrSet {
  private final Map<Integer, Set<Key>> v4 = new HashMap<>();
  private final Map<Integer, Set<Key>> v6 = new HashMap<>();
  private final TreeSet<Integer> v4Lengths = new TreeSet<>();
  private final TreeSet<Integer> v6Lengths = new TreeSet<>();

  private record Key(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }
  }

  void add(IpNetwork net) {
    boolean six = net.isIpv6();
    (six ? v6 : v4)
        .computeIfAbsent(net.prefixLength(), k -> new HashSet<>())
        .add(new Key(net.networkBytes().clone()));
    (six ? v6Lengths : v4Lengths).add(net.prefixLength());
  }

  boolean contains(String address) {
    byte[] a;
    try {
      a = IpNetwork.addressBytes(address);
    } catch (InvalidObservableException e) {
      return false;
    }
    boolean six = a.length == 16;
    Map<Integer, Set<Key>> byLength = six ? v6 : v4;
    for (int len : six ? v6Lengths : v4Lengths) {
      if (byLength.get(len).contains(new Key(mask(a, len)))) {
        return true;
      }
    }
    return false;
  }

  private static byte[] mask(byte[] a, int prefix) {
    byte[] m = a.clone();
    for (int i = 0; i < m.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - 8 * i));
      m[i] &= (byte) (0xff << (8 - keep));
    }
    return m;
  }
}
