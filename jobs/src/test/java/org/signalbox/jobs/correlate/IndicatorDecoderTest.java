package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.correlate.Fixtures.indicator;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.jobs.common.RawRecord;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.support.AvroCodec;

class IndicatorDecoderTest {

  static final RecordLimits LIMITS = new RecordLimits(Duration.ofDays(1));

  static OneInputStreamOperatorTestHarness<RawRecord, IndicatorUpdate> harness(String lists)
      throws Exception {
    var h = ProcessFunctionTestHarnesses.forProcessFunction(new IndicatorDecoder(LIMITS, lists));
    h.open();
    return h;
  }

  static void send(OneInputStreamOperatorTestHarness<RawRecord, IndicatorUpdate> h, Indicator i)
      throws Exception {
    h.processElement(
        new StreamRecord<>(
            new RawRecord(
                "indicators",
                0,
                h.extractOutputValues().size(),
                0,
                i.getId().getBytes(StandardCharsets.UTF_8),
                AvroCodec.indicator().encode(i))));
  }

  static List<String> deadReasons(OneInputStreamOperatorTestHarness<RawRecord, IndicatorUpdate> h) {
    return h.getSideOutput(DeadLetters.TAG).stream()
        .map(StreamRecord::getValue)
        .map(d -> d.getStage() + " " + d.getReason() + " " + d.getError())
        .toList();
  }

  @Test
  void valuesOnAWarninglistAreSuppressedWithTheListName(@TempDir Path dir) throws Exception {
    Path list = Files.createDirectories(dir.resolve("resolvers")).resolve("list.json");
    Files.writeString(
        list,
        "{\"name\":\"Public resolvers\",\"type\":\"string\",\"matching_attributes\":[\"ip-dst\",\"ip-src\"],"
            + "\"list\":[\"8.8.8.8\",\"1.1.1.1\"],\"version\":1,\"description\":\"test\"}");
    var h = harness(dir.toString());

    send(
        h,
        indicator("indicator--646e7300-0000-4000-8000-000000000000", ObservableType.IPV4, "8.8.8.8")
            .build());
    send(
        h,
        indicator(
                "indicator--63320000-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "198.51.100.7")
            .build());

    assertThat(h.extractOutputValues())
        .extracting(u -> u.id)
        .containsExactly("indicator--63320000-0000-4000-8000-000000000000");
    assertThat(deadReasons(h))
        .singleElement()
        .asString()
        .startsWith("suppress warninglist 8.8.8.8 is on MISP warninglist(s) [Public resolvers]");
  }

  @Test
  void theSharedMispWarninglistsSuppressResolversAndPrivateRanges() throws Exception {
    Path shared = Path.of("..", "..", "shared", "data", "misp-warninglists");
    if (!Files.isDirectory(shared)) {
      shared = Path.of("..", "..", "..", "shared", "data", "misp-warninglists");
    }
    Assumptions.assumeTrue(
        Files.isDirectory(shared),
        "../shared/data/misp-warninglists is absent: skipping the real-warninglist check");
    var h = harness(shared.toString());

    send(
        h,
        indicator("indicator--646e7300-0000-4000-8000-000000000000", ObservableType.IPV4, "8.8.8.8")
            .build());
    send(
        h,
        indicator(
                "indicator--6c616e00-0000-4000-8000-000000000000",
                ObservableType.IPV4,
                "10.0.0.0/8")
            .setMatchKind(MatchKind.CIDR)
            .build());
    send(
        h,
        indicator(
                "indicator--63320000-0000-4000-8000-000000000000",
                ObservableType.DOMAIN,
                "rail-update-7f3a.xyz")
            .build());

    assertThat(h.extractOutputValues())
        .extracting(u -> u.id)
        .containsExactly("indicator--63320000-0000-4000-8000-000000000000");
    assertThat(h.getSideOutput(DeadLetters.TAG))
        .extracting(r -> ((DeadLetter) r.getValue()).getReason())
        .containsExactly("warninglist", "warninglist");
  }

  @Test
  void invalidPatternsAreRejectedWithTheirColumn() throws Exception {
    var h = harness("");
    send(
        h,
        indicator("indicator--70000000-0000-4000-8000-000000000000", null, null)
            .setMatchKind(MatchKind.PATTERN)
            .setPattern("[ipv4-addr:value = '198.51.100.7'")
            .build());
    assertThat(deadReasons(h))
        .singleElement()
        .asString()
        .contains("invalid-pattern")
        .contains("column");
  }

  @Test
  void networksAndSuffixesBroaderThanTheLimitsAreDeadLetters() throws Exception {
    var h = harness("");
    send(
        h,
        indicator(
                "indicator--71000000-0000-4000-8000-000000000001", ObservableType.IPV4, "0.0.0.0/1")
            .setMatchKind(MatchKind.CIDR)
            .build());
    send(
        h,
        indicator("indicator--71000000-0000-4000-8000-000000000002", ObservableType.DOMAIN, "*.com")
            .setMatchKind(MatchKind.DOMAIN_SUFFIX)
            .build());
    send(
        h,
        indicator("indicator--71000000-0000-4000-8000-000000000003", ObservableType.DOMAIN, "co.uk")
            .setMatchKind(MatchKind.DOMAIN_SUFFIX)
            .build());
    send(
        h,
        indicator(
                "indicator--71000000-0000-4000-8000-000000000004",
                ObservableType.DOMAIN,
                "*.tracking-parcel.example")
            .setMatchKind(MatchKind.DOMAIN_SUFFIX)
            .build());
    assertThat(deadReasons(h))
        .hasSize(3)
        .allMatch(r -> r.startsWith("validate too-broad "))
        .anyMatch(r -> r.contains("0.0.0.0/1"))
        .anyMatch(r -> r.contains("*.com"))
        .anyMatch(r -> r.contains("co.uk is a public suffix"));
    assertThat(h.extractOutputValues()).hasSize(1);
  }

  @Test
  void theLimitsAreOptions() throws Exception {
    var h =
        ProcessFunctionTestHarnesses.forProcessFunction(
            new IndicatorDecoder(
                new RecordLimits(
                    Duration.ofDays(1), new org.signalbox.stix.match.BreadthLimits(1, 16, 2)),
                ""));
    h.open();
    send(
        h,
        indicator(
                "indicator--72000000-0000-4000-8000-000000000001", ObservableType.IPV4, "0.0.0.0/1")
            .setMatchKind(MatchKind.CIDR)
            .build());
    // No dead letter at all (the harness has no side output until one is written).
    assertThat(h.getSideOutput(DeadLetters.TAG)).isNullOrEmpty();
    assertThat(h.extractOutputValues()).hasSize(1);
  }

  @Test
  void patternsThatMatchEverythingOrNothingAreDeadLettersUnderTheJobsLimits() throws Exception {
    String everything = "[domain-name:value MATCHES '.*']";
    String broadNetwork = "[ipv4-addr:value ISSUBSET '10.0.0.0/4']";
    String backReference = "[domain-name:value MATCHES '(a)\\\\1']";
    String fine = "[domain-name:value MATCHES '^stager[0-9]+\\\\.example$']";
    var strict = harness("");
    int n = 0;
    for (String pattern : List.of(everything, broadNetwork, backReference, fine)) {
      send(
          strict,
          indicator("indicator--73000000-0000-4000-8000-00000000000" + n++, null, null)
              .setMatchKind(MatchKind.PATTERN)
              .setPattern(pattern)
              .build());
    }
    assertThat(deadReasons(strict))
        .hasSize(3)
        .allMatch(r -> r.startsWith("validate too-broad STIX pattern: "));
    assertThat(strict.extractOutputValues()).hasSize(1);

    // correlate.min-ipv4-prefix=1 lets the /4 through, as it does for a CIDR indicator.
    var loose =
        ProcessFunctionTestHarnesses.forProcessFunction(
            new IndicatorDecoder(
                new RecordLimits(
                    Duration.ofDays(1), new org.signalbox.stix.match.BreadthLimits(1, 16, 2)),
                ""));
    loose.open();
    send(
        loose,
        indicator("indicator--73000000-0000-4000-8000-000000000010", null, null)
            .setMatchKind(MatchKind.PATTERN)
            .setPattern(broadNetwork)
            .build());
    assertThat(loose.getSideOutput(DeadLetters.TAG)).isNullOrEmpty();
    assertThat(loose.extractOutputValues()).hasSize(1);
  }
}
