package org.signalbox.stix.pattern;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Recursive-descent parser for the STIX 2.1 patterning grammar (the OASIS {@code STIXPattern.g4}
 * grammar, with the same operator precedence: inside brackets AND binds tighter than OR; between
 * observations AND, then OR, then FOLLOWEDBY; qualifiers bind to the observation before them).
 *
 * <p>Patterns come from feeds and are untrusted: lexing is a single pass, every loop consumes
 * input, and parenthesis nesting is bounded so a hostile pattern cannot exhaust the stack.
 */
final class StixPatternParser {

  /** Deepest parenthesis or bracket nesting accepted; real patterns stay below ten. */
  static final int MAX_NESTING = 100;

  /**
   * Largest {@code REPEATS n TIMES} accepted. A stream matcher must hold n observations of the
   * expression to decide it, so n is state; feeds use single digits.
   */
  public static final int MAX_REPEATS = 1000;

  /**
   * Longest {@code WITHIN} accepted, in seconds (366 days). A window is state held for that long;
   * the correlate job caps it further ({@code correlate.sequence-max-window}).
   */
  public static final long MAX_WITHIN_SECONDS = 366L * 24 * 3600;

  /**
   * Hash literal shapes by algorithm, as the OASIS pattern validator checks them (its {@code
   * HASHES_REGEX}); keys are the algorithm upper-cased without '-'. Algorithms not listed (custom
   * ones, TLSH) are not checked.
   */
  private static final java.util.Map<String, int[]> HEX_HASH_LENGTHS =
      java.util.Map.ofEntries(
          java.util.Map.entry("MD5", new int[] {32}),
          java.util.Map.entry("MD6", new int[] {32, 40, 56, 64, 96, 128}),
          java.util.Map.entry("RIPEMD160", new int[] {40}),
          java.util.Map.entry("SHA1", new int[] {40}),
          java.util.Map.entry("SHA224", new int[] {56}),
          java.util.Map.entry("SHA256", new int[] {64}),
          java.util.Map.entry("SHA384", new int[] {96}),
          java.util.Map.entry("SHA512", new int[] {128}),
          java.util.Map.entry("SHA3224", new int[] {56}),
          java.util.Map.entry("SHA3256", new int[] {64}),
          java.util.Map.entry("SHA3384", new int[] {96}),
          java.util.Map.entry("SHA3512", new int[] {128}),
          java.util.Map.entry("WHIRLPOOL", new int[] {128}));

  private static final Set<String> KEYWORDS =
      Set.of(
          "AND",
          "OR",
          "NOT",
          "FOLLOWEDBY",
          "LIKE",
          "MATCHES",
          "ISSUPERSET",
          "ISSUBSET",
          "EXISTS",
          "LAST",
          "IN",
          "START",
          "STOP",
          "SECONDS",
          "WITHIN",
          "REPEATS",
          "TIMES");

  private enum Kind {
    LBRACK,
    RBRACK,
    LPAREN,
    RPAREN,
    COLON,
    DOT,
    COMMA,
    ASTERISK,
    OPERATOR,
    KEYWORD,
    IDENTIFIER,
    STRING,
    INTEGER,
    FLOAT,
    BOOLEAN,
    TIMESTAMP,
    HEX,
    BINARY,
    END
  }

  private record Token(Kind kind, String text, int column, Object value) {
    boolean is(Kind k, String t) {
      return kind == k && text.equals(t);
    }

    String describe() {
      switch (kind) {
        case END:
          return "end of pattern";
        case STRING:
          return "string " + text;
        case KEYWORD:
          return text;
        case IDENTIFIER:
          return "identifier '" + text + "'";
        case INTEGER:
        case FLOAT:
          return "number " + text;
        case BOOLEAN:
          return text;
        case TIMESTAMP:
          return "timestamp " + text;
        case HEX:
        case BINARY:
          return "binary " + text;
        default:
          return "'" + text + "'";
      }
    }
  }

  private final String src;
  private final List<Token> tokens;
  private int pos;
  private int depth;

  StixPatternParser(String src) throws InvalidPatternException {
    if (src == null) {
      throw new InvalidPatternException(1, "expected a pattern but found nothing (null)");
    }
    this.src = src;
    this.tokens = new Lexer(src).lex();
  }

  ObservationExpression parsePattern() throws InvalidPatternException {
    if (peek().kind == Kind.END) {
      throw expected("'[' or '(' starting an observation");
    }
    ObservationExpression root = observationExpressions();
    if (peek().kind != Kind.END) {
      if (peek().kind == Kind.RPAREN) {
        throw new InvalidPatternException(peek().column, "')' without a matching '('");
      }
      throw expected("AND, OR, FOLLOWEDBY, a qualifier (WITHIN, REPEATS, START) or end of pattern");
    }
    return root;
  }

  // ---- observation level ----

  private ObservationExpression observationExpressions() throws InvalidPatternException {
    List<ObservationExpression> operands = new ArrayList<>();
    operands.add(observationOr());
    while (acceptKeyword("FOLLOWEDBY")) {
      operands.add(observationOr());
    }
    return operands.size() == 1 ? operands.get(0) : new ObservationExpression.FollowedBy(operands);
  }

  private ObservationExpression observationOr() throws InvalidPatternException {
    List<ObservationExpression> operands = new ArrayList<>();
    operands.add(observationAnd());
    while (acceptKeyword("OR")) {
      operands.add(observationAnd());
    }
    return operands.size() == 1 ? operands.get(0) : new ObservationExpression.Or(operands);
  }

  private ObservationExpression observationAnd() throws InvalidPatternException {
    List<ObservationExpression> operands = new ArrayList<>();
    operands.add(qualifiedObservation());
    while (acceptKeyword("AND")) {
      operands.add(qualifiedObservation());
    }
    return operands.size() == 1 ? operands.get(0) : new ObservationExpression.And(operands);
  }

  private ObservationExpression qualifiedObservation() throws InvalidPatternException {
    ObservationExpression e;
    Token t = peek();
    if (t.kind == Kind.LBRACK) {
      next();
      enter(t);
      if (peek().kind == Kind.RBRACK) {
        throw expected("a comparison (e.g. ipv4-addr:value = '198.51.100.7')");
      }
      ComparisonExpression c = comparisonOr();
      expect(Kind.RBRACK, "']' closing the observation opened at column " + t.column);
      depth--;
      e = new ObservationExpression.Observation(c);
    } else if (t.kind == Kind.LPAREN) {
      next();
      enter(t);
      e = observationExpressions();
      expect(Kind.RPAREN, "')' closing the '(' at column " + t.column);
      depth--;
    } else {
      throw expected("'[' or '(' starting an observation");
    }
    // As the OASIS validator: one qualifier of each kind directly on a bracketed observation
    // ("[a] WITHIN 5 SECONDS WITHIN 6 SECONDS" is refused). On a parenthesised group the validator
    // allows a repeat, and it has a meaning: the qualifiers nest.
    boolean simple = t.kind == Kind.LBRACK;
    java.util.Map<Class<?>, Integer> seen = new java.util.HashMap<>();
    while (true) {
      Token at = peek();
      Qualifier q = qualifier();
      if (q == null) {
        return e;
      }
      Integer first = seen.putIfAbsent(q.getClass(), at.column);
      if (simple && first != null) {
        throw new InvalidPatternException(
            at.column,
            at.text
                + " qualifier repeated on one observation (the first is at column "
                + first
                + ")");
      }
      e = new ObservationExpression.Qualified(e, q);
    }
  }

  private Qualifier qualifier() throws InvalidPatternException {
    Token t = peek();
    if (t.is(Kind.KEYWORD, "WITHIN")) {
      next();
      Token n = peek();
      if (n.kind != Kind.INTEGER && n.kind != Kind.FLOAT || n.text.startsWith("-")) {
        throw expected("a positive number of seconds after WITHIN");
      }
      next();
      BigDecimal seconds =
          n.value instanceof Literal.IntegerValue i
              ? new BigDecimal(i.value())
              : ((Literal.FloatValue) n.value).value();
      if (seconds.signum() <= 0) {
        throw new InvalidPatternException(n.column, "WITHIN needs a positive number of seconds");
      }
      if (seconds.compareTo(BigDecimal.valueOf(MAX_WITHIN_SECONDS)) > 0) {
        throw new InvalidPatternException(
            n.column,
            "WITHIN "
                + n.text
                + " SECONDS is longer than the longest window accepted ("
                + MAX_WITHIN_SECONDS
                + " seconds, 366 days)");
      }
      expectKeyword("SECONDS");
      return new Qualifier.Within(seconds);
    }
    if (t.is(Kind.KEYWORD, "REPEATS")) {
      next();
      Token n = peek();
      if (n.kind != Kind.INTEGER || n.text.startsWith("-")) {
        throw expected("a positive integer after REPEATS");
      }
      next();
      BigInteger times = ((Literal.IntegerValue) n.value).value();
      if (times.signum() <= 0 || times.compareTo(BigInteger.valueOf(MAX_REPEATS)) > 0) {
        throw new InvalidPatternException(
            n.column,
            "REPEATS needs a positive integer from 1 to " + MAX_REPEATS + ", not " + n.text);
      }
      expectKeyword("TIMES");
      return new Qualifier.Repeats(times.longValue());
    }
    if (t.is(Kind.KEYWORD, "START")) {
      next();
      Literal.TimestampValue start = timestamp("a timestamp t'...' after START");
      expectKeyword("STOP");
      Token stopToken = peek();
      Literal.TimestampValue stop = timestamp("a timestamp t'...' after STOP");
      if (!stop.value().isAfter(start.value())) {
        throw new InvalidPatternException(
            stopToken.column, "STOP " + stop + " must be later than START " + start);
      }
      return new Qualifier.StartStop(start, stop);
    }
    return null;
  }

  private Literal.TimestampValue timestamp(String what) throws InvalidPatternException {
    Token t = peek();
    if (t.kind != Kind.TIMESTAMP) {
      throw expected(what);
    }
    next();
    return (Literal.TimestampValue) t.value;
  }

  // ---- comparison level ----

  private ComparisonExpression comparisonOr() throws InvalidPatternException {
    List<ComparisonExpression> operands = new ArrayList<>();
    operands.add(comparisonAnd());
    while (acceptKeyword("OR")) {
      operands.add(comparisonAnd());
    }
    return operands.size() == 1 ? operands.get(0) : new ComparisonExpression.Or(operands);
  }

  private ComparisonExpression comparisonAnd() throws InvalidPatternException {
    List<ComparisonExpression> operands = new ArrayList<>();
    operands.add(propertyTest());
    while (acceptKeyword("AND")) {
      operands.add(propertyTest());
    }
    return operands.size() == 1 ? operands.get(0) : new ComparisonExpression.And(operands);
  }

  private ComparisonExpression propertyTest() throws InvalidPatternException {
    Token t = peek();
    if (t.kind == Kind.LPAREN) {
      next();
      enter(t);
      ComparisonExpression inner = comparisonOr();
      expect(Kind.RPAREN, "')' closing the '(' at column " + t.column);
      depth--;
      return inner;
    }
    if (t.is(Kind.KEYWORD, "EXISTS")) {
      next();
      return new ComparisonExpression.Exists(objectPath(), t.column);
    }
    if (t.kind != Kind.IDENTIFIER) {
      throw expected("an object path (e.g. file:name), EXISTS or '('");
    }
    ObjectPath path = objectPath();
    boolean negated = acceptKeyword("NOT");
    ComparisonOperator op = comparisonOperator();
    int valueColumn = peek().column;
    Literal value;
    switch (op) {
      case EQ:
      case NEQ:
        value = literal(true, op);
        break;
      case LT:
      case LE:
      case GT:
      case GE:
        value = literal(false, op);
        break;
      case IN:
        value = set();
        break;
      default:
        Token s = peek();
        if (s.kind != Kind.STRING) {
          throw expected("a string after " + op.symbol());
        }
        next();
        value = (Literal) s.value;
    }
    if (op == ComparisonOperator.EQ || op == ComparisonOperator.NEQ) {
      checkHash(path, value, valueColumn);
    } else if (op == ComparisonOperator.IN) {
      checkHashes(path, (Literal.SetValue) value, valueColumn);
    }
    return new ComparisonExpression.Comparison(path, negated, op, value, t.column);
  }

  /**
   * A string compared (=, !=) with a hash of a known algorithm must have that algorithm's shape, as
   * the OASIS validator requires: {@code file:hashes.'SHA-256' = 'f00'} is refused. The validator
   * checks LIKE and MATCHES constants too (and every IN set, as text), which refuses {@code LIKE
   * 'abc%'}; here only values that are compared as whole hashes are checked.
   */
  private static void checkHash(ObjectPath path, Literal value, int column)
      throws InvalidPatternException {
    if (!(value instanceof Literal.StringValue s)) {
      return;
    }
    String algorithm = hashAlgorithm(path);
    if (algorithm == null) {
      return;
    }
    String key = algorithm.toUpperCase(java.util.Locale.ROOT).replace("-", "");
    String v = s.value();
    if (key.equals("SSDEEP")) {
      if (v.isEmpty() || v.length() > 128 || !v.chars().allMatch(StixPatternParser::isSsdeepChar)) {
        throw new InvalidPatternException(
            column,
            Literal.quote(v) + " is not a valid SSDEEP hash (1 to 128 of A-Z a-z 0-9 / + : .)");
      }
      return;
    }
    int[] lengths = HEX_HASH_LENGTHS.get(key);
    if (lengths == null) {
      return;
    }
    boolean lengthOk = false;
    for (int l : lengths) {
      lengthOk |= v.length() == l;
    }
    if (!lengthOk || !v.chars().allMatch(Lexer::isHexDigit)) {
      StringBuilder want = new StringBuilder();
      for (int i = 0; i < lengths.length; i++) {
        want.append(i == 0 ? "" : i == lengths.length - 1 ? " or " : ", ").append(lengths[i]);
      }
      throw new InvalidPatternException(
          column,
          Literal.quote(v.length() > 140 ? v.substring(0, 140) + "..." : v)
              + " is not a valid "
              + algorithm
              + " hash ("
              + want
              + " hex digits, not "
              + v.length()
              + (lengthOk ? " with a non-hex character" : "")
              + ")");
    }
  }

  private static void checkHashes(ObjectPath path, Literal.SetValue set, int column)
      throws InvalidPatternException {
    for (Literal l : set.elements()) {
      checkHash(path, l, column);
    }
  }

  /** The algorithm of a path that ends {@code hashes.<algorithm>}, or null. */
  private static String hashAlgorithm(ObjectPath path) {
    List<PathStep> steps = path.steps();
    if (steps.size() < 2
        || !(steps.get(steps.size() - 1) instanceof PathStep.Key alg)
        || !(steps.get(steps.size() - 2) instanceof PathStep.Key h)
        || !h.name().equals("hashes")) {
      return null;
    }
    return alg.name();
  }

  private static boolean isSsdeepChar(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '/'
        || c == '+'
        || c == ':'
        || c == '.';
  }

  private ComparisonOperator comparisonOperator() throws InvalidPatternException {
    Token t = peek();
    ComparisonOperator op = null;
    if (t.kind == Kind.OPERATOR) {
      switch (t.text) {
        case "=":
        case "==":
          op = ComparisonOperator.EQ;
          break;
        case "!=":
        case "<>":
          op = ComparisonOperator.NEQ;
          break;
        case "<":
          op = ComparisonOperator.LT;
          break;
        case "<=":
          op = ComparisonOperator.LE;
          break;
        case ">":
          op = ComparisonOperator.GT;
          break;
        case ">=":
          op = ComparisonOperator.GE;
          break;
        default:
          break;
      }
    } else if (t.kind == Kind.KEYWORD) {
      switch (t.text) {
        case "IN":
        case "LIKE":
        case "MATCHES":
        case "ISSUBSET":
        case "ISSUPERSET":
          op = ComparisonOperator.valueOf(t.text);
          break;
        default:
          break;
      }
    }
    if (op == null) {
      throw expected(
          "a comparison operator (=, !=, <, <=, >, >=, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET)");
    }
    next();
    return op;
  }

  private Literal literal(boolean booleanAllowed, ComparisonOperator op)
      throws InvalidPatternException {
    Token t = peek();
    switch (t.kind) {
      case STRING:
      case INTEGER:
      case FLOAT:
      case TIMESTAMP:
      case HEX:
      case BINARY:
        next();
        return (Literal) t.value;
      case BOOLEAN:
        if (booleanAllowed) {
          next();
          return (Literal) t.value;
        }
        throw new InvalidPatternException(
            t.column, "true and false cannot be ordered; " + op.symbol() + " needs a value");
      default:
        throw expected(
            "a constant after "
                + op.symbol()
                + " (string, number, "
                + (booleanAllowed ? "true/false, " : "")
                + "t'...', h'...' or b'...')");
    }
  }

  private Literal.SetValue set() throws InvalidPatternException {
    Token open = peek();
    if (open.kind != Kind.LPAREN) {
      throw expected("'(' starting the set after IN");
    }
    next();
    List<Literal> elements = new ArrayList<>();
    if (peek().kind == Kind.RPAREN) {
      next();
      return new Literal.SetValue(elements);
    }
    while (true) {
      elements.add(literal(true, ComparisonOperator.IN));
      Token t = peek();
      if (t.kind == Kind.COMMA) {
        next();
      } else if (t.kind == Kind.RPAREN) {
        next();
        return new Literal.SetValue(elements);
      } else {
        throw expected("',' or ')' closing the set opened at column " + open.column);
      }
    }
  }

  private ObjectPath objectPath() throws InvalidPatternException {
    Token type = peek();
    if (type.kind != Kind.IDENTIFIER) {
      throw expected("an object type (e.g. file, ipv4-addr)");
    }
    next();
    expect(Kind.COLON, "':' after the object type '" + type.text + "'");
    List<PathStep> steps = new ArrayList<>();
    steps.add(propertyName("a property name after ':'"));
    while (true) {
      Token t = peek();
      if (t.kind == Kind.DOT) {
        next();
        steps.add(propertyName("a property name after '.'"));
      } else if (t.kind == Kind.LBRACK) {
        next();
        Token i = peek();
        if (i.kind == Kind.ASTERISK) {
          next();
          steps.add(new PathStep.AnyIndex());
        } else if (i.kind == Kind.INTEGER) {
          next();
          BigInteger n = ((Literal.IntegerValue) i.value).value();
          if (n.bitLength() > 63) {
            throw new InvalidPatternException(i.column, "list index " + i.text + " is too large");
          }
          steps.add(new PathStep.Index(n.longValue()));
        } else {
          throw expected("a list index (integer or '*')");
        }
        expect(Kind.RBRACK, "']' closing the list index at column " + t.column);
      } else {
        return new ObjectPath(type.text, steps);
      }
    }
  }

  private PathStep.Key propertyName(String what) throws InvalidPatternException {
    Token t = peek();
    if (t.kind == Kind.STRING) {
      next();
      return new PathStep.Key(((Literal.StringValue) t.value).value(), true);
    }
    if (t.kind == Kind.IDENTIFIER) {
      if (t.text.indexOf('-') >= 0) {
        throw new InvalidPatternException(
            t.column,
            "property name '"
                + t.text
                + "' contains '-' and must be quoted ("
                + Literal.quote(t.text)
                + ")");
      }
      next();
      return new PathStep.Key(t.text, false);
    }
    throw expected(what);
  }

  // ---- helpers ----

  private void enter(Token t) throws InvalidPatternException {
    if (++depth > MAX_NESTING) {
      throw new InvalidPatternException(
          t.column, "brackets and parentheses nested deeper than " + MAX_NESTING);
    }
  }

  private Token peek() {
    return tokens.get(pos);
  }

  private void next() {
    if (pos < tokens.size() - 1) {
      pos++;
    }
  }

  private boolean acceptKeyword(String keyword) {
    if (peek().is(Kind.KEYWORD, keyword)) {
      next();
      return true;
    }
    return false;
  }

  private void expectKeyword(String keyword) throws InvalidPatternException {
    if (!acceptKeyword(keyword)) {
      throw expected(keyword);
    }
  }

  private void expect(Kind kind, String what) throws InvalidPatternException {
    if (peek().kind != kind) {
      throw expected(what);
    }
    next();
  }

  private InvalidPatternException expected(String what) {
    Token t = peek();
    return new InvalidPatternException(t.column, "expected " + what + " but found " + t.describe());
  }

  /** Turns the pattern text into tokens, validating typed literals as it goes. */
  private static final class Lexer {
    private final String s;
    private int i;
    private final List<Token> out = new ArrayList<>();

    Lexer(String s) {
      this.s = s;
    }

    List<Token> lex() throws InvalidPatternException {
      while (true) {
        skipSpaceAndComments();
        if (i >= s.length()) {
          out.add(new Token(Kind.END, "", s.length() + 1, null));
          return out;
        }
        int start = i;
        int col = i + 1;
        char c = s.charAt(i);
        switch (c) {
          case '[':
            single(Kind.LBRACK, col);
            continue;
          case ']':
            single(Kind.RBRACK, col);
            continue;
          case '(':
            single(Kind.LPAREN, col);
            continue;
          case ')':
            single(Kind.RPAREN, col);
            continue;
          case ':':
            single(Kind.COLON, col);
            continue;
          case ',':
            single(Kind.COMMA, col);
            continue;
          case '*':
            single(Kind.ASTERISK, col);
            continue;
          case '\'':
            String str = string(col);
            out.add(
                new Token(Kind.STRING, s.substring(start, i), col, new Literal.StringValue(str)));
            continue;
          case '=':
            i += at(i + 1) == '=' ? 2 : 1;
            out.add(new Token(Kind.OPERATOR, s.substring(start, i), col, null));
            continue;
          case '!':
            if (at(i + 1) != '=') {
              throw new InvalidPatternException(col, "expected '!=' but found '!'");
            }
            i += 2;
            out.add(new Token(Kind.OPERATOR, "!=", col, null));
            continue;
          case '<':
            i += at(i + 1) == '=' || at(i + 1) == '>' ? 2 : 1;
            out.add(new Token(Kind.OPERATOR, s.substring(start, i), col, null));
            continue;
          case '>':
            i += at(i + 1) == '=' ? 2 : 1;
            out.add(new Token(Kind.OPERATOR, s.substring(start, i), col, null));
            continue;
          default:
            break;
        }
        if (c == '.' && !isDigit(at(i + 1))) {
          single(Kind.DOT, col);
          continue;
        }
        if (isDigit(c)
            || c == '.'
            || ((c == '-' || c == '+') && (isDigit(at(i + 1)) || at(i + 1) == '.'))) {
          number(col);
          continue;
        }
        if (isIdentifierStart(c)) {
          if ((c == 't' || c == 'h' || c == 'b') && at(i + 1) == '\'') {
            typedLiteral(c, col);
            continue;
          }
          i++;
          while (i < s.length() && isIdentifierPart(s.charAt(i))) {
            i++;
          }
          String word = s.substring(start, i);
          if (KEYWORDS.contains(word)) {
            out.add(new Token(Kind.KEYWORD, word, col, null));
          } else if (word.equals("true") || word.equals("false")) {
            out.add(
                new Token(Kind.BOOLEAN, word, col, new Literal.BooleanValue(word.equals("true"))));
          } else {
            out.add(new Token(Kind.IDENTIFIER, word, col, null));
          }
          continue;
        }
        throw new InvalidPatternException(
            col, "unexpected character " + describeChar(s.codePointAt(i)));
      }
    }

    private void single(Kind kind, int col) {
      out.add(new Token(kind, String.valueOf(s.charAt(i)), col, null));
      i++;
    }

    private char at(int j) {
      return j < s.length() ? s.charAt(j) : '\0';
    }

    private void skipSpaceAndComments() throws InvalidPatternException {
      while (i < s.length()) {
        char c = s.charAt(i);
        if (isSpace(c)) {
          i++;
        } else if (c == '/' && at(i + 1) == '*') {
          int end = s.indexOf("*/", i + 2);
          if (end < 0) {
            throw new InvalidPatternException(
                s.length() + 1,
                "expected '*/' closing the comment at column "
                    + (i + 1)
                    + " but found end of pattern");
          }
          i = end + 2;
        } else if (c == '/' && at(i + 1) == '/') {
          while (i < s.length() && s.charAt(i) != '\n' && s.charAt(i) != '\r') {
            i++;
          }
        } else {
          return;
        }
      }
    }

    /** Reads a quoted string starting at {@code i}; only \' and \\ are escapes in STIX. */
    private String string(int openColumn) throws InvalidPatternException {
      StringBuilder sb = new StringBuilder();
      i++;
      while (true) {
        if (i >= s.length()) {
          throw new InvalidPatternException(
              s.length() + 1,
              "expected ' closing the string that starts at column "
                  + openColumn
                  + " but found end of pattern");
        }
        char c = s.charAt(i);
        if (c == '\'') {
          i++;
          return sb.toString();
        }
        if (c == '\\') {
          char e = at(i + 1);
          if (e == '\'' || e == '\\') {
            sb.append(e);
            i += 2;
            continue;
          }
          throw new InvalidPatternException(
              i + 1,
              "invalid escape '\\"
                  + (i + 1 < s.length() ? String.valueOf(e) : "")
                  + "' in string; only \\' and \\\\ are allowed (write a regex backslash as \\\\)");
        }
        sb.append(c);
        i++;
      }
    }

    private void number(int col) throws InvalidPatternException {
      int start = i;
      if (s.charAt(i) == '-' || s.charAt(i) == '+') {
        i++;
      }
      int intStart = i;
      while (isDigit(at(i))) {
        i++;
      }
      int intDigits = i - intStart;
      boolean isFloat = false;
      if (at(i) == '.' && isDigit(at(i + 1))) {
        isFloat = true;
        i++;
        while (isDigit(at(i))) {
          i++;
        }
      } else if (at(i) == '.'
          && intDigits > 0
          && !isIdentifierStart(at(i + 1))
          && at(i + 1) != '\'') {
        throw new InvalidPatternException(
            i + 2, "expected a digit after the decimal point but found " + describeAt(i + 1));
      }
      if (intDigits == 0 && !isFloat) {
        throw new InvalidPatternException(
            col, "expected a number after '" + s.charAt(start) + "' but found " + describeAt(i));
      }
      String text = s.substring(start, i);
      if (isFloat) {
        String digits = text.charAt(0) == '+' ? text.substring(1) : text;
        if (digits.startsWith(".") || digits.startsWith("-.")) {
          digits = digits.replace(".", "0.");
        }
        out.add(new Token(Kind.FLOAT, text, col, new Literal.FloatValue(new BigDecimal(digits))));
      } else {
        if (intDigits > 1 && s.charAt(intStart) == '0') {
          throw new InvalidPatternException(
              intStart + 1, "integer " + text + " must not have a leading zero");
        }
        BigInteger v = new BigInteger(text.charAt(0) == '+' ? text.substring(1) : text);
        out.add(new Token(Kind.INTEGER, text, col, new Literal.IntegerValue(v)));
      }
    }

    private void typedLiteral(char prefix, int col) throws InvalidPatternException {
      int start = i;
      i++;
      String body = string(col + 1);
      String text = s.substring(start, i);
      switch (prefix) {
        case 't':
          out.add(new Token(Kind.TIMESTAMP, text, col, timestampValue(body, col)));
          return;
        case 'h':
          if (body.length() % 2 != 0 || !body.chars().allMatch(Lexer::isHexDigit)) {
            throw new InvalidPatternException(
                col, "expected an even number of hex digits in h'...' but found " + text);
          }
          byte[] bytes = new byte[body.length() / 2];
          for (int k = 0; k < bytes.length; k++) {
            bytes[k] = (byte) Integer.parseInt(body.substring(2 * k, 2 * k + 2), 16);
          }
          out.add(new Token(Kind.HEX, text, col, new Literal.HexValue(bytes)));
          return;
        default:
          if (!isBase64(body)) {
            throw new InvalidPatternException(
                col,
                "expected base64 (length a multiple of 4, '=' padding) in b'...' but found "
                    + text);
          }
          out.add(
              new Token(
                  Kind.BINARY,
                  text,
                  col,
                  new Literal.BinaryValue(Base64.getDecoder().decode(body))));
      }
    }

    /**
     * RFC 3339 UTC as the grammar allows it: YYYY-MM-DDTHH:MM:SS[.fraction]Z, second 60 allowed.
     */
    private static Literal.TimestampValue timestampValue(String b, int col)
        throws InvalidPatternException {
      boolean shape =
          b.length() >= 20
              && digits(b, 0, 4)
              && b.charAt(4) == '-'
              && digits(b, 5, 2)
              && b.charAt(7) == '-'
              && digits(b, 8, 2)
              && b.charAt(10) == 'T'
              && digits(b, 11, 2)
              && b.charAt(13) == ':'
              && digits(b, 14, 2)
              && b.charAt(16) == ':'
              && digits(b, 17, 2)
              && b.charAt(b.length() - 1) == 'Z'
              && (b.length() == 20
                  || (b.charAt(19) == '.' && b.length() > 21 && digits(b, 20, b.length() - 21)));
      if (!shape) {
        throw new InvalidPatternException(
            col, "expected a timestamp t'YYYY-MM-DDTHH:MM:SS[.s]Z' but found t'" + b + "'");
      }
      int year = Integer.parseInt(b.substring(0, 4));
      int month = Integer.parseInt(b.substring(5, 7));
      int day = Integer.parseInt(b.substring(8, 10));
      int hour = Integer.parseInt(b.substring(11, 13));
      int minute = Integer.parseInt(b.substring(14, 16));
      int second = Integer.parseInt(b.substring(17, 19));
      if (hour > 23 || minute > 59 || second > 60) {
        throw new InvalidPatternException(col, "time of day out of range in t'" + b + "'");
      }
      LocalDate date;
      try {
        date = LocalDate.of(year, month, day);
      } catch (DateTimeException e) {
        throw new InvalidPatternException(col, "no such date in t'" + b + "'");
      }
      long nanos = 0;
      if (b.length() > 20) {
        String frac = b.substring(20, b.length() - 1);
        nanos = Long.parseLong((frac + "000000000").substring(0, 9));
      }
      // A leap second (:60) is read as the first instant of the next minute.
      Instant instant =
          date.atStartOfDay(java.time.ZoneOffset.UTC)
              .toInstant()
              .plusSeconds(hour * 3600L + minute * 60L + second)
              .plusNanos(nanos);
      return new Literal.TimestampValue(instant, b);
    }

    private static boolean digits(String b, int from, int n) {
      if (from + n > b.length()) {
        return false;
      }
      for (int k = from; k < from + n; k++) {
        if (!isDigit(b.charAt(k))) {
          return false;
        }
      }
      return true;
    }

    private static boolean isBase64(String b) {
      if (b.isEmpty() || b.length() % 4 != 0) {
        return false;
      }
      int pad = b.endsWith("==") ? 2 : b.endsWith("=") ? 1 : 0;
      for (int k = 0; k < b.length() - pad; k++) {
        char c = b.charAt(k);
        boolean ok =
            (c >= 'A' && c <= 'Z')
                || (c >= 'a' && c <= 'z')
                || (c >= '0' && c <= '9')
                || c == '+'
                || c == '/';
        if (!ok) {
          return false;
        }
      }
      return true;
    }

    private String describeAt(int j) {
      return j < s.length() ? describeChar(s.codePointAt(j)) : "end of pattern";
    }

    private static String describeChar(int cp) {
      if (cp < 0x20 || cp == 0x7f || Character.isWhitespace(cp)) {
        return String.format("U+%04X", cp);
      }
      return "'" + new String(Character.toChars(cp)) + "'";
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }

    private static boolean isHexDigit(int c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isIdentifierStart(char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isIdentifierPart(char c) {
      return isIdentifierStart(c) || isDigit(c) || c == '-';
    }

    /** The whitespace set of the grammar's WS rule. */
    private static boolean isSpace(char c) {
      switch (c) {
        case ' ':
        case '\t':
        case '\r':
        case '\n':
        case '\u000B':
        case '\u000C':
        case '\u0085':
        case '\u00a0':
        case '\u1680':
        case '\u2028':
        case '\u2029':
        case '\u202f':
        case '\u205f':
        case '\u3000':
          return true;
        default:
          return c >= '\u2000' && c <= '\u200a';
      }
    }
  }
}
