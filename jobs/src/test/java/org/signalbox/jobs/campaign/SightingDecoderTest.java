package org.signalbox.jobs.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.signalbox.jobs.common.RawRecord;
import org.signalbox.jobs.correlate.DeadLetters;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;

class SightingDecoderTest {

  @Test
  void onlySightingsOfDirectoryMembersInTheirSectorPass() throws Exception {
    AvroCodec<Sighting> codec = AvroCodec.sighting();
    Instant now = Instant.ofEpochMilli(1_800_000_000_000L);
    List<Sighting> input =
        List.of(
            CampaignPipelineITCase.sighting("ok", "m-rail-01", Sector.RAIL, now, "X", Tlp.GREEN),
            CampaignPipelineITCase.sighting("ghost", "m-ghost", Sector.RAIL, now, "X", Tlp.GREEN),
            CampaignPipelineITCase.sighting(
                "wrong", "m-rail-01", Sector.AVIATION, now, "X", Tlp.GREEN),
            CampaignPipelineITCase.sighting(
                "later", "m-rail-01", Sector.RAIL, now.plus(Duration.ofDays(2)), "X", Tlp.GREEN));
    try (var harness =
        new OneInputStreamOperatorTestHarness<>(
            new ProcessOperator<>(
                new SightingDecoder(CampaignPipelineITCase.directory(), Duration.ofDays(1))))) {
      harness.open();
      harness.setProcessingTime(now.toEpochMilli());
      long offset = 0;
      for (Sighting s : input) {
        harness.processElement(
            new StreamRecord<>(new RawRecord("sightings", 3, offset++, 0, null, codec.encode(s))));
      }
      harness.processElement(
          new StreamRecord<>(
              new RawRecord(
                  "sightings", 3, offset, 0, null, "garbage".getBytes(StandardCharsets.UTF_8))));

      assertThat(harness.extractOutputValues())
          .extracting(Sighting::getSightingId)
          .containsExactly("sighting--ok");
      List<DeadLetter> dead =
          harness.getSideOutput(DeadLetters.TAG).stream().map(StreamRecord::getValue).toList();
      assertThat(dead)
          .extracting(d -> d.getOffset() + " " + d.getReason())
          .containsExactly(
              "1 unknown-member", "2 sector-mismatch", "3 absurd-event-time", "4 undecodable-avro");
      assertThat(dead).allSatisfy(d -> assertThat(d.getOriginTopic()).isEqualTo("sightings"));
      assertThat(dead).allSatisfy(d -> assertThat(d.getPartition()).isEqualTo(3));
      assertThat(dead.get(0).getError())
          .contains("m-ghost")
          .contains("not in the member directory");
      assertThat(dead.get(1).getError()).contains("AVIATION").contains("RAIL");
      assertThat(dead.get(0).getRaw().array()).isEqualTo(codec.encode(input.get(1)));
    }
  }
}
