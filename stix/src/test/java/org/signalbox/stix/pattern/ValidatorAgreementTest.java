package org.signalbox.stix.pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The OASIS pattern validator's own cases (cti-pattern-validator, {@code
 * stix2patterns/test/v21/test_validator.py}, FAIL_CASES and PASS_CASES): every pattern it refuses
 * is refused here with a column, every pattern it accepts is accepted.
 */
class ValidatorAgreementTest {
  private static final String KEY = "[win-registry-key:key = 'hkey_local_machine\\\\foo\\\\bar']";

  static List<String> validatorFailCases() {
    return List.of(
        "file:size = 1280",
        "[file:size = ]",
        "[file:hashes.MD5 = cead3f77f6cda6ec00f57d76c9a6879f]",
        "[file.size = 1280]",
        "[file:name MATCHES /.*\\\\.dll/]",
        KEY + " WITHIN ]",
        KEY + " WITHIN 5 HOURS]",
        KEY + " WITHIN -5 SECONDS]",
        "[network-traffic:dst_ref.value ISSUBSET ]",
        "[file:hashes.MD5 =? 'cead3f77f6cda6ec00f57d76c9a6879f']",
        "[x_whatever:detected == t'2457-73-22T32:81:84.1Z']",
        "[artifact:payload_bin = b'====']",
        "[foo:bar=1] within 2 seconds",
        "[file:hashes.'SHA-256' = 'f00']",
        KEY + " WITHIN 5 SECONDS WITHIN 6 SECONDS",
        "(" + KEY + " REPEATS 2 TIMES REPEATS 3 TIMES)",
        KEY
            + " START t'2016-06-01T01:30:00.123Z' STOP t'2016-06-01T02:20:00.123Z'"
            + " START t'2016-06-01T01:30:00.123Z' STOP t'2016-06-01T02:20:00.123Z'");
  }

  static List<String> validatorPassCases() {
    return List.of(
        "[file:size = 1280]",
        "[file:size != 1280]",
        "[file:size < 1024]",
        "[file:size <= 1024]",
        "[file:size > 1024]",
        "[file:size >= 1024]",
        "[file:file_name = 'my_file_name']",
        "[file:extended_properties.'ntfs-ext'.sid = '234']",
        "[emailaddr:value MATCHES '.+\\\\@ibm\\\\.com$' OR file:name MATCHES '^Final Report.+\\\\.exe$']",
        "[ipv4addr:value ISSUBSET '192.168.0.1/24']",
        "[ipv4addr:value NOT ISSUBSET '192.168.0.1/24']",
        "[user-account:value = 'Peter'] AND [user-account:value != 'Paul'] AND [user-account:value = 'Mary'] WITHIN 5 SECONDS",
        "[file:file_system_properties.file_name LIKE 'name%']",
        "[file:file_name IN ('test.txt', 'test2.exe', 'README')]",
        "[file:size IN (1024, 2048, 4096)]",
        "[network-connection:extended_properties[0].source_payload MATCHES 'dGVzdHRlc3R0ZXN0']",
        KEY + " WITHIN 5 SECONDS",
        "[x_whatever:detected == t'2018-03-22T12:11:14.1Z']",
        "[artifact:payload_bin = b'dGhpcyBpcyBhIHRlc3Q=']",
        "[foo:bar=1] REPEATS 9 TIMES",
        "[network-traffic:start = '2018-04-20T12:36:24.558Z']",
        "( [(network-traffic:dst_port IN(443,6443,8443) AND network-traffic:src_packets != 0) ])",
        "(" + KEY + ") WITHIN 5 SECONDS WITHIN 6 SECONDS",
        "(" + KEY + " REPEATS 2 TIMES) REPEATS 2 TIMES",
        "[network-traffic:src_port = 37020 AND user-account:user_id = 'root'] "
            + "START t'2016-06-01T01:30:00.123Z' STOP t'2016-06-01T02:20:00.123Z' OR "
            + "[ipv4-addr:value = '192.168.122.83'] "
            + "START t'2016-06-01T03:55:00.123Z' STOP t'2016-06-01T04:30:24.743Z'");
  }

  @ParameterizedTest
  @MethodSource("validatorFailCases")
  void whatTheValidatorRefusesIsRefusedWithAColumn(String text) {
    assertThatThrownBy(() -> StixPattern.parse(text))
        .isInstanceOf(InvalidPatternException.class)
        .satisfies(
            e ->
                assertThat(((InvalidPatternException) e).column()).isBetween(1, text.length() + 1));
  }

  @ParameterizedTest
  @MethodSource("validatorPassCases")
  void whatTheValidatorAcceptsIsAccepted(String text) throws Exception {
    assertThat(StixPattern.parse(text).root()).isNotNull();
  }

  /** The four the parser used to accept, each with the column and reason of its fault. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "[file:hashes.'SHA-256' = 'f00'] | 26 | 'f00' is not a valid SHA-256 hash (64 hex digits, not 3)",
        "[file:name = 'x'] WITHIN 5 SECONDS WITHIN 6 SECONDS | 36 | WITHIN qualifier repeated on one observation (the first is at column 19)",
        "([file:name = 'x'] REPEATS 2 TIMES REPEATS 3 TIMES) | 36 | REPEATS qualifier repeated on one observation (the first is at column 20)",
        "[file:name = 'x'] START t'2016-06-01T01:30:00Z' STOP t'2016-06-01T02:20:00Z' START t'2016-06-01T01:30:00Z' STOP t'2016-06-01T02:20:00Z' | 78 | START qualifier repeated on one observation (the first is at column 19)",
        "[file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879'] | 20 | is not a valid MD5 hash (32 hex digits, not 31)",
        "[file:hashes.'SHA-1' = 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz'] | 24 | is not a valid SHA-1 hash (40 hex digits, not 40 with a non-hex character)",
        "[file:hashes.'SHA-512' != 'ab'] | 27 | is not a valid SHA-512 hash (128 hex digits",
        "[file:hashes.'SHA3-256' = 'ab'] | 27 | is not a valid SHA3-256 hash (64 hex digits",
        "[file:hashes.MD6 = 'ab'] | 20 | is not a valid MD6 hash (32, 40, 56, 64, 96 or 128 hex digits",
        "[file:hashes.SSDEEP = 'a b'] | 23 | is not a valid SSDEEP hash",
        "[file:hashes.MD5 IN ('cead3f77f6cda6ec00f57d76c9a6879f', 'x')] | 21 | 'x' is not a valid MD5 hash",
        "[file:name = 'x'] REPEATS 1000000 TIMES | 27 | REPEATS needs a positive integer from 1 to 1000, not 1000000",
        "[file:name = 'x'] REPEATS 1001 TIMES | 27 | from 1 to 1000",
        "[file:name = 'x'] WITHIN 315360000 SECONDS | 26 | longer than the longest window accepted (31622400 seconds, 366 days)",
        "[file:name = 'x'] WITHIN 0 SECONDS | 26 | WITHIN needs a positive number of seconds",
        "[file:name = 'x'] WITHIN 0.0 SECONDS | 26 | WITHIN needs a positive number of seconds",
        "[file:name = 'x'] START t'2016-07-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z' | 54 | must be later than START",
      })
  void faultsNameTheirColumn(String text, int column, String message) {
    assertThatThrownBy(() -> StixPattern.parse(text))
        .isInstanceOf(InvalidPatternException.class)
        .hasMessageStartingWith("column " + column + ": ")
        .hasMessageContaining(message);
  }

  @Test
  void hashShapesThatAreRight() throws Exception {
    for (String ok :
        List.of(
            "[file:hashes.MD5 = 'CEAD3F77F6CDA6EC00F57D76C9A6879F']",
            "[file:hashes.'SHA-256' = '" + "a".repeat(64) + "']",
            "[file:hashes.'SHA3-512' = '" + "0".repeat(128) + "']",
            "[file:hashes.MD6 = '" + "0".repeat(56) + "']",
            "[file:hashes.SSDEEP = '3:a+b/c:d.e']",
            // Not compared as a whole hash: not checked (the validator checks these too).
            "[file:hashes.MD5 LIKE 'cead%']",
            "[file:hashes.MD5 MATCHES '^cead']",
            // Algorithms the validator does not know are not checked.
            "[file:hashes.'x-custom' = 'f00']",
            "[file:hashes.TLSH = 'T1abc']",
            // Qualifiers of different kinds, and the same kind on different observations.
            "[file:name = 'x'] REPEATS 2 TIMES WITHIN 5 SECONDS START t'2016-06-01T01:30:00Z' STOP t'2016-06-01T02:20:00Z'",
            "[a:b = 1] WITHIN 5 SECONDS AND [a:b = 2] WITHIN 5 SECONDS",
            "[file:name = 'x'] REPEATS 1000 TIMES WITHIN 31622400 SECONDS")) {
      assertThat(StixPattern.parse(ok).root()).as(ok).isNotNull();
    }
  }
}
