package org.signalbox.stix.pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class StixPatternTest {

  /** Example patterns of the STIX 2.1 specification (sections 9.3 to 9.9), as printed there. */
  static List<String> specificationExamples() {
    return List.of(
        "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
        "[email-message:from_ref.value MATCHES '.+\\\\@example\\\\.com$' AND email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\\\.exe$']",
        "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' AND file:mime_type = 'application/x-pdf']",
        "[file:hashes.'SHA-256' = 'bf07a7fbb825fc0aae7bf4a1177b2b31fcf8a3feeaf7092761e18c859ee52a9c' OR file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f'] AND [file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
        "([file:hashes.'SHA-256' = 'bf07a7fbb825fc0aae7bf4a1177b2b31fcf8a3feeaf7092761e18c859ee52a9c'] AND [file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']) WITHIN 300 SECONDS",
        "[user-account:account_type = 'unix' AND user-account:user_id = '1007' AND user-account:account_login = 'Peter'] AND [user-account:account_type = 'unix' AND user-account:user_id = '1008' AND user-account:account_login = 'Paul'] AND [user-account:account_type = 'unix' AND user-account:user_id = '1009' AND user-account:account_login = 'Mary']",
        "[artifact:mime_type = 'application/vnd.tcpdump.pcap' AND artifact:payload_bin MATCHES '\\\\xd4\\\\xc3\\\\xb2\\\\xa1\\\\x02\\\\x00\\\\x04\\\\x00']",
        "[file:name = 'foo.dll' AND file:parent_directory_ref.path = 'C:\\\\Windows\\\\System32']",
        "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]",
        "[file:mime_type = 'image/bmp' AND file:magic_number_hex = h'ffd8']",
        "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '203.0.113.33/32']",
        "[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'example.com'] REPEATS 5 TIMES WITHIN 180 SECONDS",
        "[domain-name:value = 'www.5z8.info' AND domain-name:resolves_to_refs[*].value = '198.51.100.1/32']",
        "[url:value = 'http://example.com/foo' OR url:value = 'http://example.com/bar']",
        "[x509-certificate:issuer = 'CN=WEBMAIL' AND x509-certificate:serial_number = '4c:0b:1d:19:74:86:a7:66:b4:1a:bf:40:27:21:76:28']",
        "[windows-registry-key:key = 'HKEY_CURRENT_USER\\\\Software\\\\CryptoLocker\\\\Files' OR windows-registry-key:key = 'HKEY_CURRENT_USER\\\\Software\\\\Microsoft\\\\CurrentVersion\\\\Run\\\\CryptoLocker_0388']",
        "[(file:name = 'pdf.exe' OR file:size = '371712') AND file:created = t'2014-01-13T07:03:17Z']",
        "[email-message:sender_ref.value = 'jdoe@example.com' AND email-message:subject = 'Conference Info']",
        "[x-usb-device:usbdrive.serial_number = '575833344d32454e4e3445']",
        "[process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachine Root$'] FOLLOWEDBY [process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachineTrustedPublisher$'] WITHIN 300 SECONDS",
        "[network-traffic:dst_ref.value ISSUBSET '2001:0db8:dead:beef:0000:0000:0000:0000/64']",
        "([file:name = 'foo.dll'] AND [win-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar']) OR [process:name = 'fooproc' OR process:name = 'procfoo']",
        "[file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'] FOLLOWEDBY [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar'] WITHIN 5 SECONDS",
        "[ipv4-addr:value = '198.51.100.1/32' OR ipv4-addr:value = '203.0.113.33/32' OR ipv6-addr:value = '2001:0db8:dead:beef:dead:beef:dead:0001/128'] FOLLOWEDBY [domain-name:value = 'example.com'] WITHIN 600 SECONDS",
        "[file:size > 1024 AND file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
        "[network-traffic:dst_port IN (80, 443, 8080)]",
        "[file:name NOT IN ('foo.dll', 'bar.dll')]",
        "[file:name LIKE 'foo_.dll' AND file:size NOT <= 1024]",
        "[ipv4-addr:value ISSUPERSET '198.51.100.0/24']",
        "[network-traffic:extensions.'http-request-ext'.request_header.'Accept-Encoding' = 'gzip']",
        "[file:content_ref.payload_bin = b'ZWljYXI=' OR artifact:payload_bin = b'AQID']",
        "[process:is_hidden = true AND process:pid >= -1 AND process:x_score < -0.5]",
        "[file:name = 'x'] AND EXISTS_IS_NOT_A_KEYWORD_HERE_SO_THIS_IS_REPLACED",
        "[windows-registry-key:values[0].name = 'x' AND windows-registry-key:values[-1].data != 'y']",
        "[EXISTS windows-registry-key:values[*].name] REPEATS 2 TIMES",
        "[file:created > t'2016-12-31T23:59:60.123Z']",
        "[a:b == 1 AND a:c <> 2] /* a comment */ // and a line comment",
        "[network-traffic:src_port = +80 AND network-traffic:x_ratio = .25]");
  }

  static List<String> validPatterns() {
    return specificationExamples().stream().filter(p -> !p.contains("EXISTS_IS_NOT")).toList();
  }

  @ParameterizedTest
  @MethodSource("validPatterns")
  void specificationExamplesParse(String text) throws Exception {
    StixPattern pattern = StixPattern.parse(text);
    // Writing the tree back and parsing again must give the same tree.
    String canonical = pattern.canonicalText();
    assertThat(StixPattern.parse(canonical).canonicalText()).isEqualTo(canonical);
  }

  @Test
  void singleComparisonTree() throws Exception {
    StixPattern p = StixPattern.parse("[ipv4-addr:value = '198.51.100.7']");
    var obs = (ObservationExpression.Observation) p.root();
    var c = (ComparisonExpression.Comparison) obs.comparisons();
    assertThat(c.path().is("ipv4-addr", "value")).isTrue();
    assertThat(c.operator()).isEqualTo(ComparisonOperator.EQ);
    assertThat(c.negated()).isFalse();
    assertThat(c.value()).isEqualTo(new Literal.StringValue("198.51.100.7"));
    assertThat(c.column()).isEqualTo(2);
  }

  @Test
  void quotedKeysIndexesAndEscapes() throws Exception {
    var obs =
        (ObservationExpression.Observation)
            StixPattern.parse(
                    "[email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\\\.exe$']")
                .root();
    var c = (ComparisonExpression.Comparison) obs.comparisons();
    assertThat(c.path().steps())
        .containsExactly(
            new PathStep.Key("body_multipart", false),
            new PathStep.AnyIndex(),
            new PathStep.Key("body_raw_ref", false),
            new PathStep.Key("name", false));
    assertThat(c.path().propertyPath()).isEqualTo("body_multipart[*].body_raw_ref.name");
    assertThat(((Literal.StringValue) c.value()).value()).isEqualTo("^Final Report.+\\.exe$");

    var hash =
        (ComparisonExpression.Comparison)
            ((ObservationExpression.Observation)
                    StixPattern.parse("[file:hashes.'SHA-256' LIKE 'it\\'s']").root())
                .comparisons();
    assertThat(hash.path().is("file", "hashes", "SHA-256")).isTrue();
    assertThat(hash.path().toString()).isEqualTo("file:hashes.'SHA-256'");
    assertThat(hash.value()).isEqualTo(new Literal.StringValue("it's"));
  }

  @Test
  void precedenceInsideAndBetweenObservations() throws Exception {
    // Inside brackets AND binds tighter than OR.
    var inside =
        ((ObservationExpression.Observation)
                StixPattern.parse("[a:x = 1 OR a:y = 2 AND a:z = 3]").root())
            .comparisons();
    assertThat(inside).isInstanceOf(ComparisonExpression.Or.class);
    assertThat(((ComparisonExpression.Or) inside).operands().get(1))
        .isInstanceOf(ComparisonExpression.And.class);

    // Between observations: AND over OR over FOLLOWEDBY; qualifiers bind to the observation before.
    var root =
        StixPattern.parse(
                "[a:x = 1] OR [a:x = 2] AND [a:x = 3] FOLLOWEDBY [a:x = 4] WITHIN 5 SECONDS")
            .root();
    assertThat(root).isInstanceOf(ObservationExpression.FollowedBy.class);
    var fb = (ObservationExpression.FollowedBy) root;
    assertThat(fb.operands().get(0)).isInstanceOf(ObservationExpression.Or.class);
    assertThat(((ObservationExpression.Or) fb.operands().get(0)).operands().get(1))
        .isInstanceOf(ObservationExpression.And.class);
    assertThat(fb.operands().get(1)).isInstanceOf(ObservationExpression.Qualified.class);
  }

  @Test
  void qualifiersAndTypedLiterals() throws Exception {
    var root =
        (ObservationExpression.Qualified)
            StixPattern.parse(
                    "[file:magic_number_hex = h'ffD8' AND file:x = b'AQID'] REPEATS 5 TIMES WITHIN 1.5 SECONDS START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00.5Z'")
                .root();
    assertThat(root.qualifier()).isInstanceOf(Qualifier.StartStop.class);
    var ss = (Qualifier.StartStop) root.qualifier();
    assertThat(ss.start().value()).isEqualTo(Instant.parse("2016-06-01T00:00:00Z"));
    assertThat(ss.stop().value()).isEqualTo(Instant.parse("2016-07-01T00:00:00.500Z"));
    var within = (ObservationExpression.Qualified) root.expression();
    assertThat(within.qualifier()).isEqualTo(new Qualifier.Within(new BigDecimal("1.5")));
    var repeats = (ObservationExpression.Qualified) within.expression();
    assertThat(repeats.qualifier()).isEqualTo(new Qualifier.Repeats(5));
    var and =
        (ComparisonExpression.And)
            ((ObservationExpression.Observation) repeats.expression()).comparisons();
    assertThat(((ComparisonExpression.Comparison) and.operands().get(0)).value())
        .isEqualTo(new Literal.HexValue(new byte[] {(byte) 0xff, (byte) 0xd8}));
    assertThat(((ComparisonExpression.Comparison) and.operands().get(1)).value())
        .isEqualTo(new Literal.BinaryValue(new byte[] {1, 2, 3}));
  }

  @Test
  void numbersAndSets() throws Exception {
    var c =
        (ComparisonExpression.Comparison)
            ((ObservationExpression.Observation)
                    StixPattern.parse(
                            "[network-traffic:dst_port NOT IN (80, -1, 2.5, 'x', true, 123456789012345678901234567890)]")
                        .root())
                .comparisons();
    assertThat(c.negated()).isTrue();
    assertThat(((Literal.SetValue) c.value()).elements())
        .containsExactly(
            new Literal.IntegerValue(BigInteger.valueOf(80)),
            new Literal.IntegerValue(BigInteger.valueOf(-1)),
            new Literal.FloatValue(new BigDecimal("2.5")),
            new Literal.StringValue("x"),
            new Literal.BooleanValue(true),
            new Literal.IntegerValue(new BigInteger("123456789012345678901234567890")));
    assertThat(StixPattern.parse("[a:b IN ()]").canonicalText()).isEqualTo("[a:b IN ()]");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "[ipv4-addr:value = '198.51.100.7' | 34 | expected ']' closing the observation opened at column 1 but found end of pattern",
        "[ipv4-addr:value = '198.51.100.7 | 33 | expected ' closing the string that starts at column 20",
        "[ipv4-addr:value '198.51.100.7'] | 18 | expected a comparison operator",
        "[ipv4-addr value = 'x'] | 12 | expected ':' after the object type 'ipv4-addr'",
        "[file:hashes.SHA-256 = 'x'] | 14 | property name 'SHA-256' contains '-' and must be quoted",
        "[file:name = 'x'] AND | 22 | expected '[' or '(' starting an observation but found end of pattern",
        "[file:name = 'x'] [file:name = 'y'] | 19 | expected AND, OR, FOLLOWEDBY",
        "[] | 2 | expected a comparison",
        "| 1 | expected '[' or '(' starting an observation but found end of pattern",
        "file:name = 'x' | 1 | expected '[' or '(' starting an observation but found identifier 'file'",
        "[file:name = 'x' and file:size = 1] | 18 | expected ']' closing the observation opened at column 1 but found identifier 'and'",
        "[file:size > true] | 14 | true and false cannot be ordered",
        "[file:name LIKE 5] | 17 | expected a string after LIKE but found number 5",
        "[file:name IN 'x'] | 15 | expected '(' starting the set after IN",
        "[file:name IN ('x' 'y')] | 20 | expected ',' or ')' closing the set opened at column 15",
        "[file:name = 'x'] WITHIN 0 SECONDS | 26 | WITHIN needs a positive number of seconds",
        "[file:name = 'x'] WITHIN -5 SECONDS | 26 | expected a positive number of seconds after WITHIN",
        "[file:name = 'x'] WITHIN 5 | 27 | expected SECONDS but found end of pattern",
        "[file:name = 'x'] REPEATS 0 TIMES | 27 | REPEATS needs a positive integer from 1",
        "[file:name = 'x'] REPEATS 2.5 TIMES | 27 | expected a positive integer after REPEATS but found number 2.5",
        "[file:name = 'x'] START t'2016-07-01T00:00:00Z' STOP t'2016-06-01T00:00:00Z' | 54 | must be later than START",
        "[file:name = 'x'] START '2016-07-01T00:00:00Z' STOP t'2016-08-01T00:00:00Z' | 25 | expected a timestamp t'...' after START but found string",
        "[file:created = t'2016-02-30T00:00:00Z'] | 17 | no such date",
        "[file:created = t'2016-01-01 00:00:00Z'] | 17 | expected a timestamp t'YYYY-MM-DDTHH:MM:SS[.s]Z'",
        "[file:created = t'2016-01-01T00:00:00+01:00'] | 17 | expected a timestamp",
        "[file:magic_number_hex = h'fff'] | 26 | expected an even number of hex digits",
        "[file:magic_number_hex = h'zz'] | 26 | expected an even number of hex digits",
        "[artifact:payload_bin = b'AQI'] | 25 | expected base64",
        "[artifact:payload_bin = b''] | 25 | expected base64",
        "[file:name MATCHES '^a\\.exe$'] | 23 | invalid escape '\\.' in string",
        "[file:name = 'x'] FOLLOWEDBY | 29 | expected '[' or '(' starting an observation but found end of pattern",
        "([file:name = 'x'] | 19 | expected ')' closing the '(' at column 1 but found end of pattern",
        "[file:name = 'x']) | 18 | ')' without a matching '('",
        "[file:name = 'x' # ] | 18 | unexpected character '#'",
        "[file:name ! 'x'] | 12 | expected '!=' but found '!'",
        "[file:size = 007] | 14 | integer 007 must not have a leading zero",
        "[file:x[a] = 1] | 9 | expected a list index (integer or '*')",
        "[file:x[1 = 1] | 11 | expected ']' closing the list index at column 8",
        "[file: = 1] | 8 | expected a property name after ':'",
        "[file:a. = 1] | 10 | expected a property name after '.'",
        "[EXISTS] | 8 | expected an object type",
        "[file:name NOT EXISTS] | 16 | expected a comparison operator",
        "[file:name = 'x'] and [file:name = 'y'] | 19 | expected AND, OR, FOLLOWEDBY",
        "[file:name = 'x'] /* open comment | 34 | expected '*/' closing the comment at column 19",
        "[file:size = 1.] | 16 | expected a digit after the decimal point",
      })
  void invalidPatternsNameColumnAndExpectation(String text, int column, String message) {
    String pattern = text == null ? "" : text;
    assertThatThrownBy(() -> StixPattern.parse(pattern))
        .isInstanceOf(InvalidPatternException.class)
        .hasMessageStartingWith("column " + column + ": ")
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((InvalidPatternException) e).column()).isEqualTo(column));
  }

  @Test
  void keywordsAreCaseSensitiveAndNotIdentifiers() {
    assertThatThrownBy(() -> StixPattern.parse("[file:name = 'x'] AND EXISTS_IS_NOT_A_KEYWORD"))
        .hasMessageStartingWith("column 23: expected '[' or '('");
    assertThatThrownBy(() -> StixPattern.parse("[file:name like 'x%']"))
        .hasMessageStartingWith("column 12: expected a comparison operator");
    assertThatThrownBy(() -> StixPattern.parse("[file:IN = 'x']"))
        .hasMessageStartingWith("column 7: expected a property name after ':' but found IN");
  }

  @Test
  void deepNestingIsRejectedNotAStackOverflow() {
    String deep = "(".repeat(100_000) + "[a:b = 1]" + ")".repeat(100_000);
    assertThatThrownBy(() -> StixPattern.parse(deep))
        .isInstanceOf(InvalidPatternException.class)
        .hasMessageContaining("nested deeper than " + StixPatternParser.MAX_NESTING);
    String deepInside = "[" + "(".repeat(100_000) + "a:b = 1" + ")".repeat(100_000) + "]";
    assertThatThrownBy(() -> StixPattern.parse(deepInside))
        .hasMessageContaining("nested deeper than");
    String ok =
        "(".repeat(50) + "[" + "(".repeat(40) + "a:b = 1" + ")".repeat(40) + "]" + ")".repeat(50);
    assertThat(catchingParse(ok)).isNull();
  }

  @Test
  void longFlatPatternsParse() throws Exception {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < 20_000; i++) {
      if (i > 0) {
        sb.append(" OR ");
      }
      sb.append("ipv4-addr:value = '10.0.")
          .append(i / 256 % 256)
          .append('.')
          .append(i % 256)
          .append('\'');
    }
    sb.append(']');
    var or =
        (ComparisonExpression.Or)
            ((ObservationExpression.Observation) StixPattern.parse(sb.toString()).root())
                .comparisons();
    assertThat(or.operands()).hasSize(20_000);
    String longString = "[file:name MATCHES '" + "a".repeat(100_000) + "']";
    assertThat(catchingParse(longString)).isNull();
  }

  /** Every prefix and random mutation of a valid pattern parses or fails with a position. */
  @Test
  void truncatedAndMutatedPatternsFailCleanly() {
    Random random = new Random(42);
    String alphabet = "[]()'.:,*=!<>-+ tbh0123456789aAzZ_\\/";
    for (String valid : validPatterns()) {
      for (int cut = 0; cut < valid.length(); cut++) {
        Exception e = catchingParse(valid.substring(0, cut));
        if (e != null) {
          assertThat(e).isInstanceOf(InvalidPatternException.class);
          assertThat(((InvalidPatternException) e).column()).isBetween(1, cut + 1);
        }
      }
      for (int n = 0; n < 200; n++) {
        char[] chars = valid.toCharArray();
        chars[random.nextInt(chars.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
        Exception e = catchingParse(new String(chars));
        if (e != null) {
          assertThat(e).isInstanceOf(InvalidPatternException.class);
        }
      }
    }
  }

  private static Exception catchingParse(String text) {
    try {
      StixPattern.parse(text);
      return null;
    } catch (Exception e) {
      return e;
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[ ipv4-addr:value = '10.0.0.0' ]",
        "[email-message:subject MATCHES '^[IMPORTANT] Please Review Before']",
        "[domain-name:value = 'domain autuo.xicp.net' OR ipv4-addr:value = '60.10.1.115']",
      })
  void patternsFromTheSampleBundlesParse(String text) throws Exception {
    assertThat(StixPattern.parse(text).root()).isNotNull();
  }
}
