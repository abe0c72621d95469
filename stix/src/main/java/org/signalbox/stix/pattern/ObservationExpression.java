package org.signalbox.stix.pattern;

import java.util.List;

/** A STIX pattern's top level: observations joined by AND, OR and FOLLOWEDBY, with qualifiers. */
public sealed interface ObservationExpression {

  /** {@code [ comparisons ]}: one observation whose data satisfies the comparisons. */
  record Observation(ComparisonExpression comparisons) implements ObservationExpression {
    @Override
    public String toString() {
      return "[" + comparisons + "]";
    }
  }

  /** Each operand matched by its own observation. */
  record And(List<ObservationExpression> operands) implements ObservationExpression {
    public And {
      operands = List.copyOf(operands);
    }

    @Override
    public String toString() {
      return join(operands, " AND ");
    }
  }

  /** Any operand matched. */
  record Or(List<ObservationExpression> operands) implements ObservationExpression {
    public Or {
      operands = List.copyOf(operands);
    }

    @Override
    public String toString() {
      return join(operands, " OR ");
    }
  }

  /** Operands matched by observations in this time order. */
  record FollowedBy(List<ObservationExpression> operands) implements ObservationExpression {
    public FollowedBy {
      operands = List.copyOf(operands);
    }

    @Override
    public String toString() {
      return join(operands, " FOLLOWEDBY ");
    }
  }

  /** An expression with a qualifier; several qualifiers nest, the innermost written first. */
  record Qualified(ObservationExpression expression, Qualifier qualifier)
      implements ObservationExpression {
    @Override
    public String toString() {
      return wrap(expression) + " " + qualifier;
    }
  }

  /** True if this is one observation (possibly parenthesised) with no qualifiers or operators. */
  default boolean isSingleObservation() {
    return this instanceof Observation;
  }

  private static String join(List<ObservationExpression> operands, String op) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < operands.size(); i++) {
      if (i > 0) {
        sb.append(op);
      }
      sb.append(wrap(operands.get(i)));
    }
    return sb.toString();
  }

  private static String wrap(ObservationExpression e) {
    return e instanceof Observation || e instanceof Qualified ? e.toString() : "(" + e + ")";
  }
}
