package org.signalbox.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.signalbox.kafka.KafkaClientConfig;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.support.AvroCodec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code signalbox sightings export --stix}: sightings from Kafka or stdin to a STIX bundle. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Exports sightings as one STIX 2.1 bundle of sighting objects, with the member identities"
          + " (the audience's pseudonyms, or the names of members that opted in, as the gateway"
          + " serves them) and the TLP 2.0 marking definitions they reference.",
      "Without --kafka it reads sightings as JSON lines on standard input (the output of"
          + " 'signalbox match'). With --kafka it reads the sightings topic from the beginning up"
          + " to the end offsets it finds at start, so it ends even while the correlate job keeps"
          + " writing.",
      "Bad lines, undecodable records (with partition and offset) and sightings that cannot be"
          + " STIX are reported on standard error and counted; the rest is exported. Exit status"
          + " 0 if everything was exported, 1 if some were rejected, 2 if the input or output could"
          + " not be used."
    })
public final class SightingsExportCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--stix",
      required = true,
      description =
          "Write STIX 2.1 (the only export format so far; required so a later one can"
              + " be added without changing what this command line means).")
  boolean stix;

  @Option(
      names = "--kafka",
      paramLabel = "BOOTSTRAP",
      description = "Kafka bootstrap servers; without it, JSON lines are read on standard input.")
  String kafka;

  @CommandLine.Mixin KafkaConfigOption kafkaConfig = new KafkaConfigOption();

  @Option(
      names = "--topic",
      paramLabel = "TOPIC",
      defaultValue = "sightings",
      description = "Sightings topic (Avro single-object encoding); default: ${DEFAULT-VALUE}.")
  String topic;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "PT2M",
      converter = DurationConverter.class,
      description = "Give up reading Kafka after this long (ISO-8601 or e.g. 90s); default: 2m.")
  Duration timeout;

  @Option(
      names = "--out",
      paramLabel = "BUNDLE.json",
      defaultValue = "-",
      description = "STIX bundle to write; '-' is standard output (default).")
  String out;

  @CommandLine.Mixin StixAudienceOptions audience = new StixAudienceOptions();

  @Override
  public Integer call() {
    if (kafka == null) {
      return StixExportSightingsCommand.exportJsonLines(spec, audience, "-", out);
    }
    PrintWriter err = spec.commandLine().getErr();
    StixSightingExport export;
    try {
      export = new StixSightingExport(err, audience.writer(err));
    } catch (IOException | IllegalArgumentException e) {
      err.println("ERROR: " + e.getMessage());
      err.flush();
      return 2;
    }
    KafkaClientConfig client;
    try {
      client = kafkaConfig.client(kafka);
    } catch (IllegalArgumentException e) {
      err.println("ERROR: " + e.getMessage());
      err.flush();
      return 2;
    }
    try {
      readTopic(client, export);
    } catch (IOException | KafkaException e) {
      err.println(
          "ERROR reading "
              + topic
              + " from "
              + kafka
              + ": "
              + e.getMessage()
              + (e instanceof org.apache.kafka.common.errors.TimeoutException
                      || e instanceof org.apache.kafka.common.errors.AuthenticationException
                  ? ". " + client.connectionHint(KafkaConfigOption.NAME)
                  : ""));
      err.flush();
      return 2;
    }
    return export.finish(out, spec.commandLine().getOut(), "records");
  }

  private void readTopic(KafkaClientConfig client, StixSightingExport export) throws IOException {
    // read_committed (the factory's consumer): the correlate job writes sightings in
    // transactions, and an export must hold each committed sighting once and no aborted one. Its
    // end offsets are then the last stable offsets, so the export ends before any open
    // transaction.
    Properties p = client.consumer("signalbox-sightings-export");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    AvroCodec<Sighting> codec = AvroCodec.sighting();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
      if (infos == null || infos.isEmpty()) {
        throw new IOException("no such topic");
      }
      List<TopicPartition> partitions =
          infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      // Fixed at start: the correlate job may keep appending, and an export must end.
      Map<TopicPartition, Long> end = Map.copyOf(consumer.endOffsets(partitions, timeout));
      Set<TopicPartition> pending = new HashSet<>(end.keySet());
      while (!reachedEnd(consumer, end, pending)) {
        if (System.nanoTime() > deadline) {
          throw new IOException(
              "timed out after " + timeout + " before reaching the end offsets " + end);
        }
        for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(500))) {
          TopicPartition tp = new TopicPartition(rec.topic(), rec.partition());
          if (rec.offset() >= end.get(tp)) {
            continue;
          }
          String where = topic + "/" + rec.partition() + "@" + rec.offset();
          Sighting s;
          try {
            s = codec.decode(rec.value());
          } catch (IOException | RuntimeException e) {
            export.rejectUndecodable(where + ": not a sighting record: " + e.getMessage());
            continue;
          }
          export.add(where, s);
        }
      }
    }
  }

  private static boolean reachedEnd(
      KafkaConsumer<byte[], byte[]> consumer,
      Map<TopicPartition, Long> end,
      Set<TopicPartition> pending) {
    // Position, not count: compaction and transaction markers leave offsets without records.
    pending.removeIf(tp -> consumer.position(tp) >= end.get(tp));
    return pending.isEmpty();
  }
}
