package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.signalbox.jobs.common.RawRecord;

/** How the pipeline is laid out, where the layout carries meaning. */
class CorrelatePipelineTopologyTest {

  @Test
  void indicatorDecoderRunsAtItsSourcesParallelismSoVersionsKeepTheirOrder() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(4);
    RawRecord r = new RawRecord("t", 0, 0, 0, null, new byte[0]);
    DataStream<RawRecord> telemetry =
        env.fromData(List.of(r), TypeInformation.of(RawRecord.class))
            .assignTimestampsAndWatermarks(WatermarkStrategy.noWatermarks());
    // As CorrelateKafka runs it: one reader for the bootstrap watermark.
    DataStream<RawRecord> indicators =
        env.fromData(List.of(r), TypeInformation.of(RawRecord.class)).setParallelism(1);

    CorrelatePipeline.build(telemetry, indicators, new Configuration(), true).sightings().print();
    StreamGraph graph = env.getStreamGraph();
    StreamNode decoder =
        graph.getStreamNodes().stream()
            .filter(n -> n.getOperatorName().equals("decode indicators"))
            .findFirst()
            .orElseThrow();
    // A rebalance to a wider decoder would let version 2 of an indicator overtake version 1.
    assertThat(decoder.getParallelism()).isEqualTo(1);
    assertThat(graph.getStreamNode(decoder.getInEdges().get(0).getSourceId()).getParallelism())
        .isEqualTo(1);
    assertThat(decoder.getInEdges().get(0).getPartitioner().toString()).isEqualTo("FORWARD");
  }
}
