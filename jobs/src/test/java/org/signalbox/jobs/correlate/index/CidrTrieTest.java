package org.signalbox.jobs.correlate.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.signalbox.observable.InvalidObservableException;
import org.signalbox.observable.IpNetwork;

class CidrTrieTest {

  static IpNetwork net(String cidr) {
    try {
      return IpNetwork.parse(cidr);
    } catch (InvalidObservableException e) {
      throw new AssertionError(e);
    }
  }

  static List<String> matches(CidrTrie trie, String ip) {
    List<String> out = new ArrayList<>();
    trie.forEachMatch(ip, out::add);
    Collections.sort(out);
    return out;
  }

  private static CidrTrie sample() {
    CidrTrie trie = new CidrTrie();
    trie.add(net("0.0.0.0/0"), "everything-v4");
    trie.add(net("10.0.0.0/8"), "rfc1918-10");
    trie.add(net("10.1.0.0/16"), "site-a");
    trie.add(net("10.1.2.0/24"), "lan-a2");
    trie.add(net("10.1.2.3/32"), "host-a23");
    trie.add(net("10.1.128.0/17"), "site-a-upper");
    trie.add(net("192.168.0.0/16"), "rfc1918-192");
    trie.add(net("2001:db8::/32"), "doc-v6");
    trie.add(net("2001:db8:1::/48"), "doc-v6-1");
    trie.add(net("2001:db8:1::1/128"), "doc-v6-host");
    return trie;
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "10.1.2.3 | everything-v4,host-a23,lan-a2,rfc1918-10,site-a",
        "10.1.2.4 | everything-v4,lan-a2,rfc1918-10,site-a",
        "10.1.3.4 | everything-v4,rfc1918-10,site-a",
        "10.1.200.1 | everything-v4,rfc1918-10,site-a,site-a-upper",
        "10.2.0.1 | everything-v4,rfc1918-10",
        "11.0.0.1 | everything-v4",
        "192.168.255.255 | everything-v4,rfc1918-192",
        "::ffff:10.1.2.3 | everything-v4,host-a23,lan-a2,rfc1918-10,site-a",
        "2001:db8:1::1 | doc-v6,doc-v6-1,doc-v6-host",
        "2001:db8:1::2 | doc-v6,doc-v6-1",
        "2001:db8:2::1 | doc-v6",
        "2001:db9::1 | ''",
        "::a01:203 | ''",
      })
  void reportsEveryEnclosingNetwork(String ip, String expected) {
    List<String> want = expected.isEmpty() ? List.of() : List.of(expected.split(","));
    assertThat(matches(sample(), ip)).containsExactlyElementsOf(want);
  }

  @Test
  void reportsLeastSpecificFirst() {
    List<String> out = new ArrayList<>();
    sample().forEachMatch("10.1.2.3", out::add);
    assertThat(out).containsExactly("everything-v4", "rfc1918-10", "site-a", "lan-a2", "host-a23");
  }

  @Test
  void ipv4NeverMatchesIpv6Networks() {
    CidrTrie trie = new CidrTrie();
    trie.add(net("::/0"), "all-v6");
    trie.add(net("::/96"), "v4-compatible");
    assertThat(matches(trie, "0.0.0.0")).isEmpty();
    assertThat(matches(trie, "10.1.2.3")).isEmpty();
    assertThat(matches(trie, "::a01:203")).containsExactly("all-v6", "v4-compatible");
  }

  @Test
  void sizeCountsPairsAndDuplicatesAreIgnored() {
    CidrTrie trie = new CidrTrie();
    assertThat(trie.isEmpty()).isTrue();
    assertThat(trie.add(net("10.0.0.0/8"), "a")).isTrue();
    assertThat(trie.add(net("10.0.0.0/8"), "b")).isTrue();
    assertThat(trie.add(net("10.9.9.9/8"), "a")).as("same network after masking").isFalse();
    assertThat(trie.add(net("10.0.0.0/16"), "a")).isTrue();
    assertThat(trie.size()).isEqualTo(3);
    assertThat(matches(trie, "10.0.1.1")).containsExactly("a", "a", "b");
  }

  @Test
  void removeReportsWhetherThePairWasPresent() {
    CidrTrie trie = sample();
    int before = trie.size();
    assertThat(trie.remove(net("10.1.0.0/16"), "not-there")).isFalse();
    assertThat(trie.remove(net("10.1.0.0/17"), "site-a")).isFalse();
    assertThat(trie.remove(net("10.1.0.0/15"), "site-a")).isFalse();
    assertThat(trie.remove(net("2001:db8::/33"), "doc-v6")).isFalse();
    assertThat(trie.size()).isEqualTo(before);
    assertThat(trie.remove(net("10.1.0.0/16"), "site-a")).isTrue();
    assertThat(trie.remove(net("10.1.0.0/16"), "site-a")).isFalse();
    assertThat(trie.size()).isEqualTo(before - 1);
    assertThat(matches(trie, "10.1.2.3"))
        .containsExactly("everything-v4", "host-a23", "lan-a2", "rfc1918-10");
  }

  @Test
  void removingEverythingLeavesOnlyTheRoots() {
    CidrTrie trie = sample();
    assertThat(trie.nodeCount()).isGreaterThan(2);
    for (String[] pair :
        new String[][] {
          {"10.1.2.0/24", "lan-a2"},
          {"0.0.0.0/0", "everything-v4"},
          {"10.1.128.0/17", "site-a-upper"},
          {"2001:db8:1::/48", "doc-v6-1"},
          {"10.0.0.0/8", "rfc1918-10"},
          {"10.1.2.3/32", "host-a23"},
          {"192.168.0.0/16", "rfc1918-192"},
          {"2001:db8::/32", "doc-v6"},
          {"10.1.0.0/16", "site-a"},
          {"2001:db8:1::1/128", "doc-v6-host"},
        }) {
      assertThat(trie.remove(net(pair[0]), pair[1])).as(pair[0]).isTrue();
    }
    assertThat(trie.size()).isZero();
    assertThat(trie.nodeCount()).isEqualTo(2);
    assertThat(matches(trie, "10.1.2.3")).isEmpty();
  }

  @Test
  void nodeCountStaysBelowTwiceTheNetworks() {
    // Path compression: 1000 random IPv6 hosts cost at most 2 nodes each, not 128.
    CidrTrie trie = new CidrTrie();
    Random random = new Random(7);
    for (int i = 0; i < 1000; i++) {
      byte[] a = new byte[16];
      random.nextBytes(a);
      trie.add(net(hex6(a) + "/128"), "h" + i);
    }
    assertThat(trie.nodeCount()).isLessThanOrEqualTo(2 * 1000 + 2);
  }

  @Test
  void refusesNonAddresses() {
    CidrTrie trie = sample();
    assertThatThrownBy(() -> trie.forEachMatch("example.org", id -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'example.org'");
    assertThatThrownBy(() -> trie.forEachMatch(new byte[5], id -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("4 or 16 bytes");
    assertThatThrownBy(() -> trie.add(net("10.0.0.0/8"), null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * The trie against a linear scan with {@link IpNetwork#contains(byte[])}, over random networks
   * drawn from a few crowded regions (so prefixes nest, share bits and split each other) and
   * addresses drawn near them; then again after removing a random half, and after removing all.
   */
  @Test
  void agreesWithALinearScan() {
    Random random = new Random(20240412L);
    CidrTrie trie = new CidrTrie();
    List<IpNetwork> networks = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    Set<String> pairs = new LinkedHashSet<>();
    for (int i = 0; i < 3000; i++) {
      IpNetwork n = randomNetwork(random);
      // Reuse some ids on several networks and some networks for several ids.
      String id = "i" + random.nextInt(2500);
      if (pairs.add(n + " " + id)) {
        networks.add(n);
        ids.add(id);
        assertThat(trie.add(n, id)).isTrue();
      } else {
        assertThat(trie.add(n, id)).isFalse();
      }
    }
    assertThat(trie.size()).isEqualTo(networks.size());
    List<byte[]> probes = new ArrayList<>();
    for (int i = 0; i < 4000; i++) {
      probes.add(randomAddress(random, random.nextInt(4) == 0));
    }
    for (IpNetwork n : networks) {
      probes.add(n.networkBytes()); // the network address itself
      probes.add(lastAddress(n)); // and its broadcast end
    }
    crossCheck(trie, networks, ids, probes);

    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < networks.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, random);
    List<IpNetwork> keptNetworks = new ArrayList<>();
    List<String> keptIds = new ArrayList<>();
    for (int k = 0; k < order.size(); k++) {
      int i = order.get(k);
      if (k % 2 == 0) {
        assertThat(trie.remove(networks.get(i), ids.get(i))).isTrue();
      } else {
        keptNetworks.add(networks.get(i));
        keptIds.add(ids.get(i));
      }
    }
    assertThat(trie.size()).isEqualTo(keptNetworks.size());
    crossCheck(trie, keptNetworks, keptIds, probes);
    assertThat(trie.nodeCount()).isLessThanOrEqualTo(2 * keptNetworks.size() + 2);

    for (int i = 0; i < keptNetworks.size(); i++) {
      assertThat(trie.remove(keptNetworks.get(i), keptIds.get(i))).isTrue();
    }
    assertThat(trie.size()).isZero();
    assertThat(trie.nodeCount()).isEqualTo(2);
  }

  /**
   * Real networks (MISP warninglists: cloud ranges, mail senders, multicast, RFC 1918) against the
   * real addresses of the WRCCDC Zeek DNS log (clients, servers and answers).
   */
  @Test
  void agreesWithALinearScanOnRealWarninglistsAndZeekAddresses() throws Exception {
    CidrTrie trie = new CidrTrie();
    List<IpNetwork> networks = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (String list : List.of("amazon-aws", "google-gmail-sending-ips", "multicast", "rfc1918")) {
      List<String> values = SharedSampleData.warninglist(list);
      for (int i = 0; i < values.size(); i++) {
        IpNetwork n = IpNetwork.parse(values.get(i));
        String id = list + "#" + i;
        trie.add(n, id);
        networks.add(n);
        ids.add(id);
      }
    }
    assertThat(trie.size()).isEqualTo(networks.size()).isGreaterThan(3000);

    Set<String> addresses = new LinkedHashSet<>();
    SharedSampleData.zeekRows(
        "dns.log",
        f -> {
          addresses.add(f[2]);
          addresses.add(f[4]);
          addresses.addAll(List.of(f[21].split(",")));
        });
    List<byte[]> probes = new ArrayList<>();
    for (String a : addresses) {
      try {
        probes.add(IpNetwork.addressBytes(a));
      } catch (InvalidObservableException e) {
        // Zeek writes '-' for unset fields, and answers hold names and TXT data too; but
        // anything shaped like a dotted quad must parse.
        assertThat(a).as("unparsed Zeek value").doesNotMatch("[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+");
      }
    }
    assertThat(probes).hasSizeGreaterThan(500);
    crossCheck(trie, networks, ids, probes, 0.1);
  }

  static void crossCheck(
      CidrTrie trie, List<IpNetwork> networks, List<String> ids, List<byte[]> probes) {
    crossCheck(trie, networks, ids, probes, 0.5);
  }

  static void crossCheck(
      CidrTrie trie,
      List<IpNetwork> networks,
      List<String> ids,
      List<byte[]> probes,
      double minHitShare) {
    int nonEmpty = 0;
    for (byte[] address : probes) {
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < networks.size(); i++) {
        if (networks.get(i).contains(address)) {
          expected.add(ids.get(i));
        }
      }
      List<String> actual = new ArrayList<>();
      trie.forEachMatch(address, actual::add);
      Collections.sort(expected);
      Collections.sort(actual);
      assertThat(actual).as("matches of %s", hexOrDotted(address)).isEqualTo(expected);
      if (!expected.isEmpty()) {
        nonEmpty++;
      }
    }
    // The check only means something if enough probes hit something.
    assertThat(nonEmpty).isGreaterThan((int) (probes.size() * minHitShare));
  }

  private static final int[][] V4_REGIONS = {{10}, {10, 1}, {192, 168}, {198, 51, 100}, {}};
  private static final int[][] V6_REGIONS = {{0x20, 0x01, 0x0d, 0xb8}, {0xfe, 0x80}, {}};

  private static byte[] randomAddress(Random random, boolean v6) {
    int[][] regions = v6 ? V6_REGIONS : V4_REGIONS;
    byte[] a = new byte[v6 ? 16 : 4];
    random.nextBytes(a);
    int[] region = regions[random.nextInt(regions.length)];
    for (int i = 0; i < region.length; i++) {
      a[i] = (byte) region[i];
    }
    // Crowd the next byte into a few values so that long prefixes collide too.
    if (region.length < a.length && random.nextBoolean()) {
      a[region.length] = (byte) random.nextInt(4);
    }
    return a;
  }

  private static IpNetwork randomNetwork(Random random) {
    boolean v6 = random.nextInt(4) == 0;
    byte[] a = randomAddress(random, v6);
    int max = a.length * 8;
    int prefix;
    int r = random.nextInt(10);
    if (r == 0) {
      prefix = max; // host
    } else if (r == 1) {
      prefix = random.nextInt(9); // very short
    } else {
      prefix = v6 ? 16 + random.nextInt(max - 15) : 8 + random.nextInt(max - 7);
    }
    return net((v6 ? hex6(a) : dotted(a)) + "/" + prefix);
  }

  private static byte[] lastAddress(IpNetwork n) {
    byte[] a = n.networkBytes();
    for (int bit = n.prefixLength(); bit < a.length * 8; bit++) {
      a[bit >>> 3] |= (byte) (0x80 >>> (bit & 7));
    }
    return a;
  }

  static String dotted(byte[] a) {
    return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
  }

  static String hex6(byte[] a) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 16; i += 2) {
      if (i > 0) {
        sb.append(':');
      }
      sb.append(Integer.toHexString(((a[i] & 0xff) << 8) | (a[i + 1] & 0xff)));
    }
    return sb.toString();
  }

  private static String hexOrDotted(byte[] a) {
    return a.length == 4 ? dotted(a) : hex6(a);
  }
}
