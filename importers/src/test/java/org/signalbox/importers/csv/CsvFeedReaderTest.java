package org.signalbox.importers.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.StringReader;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.signalbox.importers.IndicatorBatch;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Tlp;

class CsvFeedReaderTest {

  private static final Instant NOW = Instant.parse("2024-06-01T00:00:00Z");

  private static IndicatorBatch read(String mapping, String csv) throws Exception {
    return new CsvFeedReader(CsvColumnMapping.parse(mapping), ',', "feodo", Tlp.CLEAR, 75)
        .read(new BufferedReader(new StringReader(csv)), "feed.csv", NOW);
  }

  @Test
  void abuseChStyleFeedWithCommentedHeader() throws Exception {
    String csv =
        """
        ################################################################
        # abuse.ch Feodo Tracker Botnet C2 IP Blocklist (CSV)           #
        ################################################################
        #
        # "first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware"
        "2024-05-01 10:00:00","198.51.100.7","443","online","2024-05-02","QakBot"
        "2024-05-02 11:00:00","300.1.1.1","443","online","2024-05-02","Emotet"
        "2024-05-03 12:00:00","203.0.113.9","8080","offline","2024-05-03","Pikabot"
        "2024-05-03 12:00:00","203.0.113.10","8080","offline
        # END 3 entries
        """;
    IndicatorBatch b = read("value=dst_ip,type=IPV4,time=first_seen_utc,malware=malware", csv);
    assertThat(b.indicators())
        .extracting(Indicator::getValue)
        .containsExactly("198.51.100.7", "203.0.113.9");
    Indicator first = b.indicators().get(0);
    assertThat(first.getMatchKind()).isEqualTo(MatchKind.EXACT);
    assertThat(first.getObservableType()).isEqualTo(ObservableType.IPV4);
    assertThat(first.getVersion()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
    assertThat(first.getContext().getMalware()).containsExactly("QakBot");
    assertThat(first.getTlp()).isEqualTo(Tlp.CLEAR);
    assertThat(first.getConfidence()).isEqualTo(75);
    assertThat(first.getSource()).isEqualTo("feodo");
    assertThat(b.rejected())
        .extracting(IndicatorBatch.Rejection::where)
        .containsExactly("feed.csv:7", "feed.csv:9");
    assertThat(b.rejected().get(1).reason()).contains("quote opened at column 45 is not closed");
  }

  @Test
  void sameValueGetsTheSameIdOnReimport() throws Exception {
    String a = read("value=1,type=DOMAIN", "Evil.Example\n").indicators().get(0).getId();
    String b = read("value=1,type=DOMAIN", "evil.example.\n").indicators().get(0).getId();
    assertThat(a).isEqualTo(b).startsWith("indicator--");
  }

  @Test
  void typeColumnAndPlainHeader() throws Exception {
    String csv =
        "ioc,ioc_type,tags\n"
            + "evil.example,domain,\"c2,rail\"\n"
            + "198.51.100.0/24,ip-dst,none\n"
            + "203.0.113.5:8443,ip:port,\n"
            + "x,unknown-type,\n";
    IndicatorBatch b = read("value=ioc,type=ioc_type,tags=tags", csv);
    assertThat(b.indicators())
        .extracting(Indicator::getMatchKind)
        .containsExactly(MatchKind.EXACT, MatchKind.CIDR, MatchKind.EXACT);
    assertThat(b.indicators().get(0).getLabels()).containsExactly("c2", "rail");
    assertThat(b.indicators().get(2).getValue()).isEqualTo("203.0.113.5");
    assertThat(b.rejected()).hasSize(1);
    assertThat(b.rejected().get(0).reason()).isEqualTo("unknown indicator type 'unknown-type'");
  }

  @Test
  void mappingErrorsAreClear() {
    assertThatThrownBy(() -> CsvColumnMapping.parse("type=IPV4"))
        .hasMessageContaining("needs value=");
    assertThatThrownBy(() -> CsvColumnMapping.parse("value=1,colour=red"))
        .hasMessageContaining("unknown column mapping key 'colour'");
    assertThatThrownBy(() -> CsvColumnMapping.parse("value=1"))
        .hasMessageContaining("type column or a fixed type");
    assertThatThrownBy(() -> read("value=dst_ip,type=IPV4", "1.2.3.4\n"))
        .hasMessageContaining("no header naming column 'dst_ip'");
  }

  /**
   * A reader that serves {@code rows} generated rows and fails if more than a few rows were read
   * ahead of what was handed on: the feed is streamed, never collected (2M rows once took 2.1 GB).
   */
  @Test
  void rowsAreHandedOnAsTheyAreReadNotCollected() throws Exception {
    int rows = 200_000;
    int[] served = {0};
    int[] handedOn = {0};
    java.io.Reader generated =
        new java.io.Reader() {
          private String pending = "";

          @Override
          public int read(char[] buf, int off, int len) {
            if (pending.isEmpty()) {
              if (served[0] == rows) {
                return -1;
              }
              assertThat(served[0] - handedOn[0]).isLessThan(2_000);
              served[0]++;
              pending = "198.51." + (served[0] / 256 % 256) + "." + (served[0] % 256) + "\n";
            }
            int n = Math.min(len, pending.length());
            pending.getChars(0, n, buf, off);
            pending = pending.substring(n);
            return n;
          }

          @Override
          public void close() {}
        };
    java.util.List<IndicatorBatch.Rejection> rejected = new java.util.ArrayList<>();
    new CsvFeedReader(CsvColumnMapping.parse("value=1,type=IPV4"), ',', "feed", Tlp.CLEAR, 50)
        .read(
            new BufferedReader(generated, 1024),
            "generated.csv",
            NOW,
            indicator -> handedOn[0]++,
            rejected::add);
    assertThat(handedOn[0]).isEqualTo(rows);
    assertThat(rejected).isEmpty();
  }
}
