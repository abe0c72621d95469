package org.signalbox.stix.pattern;

import java.math.BigDecimal;

/** A restriction on the observations an observation expression may match (section 9.6). */
public sealed interface Qualifier {

  /** {@code WITHIN n SECONDS}: all matching observations fall inside a window this long. */
  record Within(BigDecimal seconds) implements Qualifier {
    @Override
    public String toString() {
      return "WITHIN " + seconds.toPlainString() + " SECONDS";
    }
  }

  /** {@code REPEATS n TIMES}: the expression must match n times, on distinct observations. */
  record Repeats(long times) implements Qualifier {
    @Override
    public String toString() {
      return "REPEATS " + times + " TIMES";
    }
  }

  /** {@code START t'...' STOP t'...'}: observations inside [start, stop). */
  record StartStop(Literal.TimestampValue start, Literal.TimestampValue stop) implements Qualifier {
    @Override
    public String toString() {
      return "START " + start + " STOP " + stop;
    }
  }
}
