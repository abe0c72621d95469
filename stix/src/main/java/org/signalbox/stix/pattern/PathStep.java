package org.signalbox.stix.pattern;

/** One step of an {@link ObjectPath}: a property key, a list index, or any list element. */
public sealed interface PathStep {

  /** A property name; {@code quoted} when the pattern wrote it as a string ({@code 'SHA-256'}). */
  record Key(String name, boolean quoted) implements PathStep {
    @Override
    public String toString() {
      return quoted || !isPlainIdentifier(name) ? Literal.quote(name) : name;
    }

    private static boolean isPlainIdentifier(String s) {
      if (s.isEmpty() || !(Character.isLetter(s.charAt(0)) || s.charAt(0) == '_')) {
        return false;
      }
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!ok && c != '_') {
          return false;
        }
      }
      return true;
    }
  }

  /** A list element by position; negative indexes count from the end, as the grammar allows. */
  record Index(long index) implements PathStep {
    @Override
    public String toString() {
      return "[" + index + "]";
    }
  }

  /** {@code [*]}: any element of the list. */
  record AnyIndex() implements PathStep {
    @Override
    public String toString() {
      return "[*]";
    }
  }
}
