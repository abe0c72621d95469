package org.signalbox.stix.pattern;

import java.util.List;

/**
 * An object path such as {@code file:hashes.'SHA-256'} or {@code
 * email-message:body_multipart[*].body_raw_ref.name}: the SCO type and the steps into it.
 *
 * @param objectType SCO type, e.g. {@code ipv4-addr}
 * @param steps first step is always a {@link PathStep.Key}
 */
public record ObjectPath(String objectType, List<PathStep> steps) {
  public ObjectPath {
    steps = List.copyOf(steps);
  }

  /**
   * The property path without the type, dotted, with list steps as {@code [n]} / {@code [*]} and
   * keys as written unquoted: {@code hashes.SHA-256}, {@code body_multipart[*].body_raw_ref.name}.
   */
  public String propertyPath() {
    StringBuilder sb = new StringBuilder();
    for (PathStep step : steps) {
      if (step instanceof PathStep.Key key) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(key.name());
      } else {
        sb.append(step);
      }
    }
    return sb.toString();
  }

  /** True if the path is exactly {@code objectType:key1.key2...} with the given keys. */
  public boolean is(String type, String... keys) {
    if (!objectType.equals(type) || steps.size() != keys.length) {
      return false;
    }
    for (int i = 0; i < keys.length; i++) {
      if (!(steps.get(i) instanceof PathStep.Key key) || !key.name().equals(keys[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(objectType).append(':');
    boolean first = true;
    for (PathStep step : steps) {
      if (step instanceof PathStep.Key && !first) {
        sb.append('.');
      }
      sb.append(step);
      first = false;
    }
    return sb.toString();
  }
}
