package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.signalbox.jobs.correlate.Fixtures.T0;
import static org.signalbox.jobs.correlate.Fixtures.event;
import static org.signalbox.jobs.correlate.Fixtures.obs;

import java.time.Duration;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.signalbox.jobs.common.RawRecord;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.ObservableRole;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sector;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.support.AvroCodec;

class TelemetryDecoderTest {

  static final RecordLimits LIMITS = new RecordLimits(Duration.ofDays(1));

  final AvroCodec<TelemetryEvent> codec = AvroCodec.telemetry();

  static OneInputStreamOperatorTestHarness<RawRecord, DecodedTelemetry> harness(String prefix)
      throws Exception {
    var h = ProcessFunctionTestHarnesses.forProcessFunction(new TelemetryDecoder(LIMITS, prefix));
    h.open();
    return h;
  }

  void send(
      OneInputStreamOperatorTestHarness<RawRecord, DecodedTelemetry> h,
      String topic,
      long offset,
      String claimedMember)
      throws Exception {
    TelemetryEvent e =
        event(
            "e-" + offset,
            claimedMember,
            Sector.RAIL,
            T0,
            obs(ObservableType.IPV4, "198.51.100.7", ObservableRole.DESTINATION));
    h.processElement(
        new StreamRecord<>(new RawRecord(topic, 1, offset, 0L, null, codec.encode(e))));
  }

  static List<String> passed(OneInputStreamOperatorTestHarness<RawRecord, DecodedTelemetry> h) {
    return h.extractOutputValues().stream().map(d -> d.event.getEventId()).toList();
  }

  static List<DeadLetter> dead(OneInputStreamOperatorTestHarness<RawRecord, DecodedTelemetry> h) {
    var q = h.getSideOutput(DeadLetters.TAG);
    return q == null ? List.of() : q.stream().map(StreamRecord::getValue).toList();
  }

  @Test
  void anEventClaimingAnotherMemberThanItsTopicIsAForgery() throws Exception {
    var h = harness("telemetry.");
    send(h, "telemetry.rail-a", 0, "rail-a");
    send(h, "telemetry.rail-a", 1, "airport-b");
    // A member whose id has the other as a prefix is still another member.
    send(h, "telemetry.rail-a", 2, "rail-a2");

    assertThat(passed(h)).containsExactly("e-0");
    assertThat(dead(h))
        .hasSize(2)
        .allSatisfy(
            d -> {
              assertThat(d.getStage()).isEqualTo("validate");
              assertThat(d.getReason()).isEqualTo("forged-member");
              assertThat(d.getOriginTopic()).isEqualTo("telemetry.rail-a");
              assertThat(d.getPartition()).isEqualTo(1);
              assertThat(d.getRaw()).isNotNull();
            })
        .first()
        .satisfies(
            d -> {
              assertThat(d.getOffset()).isEqualTo(1);
              assertThat(d.getError())
                  .contains("claims member 'airport-b'")
                  .contains("telemetry.rail-a, the topic of member 'rail-a'");
            });
    h.close();
  }

  @Test
  void recordsFromFilesAndOtherTopicsAreNotChecked() throws Exception {
    var h = harness("telemetry.");
    // Not a member topic: another prefix, or the bare prefix.
    send(h, "replay.telemetry.rail-a", 0, "airport-b");
    send(h, "telemetry.", 1, "airport-b");
    send(h, null, 2, "airport-b");
    assertThat(passed(h)).containsExactly("e-0", "e-1", "e-2");
    assertThat(dead(h)).isEmpty();
    h.close();

    // File input (signalbox match): the prefix is empty and a file name proves nothing, even one
    // that looks like a member topic.
    var files = harness("");
    send(files, "telemetry.rail-a", 1, "airport-b");
    send(files, "telemetry.jsonl", 2, "rail-a");
    assertThat(passed(files)).containsExactly("e-1", "e-2");
    assertThat(dead(files)).isEmpty();
    files.close();
  }
}
