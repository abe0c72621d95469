package org.signalbox.stix.regex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UntrustedRegexTest {

  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvSource(
      delimiterString = " => ",
      value = {
        "^Final Report.+\\.exe$ => Final Report Q3.exe => true",
        "^Final Report.+\\.exe$ => Final Report Q3.exe.txt => false",
        "^Final Report.+\\.exe$ => My Final Report Q3.exe => false",
        "evil => a.evil.example => true",
        "^evil => a.evil.example => false",
        "example$ => a.evil.example => true",
        "^evil[0-9]+\\.example$ => evil42.example => true",
        "^evil\\d{2,3}\\.example$ => evil4.example => false",
        "^evil\\d{2,3}\\.example$ => evil123.example => true",
        "\\w+@example\\.com$ => bob_1@example.com => true",
        "^a.*?b$ => axxb => true",
        "(?:foo|bar)baz => xbarbazx => true",
        "[^a-z] => abc => false",
        "[^a-z] => abc1 => true",
        "\\x41\\x42 => xxABxx => true",
        "^[IMPORTANT] Please => I Please => true",
        "\"quoted\" <tag> #1 @home & ~ => say \"quoted\" <tag> #1 @home & ~ => true",
      })
  void pcreSemantics(String pattern, String text, boolean expected) throws Exception {
    assertThat(UntrustedRegex.pcre(pattern, false).matches(text)).isEqualTo(expected);
  }

  @Test
  void caseInsensitiveFlagsAndDelimitedForm() throws Exception {
    assertThat(UntrustedRegex.pcre("^EVIL", true).matches("evil.example")).isTrue();
    assertThat(UntrustedRegex.pcre("(?i)^EVIL", false).matches("evil.example")).isTrue();
    assertThat(UntrustedRegex.delimited("/^EVIL/i").matches("evil.example")).isTrue();
    assertThat(UntrustedRegex.delimited("/^EVIL/").matches("evil.example")).isFalse();
  }

  @ParameterizedTest(name = "{0} LIKE {1} = {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "%.example.org | a.b.example.org | true",
        "%.example.org | example.org | false",
        "http://%/admin_ | http://x.example/admin1 | true",
        "http://%/admin_ | http://x.example/admin12 | false",
        "exact | exact | true",
        "exact | exactly | false",
        "a.c | abc | false",
      })
  void likeSemantics(String pattern, String text, boolean expected) throws Exception {
    assertThat(UntrustedRegex.like(pattern).matches(text)).isEqualTo(expected);
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void hostileExpressionsCannotStall() throws Exception {
    // Catastrophic backtracking for java.util.regex; one linear pass for an automaton.
    UntrustedRegex evil = UntrustedRegex.pcre("^(a+)+$", false);
    String attack = "a".repeat(200_000) + "!";
    assertThat(evil.matches(attack)).isFalse();
    assertThat(UntrustedRegex.pcre("(a|aa)+b", false).matches(attack)).isFalse();
  }

  @Test
  void unsupportedOrUnboundedPatternsAreRefused() {
    assertThatThrownBy(() -> UntrustedRegex.pcre("(a)\\1", false))
        .isInstanceOf(InvalidRegexException.class)
        .hasMessageContaining("back-reference");
    assertThatThrownBy(() -> UntrustedRegex.pcre("foo(?=bar)", false))
        .hasMessageContaining("look-around");
    assertThatThrownBy(() -> UntrustedRegex.pcre("\\bword\\b", false))
        .hasMessageContaining("not supported");
    assertThatThrownBy(() -> UntrustedRegex.pcre("a|^b", false))
        .hasMessageContaining("only supported at the very start or end");
    assertThatThrownBy(() -> UntrustedRegex.pcre("a*+", false)).hasMessageContaining("possessive");
    assertThatThrownBy(() -> UntrustedRegex.pcre("[abc", false)).hasMessageContaining("not closed");
    assertThatThrownBy(() -> UntrustedRegex.pcre("a".repeat(100_000), false))
        .hasMessageContaining("longer than " + UntrustedRegex.MAX_PATTERN_LENGTH);
    // Exponential DFA: refused at compile time instead of eating memory.
    assertThatThrownBy(() -> UntrustedRegex.pcre("(a|b)*a(a|b){40}", false))
        .hasMessageContaining("too complex");
  }

  @Test
  void emptyAlternativesMeanTheEmptyStringAsInJavaAndPcre() throws Exception {
    // Lucene's syntax has no empty alternative: '(|x)' used to match nothing, '(x|)' was refused.
    String[] patterns = {"(|x)", "(x|)", "x|", "|x", "()", "a(|b)c", "^(a|)$", "a(b||c)d", "(a|b)"};
    String[] inputs = {"", "a", "x", "ac", "abc", "ad", "abd", "acd", "zzz"};
    for (String p : patterns) {
      UntrustedRegex r = UntrustedRegex.pcre(p, false);
      java.util.regex.Pattern j = java.util.regex.Pattern.compile(p);
      for (String in : inputs) {
        assertThat(r.matches(in)).as("%s on '%s'", p, in).isEqualTo(j.matcher(in).find());
      }
    }
  }
}
