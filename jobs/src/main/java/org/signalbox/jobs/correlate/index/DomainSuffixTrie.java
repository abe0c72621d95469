package org.signalbox.jobs.correlate.index;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Indicator ids by parent domain, answering "which listed parents is this name strictly below":
 * {@code a.b.example.org} matches parents {@code example.org} and {@code b.example.org}, while
 * {@code example.org} itself does not match {@code example.org} (that is an exact indicator's job,
 * and counting it twice would double the sighting) and {@code badexample.org} does not match {@code
 * example.org} (matching is on label boundaries, never on characters).
 *
 * <p>A trie of labels read from the top-level domain down. Domains are expected in the canonical
 * form of {@code ObservableNormalizer} (lowercase, punycode, no trailing dot); the trie compares
 * labels as given and does not normalize. Removal prunes nodes that carry neither ids nor children.
 *
 * <p>Not thread-safe; meant to live inside one operator instance.
 */
public final class DomainSuffixTrie {
  private final Node root = new Node();
  private int size;

  private static final class Node {
    Map<String, Node> children; // null when none
    Set<String> ids; // null when none

    boolean isEmpty() {
      return ids == null && (children == null || children.isEmpty());
    }
  }

  /**
   * Adds an indicator id for a parent domain.
   *
   * @return false if this (domain, id) pair was already present
   * @throws IllegalArgumentException if the domain is empty or has an empty label
   */
  public boolean add(String parentDomain, String id) {
    if (id == null) {
      throw new IllegalArgumentException("indicator id is null for domain " + parentDomain);
    }
    List<String> labels = labelsFromTop(parentDomain);
    Node node = root;
    for (String label : labels) {
      if (node.children == null) {
        node.children = new HashMap<>(4);
      }
      node = node.children.computeIfAbsent(label, l -> new Node());
    }
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
   * Removes an indicator id from a parent domain, pruning nodes left empty.
   *
   * @return false if the pair was not present
   */
  public boolean remove(String parentDomain, String id) {
    List<String> labels = labelsFromTop(parentDomain);
    List<Node> path = new ArrayList<>(labels.size() + 1);
    Node node = root;
    path.add(node);
    for (String label : labels) {
      node = node.children == null ? null : node.children.get(label);
      if (node == null) {
        return false;
      }
      path.add(node);
    }
    if (node.ids == null || !node.ids.remove(id)) {
      return false;
    }
    size--;
    if (node.ids.isEmpty()) {
      node.ids = null;
    }
    for (int i = path.size() - 1; i >= 1 && path.get(i).isEmpty(); i--) {
      Node parent = path.get(i - 1);
      parent.children.remove(labels.get(i - 1));
      if (parent.children.isEmpty()) {
        parent.children = null;
      }
    }
    return true;
  }

  /**
   * Reports the ids of every listed parent that is a strict suffix of {@code canonicalDomain} on a
   * label boundary, the shortest parent first.
   */
  public void forEachMatch(String canonicalDomain, Consumer<String> idConsumer) {
    Node node = root;
    int end = canonicalDomain.length();
    while (end > 0) {
      int dot = canonicalDomain.lastIndexOf('.', end - 1);
      if (dot < 0) {
        // The remaining label is the leftmost one: the node for it would be the domain itself.
        return;
      }
      if (node.children == null) {
        return;
      }
      node = node.children.get(canonicalDomain.substring(dot + 1, end));
      if (node == null) {
        return;
      }
      if (node.ids != null) {
        node.ids.forEach(idConsumer);
      }
      end = dot;
    }
  }

  /** Number of (domain, id) pairs. */
  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** Nodes currently allocated, root included; for tests that prove pruning works. */
  int nodeCount() {
    return count(root);
  }

  private static int count(Node n) {
    int c = 1;
    if (n.children != null) {
      for (Node child : n.children.values()) {
        c += count(child);
      }
    }
    return c;
  }

  private static List<String> labelsFromTop(String domain) {
    if (domain == null || domain.isEmpty()) {
      throw new IllegalArgumentException("parent domain is empty");
    }
    List<String> labels = new ArrayList<>();
    int end = domain.length();
    while (true) {
      int dot = domain.lastIndexOf('.', end - 1);
      String label = domain.substring(dot + 1, end);
      if (label.isEmpty()) {
        throw new IllegalArgumentException(
            "parent domain '" + domain + "' has an empty label (expected canonical form)");
      }
      labels.add(label);
      if (dot < 0) {
        return labels;
      }
      end = dot;
    }
  }
}
