package org.signalbox.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.cli.SignalboxCommand;
import org.signalbox.cli.demo.DemoData;
import org.signalbox.cli.demo.DemoMember;
import org.signalbox.jobs.campaign.CampaignKafka;
import org.signalbox.jobs.campaign.CampaignOptions;
import org.signalbox.jobs.correlate.CorrelateJob;
import org.signalbox.jobs.correlate.CorrelateKafka;
import org.signalbox.jobs.correlate.CorrelateOptions;
import org.signalbox.jobs.feedback.FeedbackOptions;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.testkit.AckedSends;
import org.signalbox.testkit.LocalKafkaBroker;
import org.signalbox.topics.SignalboxTopics;

/**
 * The three jobs on a Flink cluster of separate processes, as {@code signalbox cluster} runs it: a
 * JobManager and two TaskManager JVMs on the class path of a Flink distribution (nothing of
 * Signalbox), the shaded job jar uploaded over REST, a real KRaft broker. The demo's generated
 * indicators and telemetry of twelve members go in once; the same input run on the MiniCluster
 * (bounded, in this JVM) is the reference, and the cluster must produce the same sightings and the
 * same campaigns. Then a savepoint, a savepoint that does not fit another job, a restore, and
 * {@code stop}, after which none of the cluster's processes is left.
 */
class ClusterITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  static final String REFERENCE = "reference.";
  static final String PSEUDONYM_KEY = "cluster-itcase-pseudonym-key-0123456789";

  static LocalKafkaBroker broker;
  static DemoData data;

  @TempDir static Path work;

  static final long T0 = System.nanoTime();

  /** Where the time goes, on the CI log: the machine is small and shared. */
  static void phase(String what) {
    System.err.printf("ClusterITCase %6.1f s  %s%n", (System.nanoTime() - T0) / 1e9, what);
  }

  @BeforeAll
  static void brokerAndInput() throws Exception {
    phase("starting the broker");
    broker = LocalKafkaBroker.start(new LocalKafkaBroker.Options());
    List<NewTopic> topics = new ArrayList<>(SignalboxTopics.core(2));
    topics.add(new NewTopic(SignalboxTopics.TRENDS, 1, (short) 1));
    for (DemoMember m : DemoData.MEMBERS) {
      topics.add(SignalboxTopics.telemetry(m.id(), 2));
      // A bounded run's pattern subscription needs a topic to end.
      topics.add(new NewTopic(SignalboxTopics.feedbackTopic(m.id()), 1, (short) 1));
    }
    for (String t :
        List.of(
            SignalboxTopics.SIGHTINGS,
            SignalboxTopics.CAMPAIGN_ALERTS,
            SignalboxTopics.DEAD_LETTER,
            SignalboxTopics.INDICATOR_AUDIT,
            SignalboxTopics.INDICATOR_SCORES)) {
      topics.add(new NewTopic(REFERENCE + t, 2, (short) 1));
    }
    SignalboxTopics.ensure(broker.bootstrapServers(), topics, Duration.ofSeconds(60));
    DemoData.directory().write(work.resolve("members.yaml"));
    phase("topics created; producing indicators and telemetry");

    data = new DemoData(13, 300, Instant.now());
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    // A batch to a just-created partition can hang unsent until it expires (seen on CI: 119 records
    // of one partition, 120 s); AckedSends sends them again, so expire them early. Not idempotent:
    // an idempotent producer that lets a batch expire fails the next ones with an out-of-order
    // sequence (seen on CI too). A resent record that had landed after all is in both runs' input,
    // the reference's and the cluster's, alike.
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
    List<ProducerRecord<byte[], byte[]>> input = new ArrayList<>();
    AvroCodec<Indicator> indicators = AvroCodec.indicator();
    for (Indicator i : data.indicators()) {
      input.add(
          new ProducerRecord<>(
              SignalboxTopics.INDICATORS,
              i.getId().getBytes(StandardCharsets.UTF_8),
              indicators.encode(i)));
    }
    AvroCodec<TelemetryEvent> telemetry = AvroCodec.telemetry();
    for (int n = 0; n < 3000; n++) {
      TelemetryEvent e = data.nextEvent(5);
      input.add(
          new ProducerRecord<>(
              SignalboxTopics.telemetryTopic(e.getMember()),
              e.getEventId().getBytes(StandardCharsets.UTF_8),
              telemetry.encode(e)));
    }
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      // Every record acknowledged: a lost one would show only as a sighting count off by one.
      AckedSends.sendAll(producer, input);
    }
    phase("input produced");
  }

  @AfterAll
  static void stopBroker() {
    phase("stopping the broker");
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void theJobsOnSeparateProcessesMatchTheMiniCluster() throws Exception {
    // The reference: the same input through the same pipelines on the MiniCluster, bounded, into
    // reference.* topics (the feed.* topics get the reference's copies too; they are not compared).
    String bootstrap = broker.bootstrapServers();
    Path members = work.resolve("members.yaml");
    phase("reference run on the MiniCluster");
    runReference(bootstrap, members);
    phase("reference done");
    List<String> referenceSightings = sightingIds(REFERENCE + SignalboxTopics.SIGHTINGS);
    assertThat(referenceSightings).hasSize((int) data.expectedSightings());
    Map<String, String> referenceCampaigns = campaigns(REFERENCE + SignalboxTopics.CAMPAIGN_ALERTS);
    assertThat(referenceCampaigns).as("the input makes campaigns").isNotEmpty();

    Path dir = work.resolve("cluster");
    List<Long> pids = new ArrayList<>();
    try {
      phase("cluster start");
      Result start =
          run(
              "cluster",
              "start",
              "--dir",
              dir.toString(),
              "--rest-port",
              "0",
              "--taskmanagers",
              "2",
              "--slots",
              "2",
              "--taskmanager-memory",
              "1536m");
      assertThat(start.exit()).as(start.err()).isZero();
      ClusterState state = ClusterState.read(dir).orElseThrow();
      state.processes.forEach(m -> pids.add(m.pid));
      assertThat(pids).hasSize(3).allMatch(pid -> ProcessHandle.of(pid).isPresent());
      assertThat(start.out())
          .contains(state.restUrl())
          .contains("jobmanager", "taskmanager-1", "taskmanager-2")
          .contains(dir.resolve("log").toString());
      // The cluster runs Flink and nothing of ours: the job must bring everything in its jar.
      String processes = commandLine(pids.get(0));
      assertThat(processes).contains(LocalCluster.ENTRYPOINT).doesNotContain("signalbox");

      // A second start on the same directory is refused while this one runs, and starts nothing.
      Result again = run("cluster", "start", "--dir", dir.toString(), "--rest-port", "0");
      assertThat(again.exit()).isEqualTo(1);
      assertThat(again.err()).contains("is still running").contains("cluster stop --dir");
      assertThat(ClusterState.read(dir).orElseThrow().processes).hasSize(3);

      phase("submitting the jobs");
      List<String> common =
          List.of(
              "--set", "kafka.bootstrap-servers=" + bootstrap,
              "--set", "sharing.members=" + members,
              "--set", "correlate.checkpoint-interval=2s");
      String correlate = submit(dir, "correlate", common, "--parallelism", "2");
      String campaigns =
          submit(dir, "campaigns", common, "--set", "sharing.pseudonym-key=" + PSEUDONYM_KEY);
      String trends = submit(dir, "trends", common);

      phase("waiting for the cluster's sightings and alerts");
      List<String> clusterSightings =
          awaitValue(
              () -> sightingIds(SignalboxTopics.SIGHTINGS),
              referenceSightings,
              Duration.ofSeconds(90));
      assertThat(clusterSightings).isEqualTo(referenceSightings);
      Map<String, String> clusterCampaigns =
          awaitValue(
              () -> campaigns(SignalboxTopics.CAMPAIGN_ALERTS),
              referenceCampaigns,
              Duration.ofSeconds(60));
      assertThat(clusterCampaigns).isEqualTo(referenceCampaigns);

      Result status = run("cluster", "status", "--dir", dir.toString());
      assertThat(status.exit()).as(status.err()).isZero();
      assertThat(status.out())
          .contains("taskmanagers registered: 2 of 2")
          .containsPattern(correlate + " +RUNNING +signalbox correlate")
          .containsPattern(campaigns + " +RUNNING +signalbox campaigns")
          .containsPattern(trends + " +RUNNING +signalbox trends");

      // A savepoint of trends, which correlate cannot use, and trends can.
      phase("savepoint, misfit, restore");
      Result savepoint = run("cluster", "savepoint", "trends", "--dir", dir.toString());
      assertThat(savepoint.exit()).as(savepoint.err()).isZero();
      String savepointPath = savepoint.out().strip();
      assertThat(savepointPath).startsWith("file:").contains(dir.resolve("savepoints").toString());
      Result cancel = run("cluster", "cancel", trends, "--dir", dir.toString());
      assertThat(cancel.exit()).as(cancel.err()).isZero();
      assertThat(cancel.out()).contains("CANCELED");

      Result misfit =
          run(
              "cluster",
              "submit",
              "correlate",
              "--dir",
              dir.toString(),
              "--from-savepoint",
              savepointPath,
              "--set",
              "kafka.bootstrap-servers=" + bootstrap,
              "--set",
              "correlate.group-id=misfit");
      assertThat(misfit.exit()).isEqualTo(1);
      assertThat(misfit.err())
          .contains("holds state of operators this job does not have")
          .contains("--allow-non-restored-state");
      List<String> restoreArgs = new ArrayList<>(common);
      restoreArgs.addAll(List.of("--from-savepoint", savepointPath));
      submit(dir, "trends", restoreArgs);
    } finally {
      phase("cluster stop");
      Result stop = run("cluster", "stop", "--dir", dir.toString());
      assertThat(stop.exit()).as(stop.out() + stop.err()).isZero();
      assertThat(stop.out()).contains("all 3 processes of the cluster are gone");
    }
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive))
          .as("process %d after stop", pid)
          .isEmpty();
    }
    assertThat(ClusterState.read(dir)).isEmpty();
    phase("stopped");
  }

  @Test
  void aTaskManagerThatDiesAtStartStopsTheWholeStart() throws Exception {
    Path dir = work.resolve("dies");
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
      Set<Long> before = children();
      Result start =
          run(
              "cluster",
              "start",
              "--dir",
              dir.toString(),
              "--rest-port",
              "0",
              "--taskmanagers",
              "1",
              "--set",
              "taskmanager.rpc.port=" + taken.getLocalPort());
      assertThat(start.exit()).isEqualTo(1);
      assertThat(start.err())
          .contains("TaskManager 1 (pid")
          .contains("exited while the cluster was starting")
          .contains(dir.resolve("log").resolve("taskmanager-1.log").toString())
          .contains("BindException")
          .contains("no process is left");
      assertThat(children()).isEqualTo(before);
      assertThat(ClusterState.read(dir)).isEmpty();
    }
  }

  // ---------------------------------------------------------------------------------------------

  static void runReference(String bootstrap, Path members) throws Exception {
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
    conf.set(CorrelateOptions.BOOTSTRAP_SERVERS, bootstrap);
    conf.set(CorrelateOptions.MEMBERS, members.toString());
    conf.set(CorrelateOptions.SIGHTINGS_TOPIC, REFERENCE + SignalboxTopics.SIGHTINGS);
    conf.set(CorrelateOptions.DEAD_LETTER_TOPIC, REFERENCE + SignalboxTopics.DEAD_LETTER);
    conf.set(CorrelateOptions.INDICATOR_AUDIT_TOPIC, REFERENCE + SignalboxTopics.INDICATOR_AUDIT);
    conf.set(CorrelateOptions.GROUP_ID, "reference-correlate");
    conf.set(CampaignOptions.ALERTS_TOPIC, REFERENCE + SignalboxTopics.CAMPAIGN_ALERTS);
    conf.set(CampaignOptions.GROUP_ID, "reference-campaigns");
    conf.set(CampaignOptions.PSEUDONYM_KEY, PSEUDONYM_KEY);
    conf.set(FeedbackOptions.SCORES_TOPIC, REFERENCE + SignalboxTopics.INDICATOR_SCORES);

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    CorrelateJob.configure(env, conf);
    CorrelateJob.reuseObjects(env, conf);
    env.setParallelism(1);
    CorrelateKafka.attach(env, conf, true);
    env.execute("reference correlate");

    env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    CorrelateJob.configure(env, conf);
    env.setParallelism(1);
    CampaignKafka.attach(env, conf, true);
    env.execute("reference campaigns");
  }

  /** Submits a job, expects it RUNNING, returns its id. */
  static String submit(Path dir, String job, List<String> settings, String... more) {
    List<String> args = new ArrayList<>(List.of("cluster", "submit", job, "--dir", dir.toString()));
    args.addAll(settings);
    args.addAll(List.of(more));
    Result r = run(args.toArray(String[]::new));
    assertThat(r.exit()).as("submit %s: %s", job, r.err()).isZero();
    String id = r.out().strip();
    assertThat(id).matches("[0-9a-f]{32}");
    return id;
  }

  /** The sighting ids in the topic, sorted: a duplicate would show. */
  static List<String> sightingIds(String topic) {
    AvroCodec<Sighting> codec = AvroCodec.sighting();
    List<String> ids = new ArrayList<>();
    for (byte[] v : consume(topic)) {
      try {
        Sighting s = codec.decode(v);
        ids.add(s.getSightingId() + " " + s.getIndicatorId() + " " + s.getMember());
      } catch (java.io.IOException e) {
        throw new AssertionError("not a sighting in " + topic, e);
      }
    }
    ids.sort(null);
    return ids;
  }

  /**
   * Each campaign key with the members and sectors its alerts reached: which revision of an alert
   * carries which member depends on the order sightings arrive in, which a parallel job does not
   * fix, but where each campaign ends does not.
   */
  static Map<String, String> campaigns(String topic) {
    AvroCodec<CampaignAlert> codec = AvroCodec.campaignAlert();
    Map<String, Set<String>> membersByKey = new TreeMap<>();
    Map<String, Integer> sectorsByKey = new TreeMap<>();
    for (byte[] v : consume(topic)) {
      CampaignAlert a;
      try {
        a = codec.decode(v);
      } catch (java.io.IOException e) {
        throw new AssertionError("not an alert in " + topic, e);
      }
      String key = a.getKeyKind() + "|" + a.getKeyValue();
      membersByKey.computeIfAbsent(key, k -> new TreeSet<>()).addAll(a.getMembers());
      sectorsByKey.merge(key, a.getSectorCount(), Math::max);
    }
    Map<String, String> out = new TreeMap<>();
    membersByKey.forEach((k, m) -> out.put(k, m + " in " + sectorsByKey.get(k) + " sectors"));
    return out;
  }

  static <T> T awaitValue(Supplier<T> read, T expected, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    T value = read.get();
    while (!value.equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(1000);
      value = read.get();
    }
    return value;
  }

  /** Every committed record value of the topic, all partitions. */
  static List<byte[]> consume(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<byte[]> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
        parts.add(new TopicPartition(topic, info.partition()));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          out.add(r.value());
        }
      }
    }
    return out;
  }

  /** The whole command line (ProcessHandle.Info cuts it short), from /proc. */
  static String commandLine(long pid) throws java.io.IOException {
    return new String(
            Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
            StandardCharsets.UTF_8)
        .replace('\0', ' ');
  }

  static Set<Long> children() {
    Set<Long> pids = new TreeSet<>();
    ProcessHandle.current()
        .descendants()
        .filter(ProcessHandle::isAlive)
        .forEach(h -> pids.add(h.pid()));
    return pids;
  }

  record Result(int exit, String out, String err) {}

  /** Runs the command line in this JVM, as {@code ./signalbox ARGS} would. */
  static synchronized Result run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int exit = SignalboxCommand.newCommandLine().execute(args);
      return new Result(
          exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
      oldErr.print(err.toString(StandardCharsets.UTF_8));
    }
  }
}
