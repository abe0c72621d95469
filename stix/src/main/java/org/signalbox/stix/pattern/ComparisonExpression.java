package org.signalbox.stix.pattern;

import java.util.List;

/** What goes between the brackets of an observation: comparisons joined by AND and OR. */
public sealed interface ComparisonExpression {

  /**
   * {@code path [NOT] operator value}. For {@code IN} the value is a {@link Literal.SetValue}; for
   * LIKE, MATCHES, ISSUBSET and ISSUPERSET a {@link Literal.StringValue}.
   *
   * @param column 1-based column where the comparison starts, for messages about it
   */
  record Comparison(
      ObjectPath path, boolean negated, ComparisonOperator operator, Literal value, int column)
      implements ComparisonExpression {
    @Override
    public String toString() {
      return path + (negated ? " NOT " : " ") + operator.symbol() + " " + value;
    }
  }

  /** {@code EXISTS path}. */
  record Exists(ObjectPath path, int column) implements ComparisonExpression {
    @Override
    public String toString() {
      return "EXISTS " + path;
    }
  }

  /** Two or more comparisons that must all hold on the same observed data. */
  record And(List<ComparisonExpression> operands) implements ComparisonExpression {
    public And {
      operands = List.copyOf(operands);
    }

    @Override
    public String toString() {
      return Join.join(operands, " AND ");
    }
  }

  /** Two or more comparisons of which one must hold. */
  record Or(List<ComparisonExpression> operands) implements ComparisonExpression {
    public Or {
      operands = List.copyOf(operands);
    }

    @Override
    public String toString() {
      return Join.join(operands, " OR ");
    }
  }

  /** Writes operands so that the text parses back to the same tree. */
  final class Join {
    private Join() {}

    static String join(List<? extends ComparisonExpression> operands, String op) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < operands.size(); i++) {
        if (i > 0) {
          sb.append(op);
        }
        ComparisonExpression e = operands.get(i);
        boolean group = e instanceof Or || (e instanceof And && op.equals(" AND "));
        sb.append(group ? "(" + e + ")" : e.toString());
      }
      return sb.toString();
    }
  }
}
