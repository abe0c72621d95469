package org.signalbox.edge.parse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.signalbox.edge.EdgeFixtures;
import org.signalbox.edge.LogFormat;

/** Broken Zeek TSV headers are reported with their line, never a NullPointerException. */
class ZeekTsvHeaderTest {
  @Test
  void typesFieldsCountMismatchIsAClearRejectWithItsLine() throws Exception {
    String log =
        "#separator \\x09\n"
            + "#path\tconn\n"
            + "#fields\tts\tuid\tid.orig_h\n"
            + "#types\ttime\tstring\n"
            + "1521911720.865716\tC1\t10.0.0.1\n";
    EdgeFixtures.Run run =
        EdgeFixtures.run(LogFormat.ZEEK, ZeekTimestampsTest.policy(), log, "conn.log");
    assertThat(run.events()).isEmpty();
    assertThat(run.report())
        .contains("conn.log:4: rejected: #types names 2 types for the 3 fields of #fields")
        .contains("conn.log:5: rejected: data line before the #fields header")
        .doesNotContain("NullPointerException")
        .doesNotContain("internal error");
  }

  @Test
  void aBadSeparatorLineIsReportedNotIgnored() throws Exception {
    String log =
        "#separator \\xZZ\n"
            + "#separator\n"
            + "#separator\t\\x09\n"
            + "#separator \\x09\n"
            + "#fields\tts\tuid\n"
            + "#types\ttime\tstring\n"
            + "1521911720.865716\tC1\n";
    EdgeFixtures.Run run =
        EdgeFixtures.run(LogFormat.ZEEK, ZeekTimestampsTest.policy(), log, "conn.log");
    assertThat(run.events()).hasSize(1);
    assertThat(run.report())
        .contains("conn.log:1: rejected: bad #separator value '\\xZZ'")
        .contains("conn.log:2: rejected: bad #separator line '#separator'")
        .contains("conn.log:3: rejected: bad #separator line");
    assertThat(run.counters().linesRejected).isEqualTo(3);
  }
}
