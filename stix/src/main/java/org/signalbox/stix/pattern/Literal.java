package org.signalbox.stix.pattern;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/** The constants a comparison compares against (STIX 2.1 section 9.2). */
public sealed interface Literal {

  /** A string constant, unescaped. */
  record StringValue(String value) implements Literal {
    @Override
    public String toString() {
      return quote(value);
    }
  }

  /** An integer constant; arbitrary size because the grammar puts no bound on it. */
  record IntegerValue(BigInteger value) implements Literal {
    @Override
    public String toString() {
      return value.toString();
    }
  }

  /** A floating-point constant, kept exact. */
  record FloatValue(BigDecimal value) implements Literal {
    @Override
    public String toString() {
      return value.toPlainString();
    }
  }

  /** {@code true} or {@code false}. */
  record BooleanValue(boolean value) implements Literal {
    @Override
    public String toString() {
      return Boolean.toString(value);
    }
  }

  /** {@code t'2016-06-01T00:00:00Z'}; {@code text} is the timestamp as written. */
  record TimestampValue(Instant value, String text) implements Literal {
    @Override
    public String toString() {
      return "t'" + text + "'";
    }
  }

  /** {@code h'ffd8'}: bytes written in hex. */
  record HexValue(byte[] value) implements Literal {
    @Override
    public String toString() {
      return "h'" + HexFormat.of().formatHex(value) + "'";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof HexValue h && java.util.Arrays.equals(value, h.value);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(value);
    }
  }

  /** {@code b'AQID'}: bytes written in base64. */
  record BinaryValue(byte[] value) implements Literal {
    @Override
    public String toString() {
      return "b'" + Base64.getEncoder().encodeToString(value) + "'";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof BinaryValue b && java.util.Arrays.equals(value, b.value);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(value);
    }
  }

  /** The right-hand side of {@code IN}: {@code ('a', 'b')}, possibly empty. */
  record SetValue(List<Literal> elements) implements Literal {
    public SetValue {
      elements = List.copyOf(elements);
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("(");
      for (int i = 0; i < elements.size(); i++) {
        if (i > 0) {
          sb.append(", ");
        }
        sb.append(elements.get(i));
      }
      return sb.append(')').toString();
    }
  }

  /** Writes {@code s} as a pattern string literal, escaping quote and backslash. */
  static String quote(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
