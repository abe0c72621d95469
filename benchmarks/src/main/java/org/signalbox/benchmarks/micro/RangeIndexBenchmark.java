package org.signalbox.benchmarks.micro;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.signalbox.jobs.correlate.index.CidrTrie;
import org.signalbox.jobs.correlate.index.DomainSuffixTrie;
import org.signalbox.observable.InvalidObservableException;
import org.signalbox.observable.IpNetwork;

/**
 * One lookup in the CIDR trie and in the domain-suffix trie holding {@code ranges} entries. The
 * probes are random: about one in eight addresses falls inside a planted network, and one in eight
 * domains under a planted parent, so both the hit and the miss paths are measured.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RangeIndexBenchmark {

  @Param({"1000", "1000000"})
  public int ranges;

  private CidrTrie cidr;
  private DomainSuffixTrie suffixes;
  private byte[][] addresses;
  private String[] domains;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws InvalidObservableException {
    SplittableRandom r = new SplittableRandom(7L);
    cidr = new CidrTrie();
    suffixes = new DomainSuffixTrie();
    String[] parents = new String[ranges];
    String[] networks = new String[ranges];
    for (int i = 0; i < ranges; i++) {
      int prefix = 16 + r.nextInt(17);
      networks[i] = MicroData.ipv4(r) + "/" + prefix;
      IpNetwork net = IpNetwork.parse(masked(networks[i]));
      cidr.add(net, org.signalbox.core.IndicatorIds.named("cidr-" + i));
      parents[i] = MicroData.hex(r, 10) + "." + (i % 2 == 0 ? "net" : "com");
      suffixes.add(parents[i], org.signalbox.core.IndicatorIds.named("suffix-" + i));
    }
    addresses = new byte[4096][];
    domains = new String[4096];
    for (int i = 0; i < 4096; i++) {
      String ip = i % 8 == 0 ? networks[r.nextInt(ranges)].split("/")[0] : MicroData.ipv4(r);
      addresses[i] = IpNetwork.addressBytes(ip);
      domains[i] =
          i % 8 == 0 ? "www." + parents[r.nextInt(ranges)] : "www." + MicroData.hex(r, 10) + ".org";
    }
  }

  /** Zeroes the host bits, since a CIDR indicator names its network address. */
  private static String masked(String cidrText) throws InvalidObservableException {
    String[] parts = cidrText.split("/");
    int prefix = Integer.parseInt(parts[1]);
    byte[] a = IpNetwork.addressBytes(parts[0]);
    int v = ((a[0] & 0xff) << 24) | ((a[1] & 0xff) << 16) | ((a[2] & 0xff) << 8) | (a[3] & 0xff);
    v &= prefix == 0 ? 0 : -1 << (32 - prefix);
    return ((v >>> 24) & 0xff)
        + "."
        + ((v >>> 16) & 0xff)
        + "."
        + ((v >>> 8) & 0xff)
        + "."
        + (v & 0xff)
        + "/"
        + prefix;
  }

  @Benchmark
  public void cidrLookup(Blackhole bh) {
    cidr.forEachMatch(addresses[next++ & 4095], bh::consume);
  }

  @Benchmark
  public void domainSuffixLookup(Blackhole bh) {
    suffixes.forEachMatch(domains[next++ & 4095], bh::consume);
  }
}
