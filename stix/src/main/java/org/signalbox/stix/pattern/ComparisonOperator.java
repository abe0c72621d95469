package org.signalbox.stix.pattern;

/** The comparison operators of STIX 2.1 patterning (section 9.4), as written in a pattern. */
public enum ComparisonOperator {
  EQ("="),
  NEQ("!="),
  LT("<"),
  LE("<="),
  GT(">"),
  GE(">="),
  IN("IN"),
  LIKE("LIKE"),
  MATCHES("MATCHES"),
  ISSUBSET("ISSUBSET"),
  ISSUPERSET("ISSUPERSET");

  private final String symbol;

  ComparisonOperator(String symbol) {
    this.symbol = symbol;
  }

  /** The operator as written in a pattern. */
  public String symbol() {
    return symbol;
  }
}
