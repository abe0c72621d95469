package org.signalbox.stix.pattern;

/**
 * A parsed STIX 2.1 pattern: the text as received and its syntax tree.
 *
 * <pre>{@code
 * StixPattern p = StixPattern.parse("[ipv4-addr:value = '198.51.100.7']");
 * }</pre>
 */
public record StixPattern(String text, ObservationExpression root) {

  /**
   * Parses {@code text} under the whole STIX 2.1 patterning grammar.
   *
   * @throws InvalidPatternException naming the column of the fault and what was expected there
   */
  public static StixPattern parse(String text) throws InvalidPatternException {
    return new StixPattern(text, new StixPatternParser(text).parsePattern());
  }

  /** The pattern written back in canonical spacing; parsing it again gives an equal tree. */
  public String canonicalText() {
    return root.toString();
  }
}
