package org.signalbox.jobs.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.signalbox.topics.SignalboxTopics;

/**
 * The cluster manifests in deploy/ cannot be run here (no Kubernetes), but they must not drift from
 * the code: the entry class exists, every job argument is a real option with a valid value, the
 * state backend is RocksDB, and the topics are the ones the job uses.
 */
class DeployManifestsTest {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final Path DEPLOY = Path.of("..", "deploy");

  @Test
  void flinkDeploymentRunsTheCorrelateJobWithRealOptions() throws Exception {
    JsonNode spec =
        YAML.readTree(DEPLOY.resolve("kubernetes/correlate-flinkdeployment.yaml").toFile())
            .get("spec");

    assertThat(Class.forName(spec.at("/job/entryClass").asText())).isEqualTo(CorrelateJob.class);
    assertThat(spec.at("/flinkConfiguration").get("state.backend.type").asText())
        .isEqualTo("rocksdb");

    List<String> args = new ArrayList<>();
    spec.at("/job/args").forEach(a -> args.add(a.asText()));
    Configuration conf = Configuration.fromMap(CorrelateJob.parseArgs(args.toArray(String[]::new)));
    Set<String> known =
        CorrelateOptions.ALL.stream().map(ConfigOption::key).collect(Collectors.toSet());
    assertThat(conf.keySet()).isNotEmpty().allMatch(known::contains);
    for (ConfigOption<?> o : CorrelateOptions.ALL) {
      conf.get(o); // throws if a value does not parse as the option's type
    }
  }

  @Test
  void topicManifestsMatchTheTopicLayout() throws Exception {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        YAML.readerFor(JsonNode.class)
            .readValues(DEPLOY.resolve("kubernetes/topics.yaml").toFile())) {
      it.forEachRemaining(docs::add);
    }
    List<String> names = docs.stream().map(d -> d.at("/metadata/name").asText()).toList();
    names.forEach(SignalboxTopics::validateTopicName);
    assertThat(names)
        .contains(
            SignalboxTopics.INDICATORS,
            SignalboxTopics.SIGHTINGS,
            SignalboxTopics.DEAD_LETTER,
            SignalboxTopics.INDICATOR_AUDIT);
    assertThat(CorrelateOptions.INDICATOR_AUDIT_TOPIC.defaultValue())
        .isEqualTo(SignalboxTopics.INDICATOR_AUDIT);
    assertThat(names).anyMatch(n -> n.matches(CorrelateOptions.TELEMETRY_TOPICS.defaultValue()));
    JsonNode indicators =
        docs.stream()
            .filter(d -> d.at("/metadata/name").asText().equals("indicators"))
            .findFirst()
            .orElseThrow();
    assertThat(indicators.at("/spec/config/cleanup.policy").asText()).isEqualTo("compact");
  }

  @Test
  void standaloneClusterConfigurationUsesRocksDb() throws Exception {
    JsonNode conf = YAML.readTree(DEPLOY.resolve("flink/config.yaml").toFile());
    assertThat(conf.at("/state/backend/type").asText()).isEqualTo("rocksdb");
    assertThat(conf.at("/execution/checkpointing/interval").asText()).isNotBlank();
  }
}
