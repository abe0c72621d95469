package org.signalbox.stix.regex;

import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.util.automaton.Automata;
import org.apache.lucene.util.automaton.Automaton;
import org.apache.lucene.util.automaton.CharacterRunAutomaton;
import org.apache.lucene.util.automaton.Operations;
import org.apache.lucene.util.automaton.RegExp;
import org.apache.lucene.util.automaton.TooComplexToDeterminizeException;

/**
 * A regular expression (PCRE syntax, as STIX MATCHES and MISP warninglists write them) or a SQL
 * LIKE pattern from outside, compiled to a deterministic Lucene automaton. Matching is one pass
 * over the input with no backtracking, so no pattern can stall the caller; compiling is bounded by
 * {@link #MAX_PATTERN_LENGTH} and {@link #DETERMINIZE_WORK_LIMIT}, and what exceeds them is refused
 * with an {@link InvalidRegexException}.
 *
 * <p>PCRE features a finite automaton cannot express, or that change meaning, are refused rather
 * than approximated: back-references, look-around, word boundaries, possessive quantifiers, and
 * {@code ^}/{@code $} anywhere but at the very start or end. Lazy quantifiers are accepted
 * (laziness does not change whether a string matches). {@code .} also matches a newline.
 */
public final class UntrustedRegex {

  /** Longest pattern accepted, in characters; feeds use far shorter ones. */
  public static final int MAX_PATTERN_LENGTH = 4096;

  /** Bound on determinization work (Lucene's default), which bounds the automaton's size. */
  public static final int DETERMINIZE_WORK_LIMIT = Operations.DEFAULT_DETERMINIZE_WORK_LIMIT;

  private final String source;
  private final Automaton deterministic;
  private final CharacterRunAutomaton automaton;

  private UntrustedRegex(String source, Automaton a) throws InvalidRegexException {
    this.source = source;
    try {
      Automaton d = Operations.determinize(a, DETERMINIZE_WORK_LIMIT);
      this.deterministic = d;
      this.automaton = new CharacterRunAutomaton(d, DETERMINIZE_WORK_LIMIT);
    } catch (TooComplexToDeterminizeException e) {
      throw new InvalidRegexException(
          "pattern is too complex to run in linear time (automaton exceeds the work limit of "
              + DETERMINIZE_WORK_LIMIT
              + ")");
    }
  }

  /** The pattern as given. */
  public String source() {
    return source;
  }

  /**
   * The deterministic automaton over Unicode code points that {@link #matches} runs, for Lucene
   * queries on the same language (e.g. an {@code AutomatonQuery}). Shared, not copied: callers must
   * not modify it.
   */
  public Automaton automaton() {
    return deterministic;
  }

  /** True if the pattern matches {@code text} (a search for regexes, whole-string for LIKE). */
  public boolean matches(String text) {
    return automaton.run(text);
  }

  /**
   * A PCRE-style regex that matches if it is found anywhere in the text, unless anchored with
   * {@code ^} / {@code $}.
   */
  public static UntrustedRegex pcre(String pattern, boolean caseInsensitive)
      throws InvalidRegexException {
    checkLength(pattern);
    Translation t = translate(pattern);
    int flags = caseInsensitive || t.caseInsensitive ? RegExp.ASCII_CASE_INSENSITIVE : 0;
    Automaton core;
    try {
      core = new RegExp(t.lucene, RegExp.NONE, flags).toAutomaton(DETERMINIZE_WORK_LIMIT);
    } catch (IllegalArgumentException e) {
      throw new InvalidRegexException("invalid regular expression: " + e.getMessage());
    } catch (TooComplexToDeterminizeException e) {
      throw new InvalidRegexException("pattern is too complex to run in linear time");
    }
    List<Automaton> parts = new ArrayList<>();
    if (!t.anchoredStart) {
      parts.add(Automata.makeAnyString());
    }
    parts.add(core);
    if (!t.anchoredEnd) {
      parts.add(Automata.makeAnyString());
    }
    return new UntrustedRegex(pattern, Operations.concatenate(parts));
  }

  /**
   * A MISP-style {@code /regex/flags} literal (flag {@code i} honoured, others ignored), or a bare
   * regex.
   */
  public static UntrustedRegex delimited(String text) throws InvalidRegexException {
    if (text.length() >= 2 && text.charAt(0) == '/') {
      int end = text.lastIndexOf('/');
      if (end > 0) {
        String flags = text.substring(end + 1);
        if (flags.chars().allMatch(Character::isLetter)) {
          return pcre(text.substring(1, end), flags.indexOf('i') >= 0);
        }
      }
    }
    return pcre(text, false);
  }

  /** SQL LIKE as STIX defines it: {@code %} any run, {@code _} one character, whole string. */
  public static UntrustedRegex like(String pattern) throws InvalidRegexException {
    checkLength(pattern);
    List<Automaton> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < pattern.length(); ) {
      int cp = pattern.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == '%' || cp == '_') {
        if (literal.length() > 0) {
          parts.add(Automata.makeString(literal.toString()));
          literal.setLength(0);
        }
        parts.add(cp == '%' ? Automata.makeAnyString() : Automata.makeAnyChar());
      } else {
        literal.appendCodePoint(cp);
      }
    }
    if (literal.length() > 0 || parts.isEmpty()) {
      parts.add(Automata.makeString(literal.toString()));
    }
    return new UntrustedRegex(pattern, Operations.concatenate(parts));
  }

  /** A literal substring anywhere in the text. */
  public static UntrustedRegex substring(List<String> needles) throws InvalidRegexException {
    List<Automaton> alternatives = new ArrayList<>();
    for (String n : needles) {
      alternatives.add(Automata.makeString(n));
    }
    Automaton any = Automata.makeAnyString();
    return new UntrustedRegex(
        String.join("|", needles),
        Operations.concatenate(
            List.of(any, Operations.union(alternatives), Automata.makeAnyString())));
  }

  private static void checkLength(String pattern) throws InvalidRegexException {
    if (pattern.length() > MAX_PATTERN_LENGTH) {
      throw new InvalidRegexException(
          "pattern of " + pattern.length() + " characters is longer than " + MAX_PATTERN_LENGTH);
    }
  }

  private static final class Translation {
    String lucene;
    boolean anchoredStart;
    boolean anchoredEnd;
    boolean caseInsensitive;
  }

  /** Rewrites PCRE into Lucene RegExp syntax, refusing what has no faithful equivalent. */
  private static Translation translate(String p) throws InvalidRegexException {
    Translation t = new Translation();
    int start = 0;
    int end = p.length();
    if (p.startsWith("(?i)")) {
      t.caseInsensitive = true;
      start = 4;
    }
    if (start < end && p.charAt(start) == '^') {
      t.anchoredStart = true;
      start++;
    }
    if (end > start && p.charAt(end - 1) == '$' && !escaped(p, end - 1)) {
      t.anchoredEnd = true;
      end--;
    }
    StringBuilder out = new StringBuilder();
    boolean inClass = false;
    // True where an alternative begins (pattern start, after '(' or '|'): an alternative that ends
    // right there is the empty string, which PCRE allows ('(|x)', 'x|') and Lucene's syntax does
    // not (it read '(|x)' as matching nothing), so it is written as Lucene's empty string "".
    boolean alternativeStart = true;
    for (int i = start; i < end; i++) {
      char c = p.charAt(i);
      if (!inClass && c == '|' || !inClass && c == ')') {
        if (alternativeStart) {
          out.append("\"\"");
        }
        out.append(c);
        alternativeStart = c == '|';
        continue;
      }
      alternativeStart = false;
      if (c == '\\') {
        if (i + 1 >= end) {
          throw new InvalidRegexException("regex ends with a lone backslash");
        }
        char e = p.charAt(++i);
        switch (e) {
          case 'd':
            out.append(inClass ? "0-9" : "[0-9]");
            break;
          case 'w':
            out.append(inClass ? "a-zA-Z0-9_" : "[a-zA-Z0-9_]");
            break;
          case 's':
            out.append(inClass ? " \t\n\r\f\u000B" : "[ \t\n\r\f\u000B]");
            break;
          case 'D':
          case 'W':
          case 'S':
            if (inClass) {
              throw new InvalidRegexException("\\" + e + " inside [...] is not supported");
            }
            out.append(e == 'D' ? "[^0-9]" : e == 'W' ? "[^a-zA-Z0-9_]" : "[^ \t\n\r\f\u000B]");
            break;
          case 'n':
            out.append('\n');
            break;
          case 't':
            out.append('\t');
            break;
          case 'r':
            out.append('\r');
            break;
          case 'f':
            out.append('\f');
            break;
          case 'x':
            {
              String hex = p.substring(i + 1, Math.min(i + 3, end));
              if (hex.length() != 2 || !hex.chars().allMatch(h -> Character.digit(h, 16) >= 0)) {
                throw new InvalidRegexException("\\x needs two hex digits");
              }
              appendLiteral(out, (char) Integer.parseInt(hex, 16));
              i += 2;
              break;
            }
          default:
            if (Character.isLetterOrDigit(e)) {
              throw new InvalidRegexException(
                  "\\" + e + " (back-reference, boundary or class) is not supported");
            }
            appendLiteral(out, e);
        }
        continue;
      }
      if (inClass) {
        if (c == ']') {
          inClass = false;
          out.append(c);
        } else if (c == '[' || c == '"' || c == '&' || c == '~') {
          out.append('\\').append(c);
        } else {
          out.append(c);
        }
        continue;
      }
      switch (c) {
        case '[':
          inClass = true;
          out.append(c);
          if (i + 1 < end && p.charAt(i + 1) == '^') {
            out.append('^');
            i++;
          }
          if (i + 1 < end && p.charAt(i + 1) == ']') {
            out.append("\\]");
            i++;
          }
          break;
        case '(':
          if (i + 1 < end && p.charAt(i + 1) == '?') {
            if (i + 2 < end && p.charAt(i + 2) == ':') {
              out.append('(');
              i += 2;
            } else {
              throw new InvalidRegexException(
                  "(? groups other than (?: (look-around, named groups, inline flags) are not supported");
            }
          } else {
            out.append('(');
          }
          alternativeStart = true;
          break;
        case '*':
        case '+':
        case '?':
        case '}':
          out.append(c);
          if (i + 1 < end && p.charAt(i + 1) == '?') {
            i++; // lazy: same language
          } else if (i + 1 < end && p.charAt(i + 1) == '+') {
            throw new InvalidRegexException("possessive quantifier " + c + "+ is not supported");
          }
          break;
        case '^':
        case '$':
          throw new InvalidRegexException(
              "'" + c + "' is only supported at the very start or end of the pattern");
        case '"':
        case '<':
        case '>':
        case '#':
        case '@':
        case '&':
        case '~':
          out.append('\\').append(c);
          break;
        default:
          out.append(c);
      }
    }
    if (inClass) {
      throw new InvalidRegexException("character class [ is not closed");
    }
    if (alternativeStart && out.length() > 0) {
      out.append("\"\"");
    }
    t.lucene = out.toString();
    return t;
  }

  private static boolean escaped(String p, int index) {
    int backslashes = 0;
    for (int i = index - 1; i >= 0 && p.charAt(i) == '\\'; i--) {
      backslashes++;
    }
    return backslashes % 2 == 1;
  }

  private static void appendLiteral(StringBuilder out, char c) {
    if (Character.isLetterOrDigit(c)) {
      out.append(c);
    } else {
      out.append('\\').append(c);
    }
  }

  @Override
  public String toString() {
    return source;
  }
}
