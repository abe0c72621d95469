package org.signalbox.jobs.correlate.index;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.signalbox.observable.InvalidObservableException;
import org.signalbox.observable.IpNetwork;

/**
 * Indicator ids by IP network, answering "which networks contain this address" with every enclosing
 * network, not just the most specific one: a /8 from one feed and a /24 from another are two
 * indicators and both are sightings.
 *
 * <p>A path-compressed binary trie (one for IPv4, one for IPv6, so an IPv4 address never meets an
 * IPv6 network). Every node other than the root holds ids or has two children; that keeps the node
 * count below twice the number of networks whatever their prefix lengths, where a plain
 * bit-per-level trie would spend up to 128 nodes on one IPv6 host. Removal restores the invariant,
 * so a trie that has seen many indicators expire holds no dead nodes.
 *
 * <p>Not thread-safe; meant to live inside one operator instance.
 */
public final class CidrTrie {
  private final Node v4Root = new Node(new byte[4], 0);
  private final Node v6Root = new Node(new byte[16], 0);
  private int size;

  private static final class Node {
    final byte[] key; // network address, host bits zero
    final int prefixLength;
    final Node[] children = new Node[2]; // indexed by the bit at position prefixLength
    Set<String> ids; // null when none, so interior nodes cost no set

    Node(byte[] key, int prefixLength) {
      this.key = key;
      this.prefixLength = prefixLength;
    }

    int childCount() {
      return (children[0] == null ? 0 : 1) + (children[1] == null ? 0 : 1);
    }
  }

  /**
   * Adds an indicator id for a network.
   *
   * @return false if this (network, id) pair was already present
   */
  public boolean add(IpNetwork network, String id) {
    if (id == null) {
      throw new IllegalArgumentException("indicator id is null for network " + network);
    }
    byte[] key = network.networkBytes();
    int len = network.prefixLength();
    Node node = network.isIpv6() ? v6Root : v4Root;
    while (true) {
      if (node.prefixLength == len) {
        // By the trie invariant node's prefix is a prefix of key, and equal length means equal.
        return addId(node, id);
      }
      int b = bit(key, node.prefixLength);
      Node child = node.children[b];
      if (child == null) {
        Node leaf = new Node(key, len);
        node.children[b] = leaf;
        return addId(leaf, id);
      }
      int common = commonPrefix(child.key, key, Math.min(child.prefixLength, len));
      if (common == child.prefixLength) {
        node = child;
        continue;
      }
      if (common == len) {
        // The new network encloses the child: put it between node and child.
        Node inner = new Node(key, len);
        inner.children[bit(child.key, len)] = child;
        node.children[b] = inner;
        return addId(inner, id);
      }
      // The two diverge below both prefixes: a branch node at the first differing bit.
      Node branch = new Node(maskTo(key, common), common);
      Node leaf = new Node(key, len);
      branch.children[bit(key, common)] = leaf;
      branch.children[bit(child.key, common)] = child;
      node.children[b] = branch;
      return addId(leaf, id);
    }
  }

  private boolean addId(Node node, String id) {
    if (node.ids == null) {
      node.ids = new HashSet<>(2);
    }
    boolean added = node.ids.add(id);
    if (added) {
      size++;
    }
    return added;
  }

  /**
   * Removes an indicator id from a network, pruning nodes that no longer carry anything.
   *
   * @return false if the pair was not present
   */
  public boolean remove(IpNetwork network, String id) {
    byte[] key = network.networkBytes();
    int len = network.prefixLength();
    List<Node> path = new ArrayList<>();
    Node node = network.isIpv6() ? v6Root : v4Root;
    path.add(node);
    while (node.prefixLength < len) {
      Node child = node.children[bit(key, node.prefixLength)];
      if (child == null
          || child.prefixLength > len
          || commonPrefix(child.key, key, child.prefixLength) < child.prefixLength) {
        return false;
      }
      node = child;
      path.add(node);
    }
    if (node.ids == null || !node.ids.remove(id)) {
      return false;
    }
    size--;
    if (node.ids.isEmpty()) {
      node.ids = null;
    }
    prune(path);
    return true;
  }

  /** Walks back up, detaching empty leaves and splicing out id-less single-child nodes. */
  private static void prune(List<Node> path) {
    for (int i = path.size() - 1; i >= 1; i--) {
      Node n = path.get(i);
      Node parent = path.get(i - 1);
      int kids = n.childCount();
      if (n.ids != null || kids == 2) {
        return;
      }
      int slot = parent.children[0] == n ? 0 : 1;
      if (kids == 1) {
        // The child's key still starts with the parent's prefix, so it takes n's slot as is.
        parent.children[slot] = n.children[0] != null ? n.children[0] : n.children[1];
        return;
      }
      parent.children[slot] = null;
      // The parent lost a child and may now be an id-less single-child node itself.
    }
  }

  /**
   * Reports the id of every network containing the address, least specific network first.
   *
   * @param canonicalIp an IPv4 or IPv6 literal (canonical form expected, any literal accepted)
   * @throws IllegalArgumentException if {@code canonicalIp} is not an IP address literal: the
   *     caller should have normalized it, so this is a programming error
   */
  public void forEachMatch(String canonicalIp, Consumer<String> idConsumer) {
    byte[] address;
    try {
      address = IpNetwork.addressBytes(canonicalIp);
    } catch (InvalidObservableException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    forEachMatch(address, idConsumer);
  }

  /** {@link #forEachMatch(String, Consumer)} for the 4 or 16 bytes of an address. */
  public void forEachMatch(byte[] address, Consumer<String> idConsumer) {
    Node node;
    if (address.length == 4) {
      node = v4Root;
    } else if (address.length == 16) {
      node = v6Root;
    } else {
      throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + address.length);
    }
    int maxLen = address.length * 8;
    while (true) {
      if (node.ids != null) {
        node.ids.forEach(idConsumer);
      }
      if (node.prefixLength == maxLen) {
        return;
      }
      Node child = node.children[bit(address, node.prefixLength)];
      if (child == null
          || commonPrefix(child.key, address, child.prefixLength) < child.prefixLength) {
        return;
      }
      node = child;
    }
  }

  /** Number of (network, id) pairs. */
  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** Nodes currently allocated, roots included; for tests that prove pruning works. */
  int nodeCount() {
    return count(v4Root) + count(v6Root);
  }

  private static int count(Node n) {
    if (n == null) {
      return 0;
    }
    return 1 + count(n.children[0]) + count(n.children[1]);
  }

  private static int bit(byte[] a, int i) {
    return (a[i >>> 3] >>> (7 - (i & 7))) & 1;
  }

  /** Length of the common prefix of a and b, looking at no more than {@code limit} bits. */
  private static int commonPrefix(byte[] a, byte[] b, int limit) {
    int i = 0;
    while (i + 8 <= limit) {
      int x = (a[i >>> 3] ^ b[i >>> 3]) & 0xff;
      if (x != 0) {
        return i + Integer.numberOfLeadingZeros(x) - 24;
      }
      i += 8;
    }
    while (i < limit && bit(a, i) == bit(b, i)) {
      i++;
    }
    return i;
  }

  private static byte[] maskTo(byte[] key, int prefix) {
    byte[] out = key.clone();
    for (int i = 0; i < out.length; i++) {
      int bits = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] &= (byte) (0xff << (8 - bits));
    }
    return out;
  }
}
