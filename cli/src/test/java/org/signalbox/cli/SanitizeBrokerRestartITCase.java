package org.signalbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.edge.ResumePoint;
import org.signalbox.testkit.LocalKafkaBroker;
import org.signalbox.topics.SignalboxTopics;

/**
 * {@code signalbox sanitize --kafka} across a broker that goes away. Waited for: the broker stops
 * while the edge streams, comes back, and every line arrives once. Given up on: the broker stays
 * away longer than {@code --broker-wait}, the edge writes a resume file and says so, and a run with
 * {@code --resume} sends exactly the rest. Counted on the topic: records, and distinct event ids.
 */
class SanitizeBrokerRestartITCase {

  static final String MEMBER = "rail-operator-a";
  static final String TOPIC = SignalboxTopics.telemetryTopic(MEMBER);

  @TempDir static Path dir;
  static LocalKafkaBroker.Options options;
  static LocalKafkaBroker broker;
  static final ExecutorService EDGE = Executors.newSingleThreadExecutor();

  @BeforeAll
  static void broker() throws Exception {
    options =
        new LocalKafkaBroker.Options()
            .dataDir(dir.resolve("broker"))
            .readinessTimeout(Duration.ofSeconds(120));
    broker = LocalKafkaBroker.start(options);
    String bootstrap = broker.bootstrapServers();
    options.port(Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1)));
  }

  @AfterAll
  static void stop() {
    EDGE.shutdownNow();
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void aBrokerAwayWhileTheEdgeStreamsLosesAndRepeatsNothing() throws Exception {
    String topic = topic("telemetry." + MEMBER + "-waited");
    Pipe stdin = new Pipe();
    Future<EdgeCommandsTest.Result> run =
        EDGE.submit(() -> sanitize(stdin.in, topic, "--broker-wait", "2m"));
    stdin.write(lines(0, 200));
    awaitRecords(topic, 200);

    // Down for 12 s while 300 more lines come in; they wait in the producer's buffer.
    broker.close();
    stdin.write(lines(200, 300));
    Thread.sleep(12_000);
    broker = LocalKafkaBroker.start(options);
    stdin.write(lines(500, 200));
    stdin.close();

    EdgeCommandsTest.Result r = run.get(3, TimeUnit.MINUTES);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).contains("events out: 700 ");
    Tally t = awaitRecords(topic, 700);
    assertThat(t.records()).as("records on %s", topic).isEqualTo(700);
    assertThat(t.distinctIds()).isEqualTo(700);
  }

  @Test
  void anEdgeThatGivesUpSaysWhereToResumeAndTheResumedRunSendsExactlyTheRest() throws Exception {
    String topic = topic("telemetry." + MEMBER + "-resumed");
    Path resumeFile = dir.resolve("resume.json");
    Pipe stdin = new Pipe();
    Future<EdgeCommandsTest.Result> run =
        EDGE.submit(
            () ->
                sanitize(
                    stdin.in,
                    topic,
                    "--broker-wait",
                    "5s",
                    "--resume-file",
                    resumeFile.toString()));
    stdin.write(lines(0, 100));
    awaitRecords(topic, 100);
    broker.close();
    stdin.write(lines(100, 150));
    stdin.close();

    EdgeCommandsTest.Result gaveUp = run.get(3, TimeUnit.MINUTES);
    assertThat(gaveUp.exit()).as(gaveUp.err()).isEqualTo(1);
    assertThat(gaveUp.err())
        .contains("did not take 150 events within --broker-wait 5s")
        .contains("Nothing before - line 101 is missing")
        .contains("--resume " + resumeFile);
    ResumePoint point = ResumePoint.read(resumeFile);
    assertThat(point.inputs()).containsExactly("-");
    assertThat(point.line()).isEqualTo(101);

    broker = LocalKafkaBroker.start(options);
    // The same input again, as the member would give it.
    EdgeCommandsTest.Result resumed =
        EDGE.submit(
                () ->
                    sanitize(
                        new ByteArrayInputStream(
                            (lines(0, 100) + lines(100, 150)).getBytes(StandardCharsets.UTF_8)),
                        topic,
                        "--resume",
                        resumeFile.toString()))
            .get(3, TimeUnit.MINUTES);
    assertThat(resumed.exit()).as(resumed.err()).isZero();
    assertThat(resumed.err())
        .contains("resuming at - line 101")
        .contains("resumed: 100 events delivered by the earlier run were not sent again");
    Tally t = awaitRecords(topic, 250);
    assertThat(t.records()).isEqualTo(250);
    assertThat(t.distinctIds()).isEqualTo(250);

    // A resume file is for the inputs it names.
    Path other = Files.writeString(dir.resolve("other.log"), lines(0, 1));
    EdgeCommandsTest.Result wrong =
        EDGE.submit(
                () ->
                    sanitize(
                        InputStream.nullInputStream(),
                        topic,
                        "--in",
                        other.toString(),
                        "--resume",
                        resumeFile.toString()))
            .get(1, TimeUnit.MINUTES);
    assertThat(wrong.exit()).isEqualTo(2);
    assertThat(wrong.err()).contains("give the same --in files in the same order");
  }

  // ---------------------------------------------------------------------------------------------

  static String topic(String name) throws Exception {
    SignalboxTopics.ensure(
        broker.bootstrapServers(),
        List.of(new org.apache.kafka.clients.admin.NewTopic(name, 3, (short) 1)),
        Duration.ofSeconds(60));
    return name;
  }

  /** Zeek JSON DNS lines {@code from .. from+n-1}, each a distinct public name and address. */
  static String lines(int from, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = from; i < from + n; i++) {
      b.append("{\"_path\":\"dns\",\"ts\":\"2026-12-03T03:")
          .append(String.format("%02d:%02d", i / 60 % 60, i % 60))
          .append(".1Z\",\"uid\":\"C")
          .append(i)
          .append("\",\"id.orig_h\":\"10.1.2.3\",\"id.orig_p\":5353,\"id.resp_h\":\"10.0.0.53\",")
          .append("\"id.resp_p\":53,\"proto\":\"udp\",\"query\":\"host-")
          .append(i)
          .append(".example.org\",\"qtype_name\":\"A\",\"answers\":[\"198.51.100.")
          .append(i % 250 + 1)
          .append("\"]}\n");
    }
    return b.toString();
  }

  EdgeCommandsTest.Result sanitize(InputStream stdin, String topic, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "sanitize",
                "--format",
                "zeek-json",
                "--member",
                MEMBER,
                "--sector",
                "rail",
                "--key-file",
                dir.resolve("edge-keys.yaml").toString(),
                "--kafka",
                broker.bootstrapServers(),
                "--topic",
                topic));
    args.addAll(List.of(more));
    InputStream oldIn = System.in;
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setIn(stdin);
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int exit = SignalboxCommand.newCommandLine().execute(args.toArray(String[]::new));
      return new EdgeCommandsTest.Result(
          exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setIn(oldIn);
      System.setOut(oldOut);
      System.setErr(oldErr);
      oldErr.print(err.toString(StandardCharsets.UTF_8));
    }
  }

  /** Standard input the test writes to while the command reads it. */
  static final class Pipe {
    final PipedOutputStream feed = new PipedOutputStream();
    final PipedInputStream in;

    Pipe() throws Exception {
      in = new PipedInputStream(feed, 1 << 20);
    }

    void write(String s) throws Exception {
      feed.write(s.getBytes(StandardCharsets.UTF_8));
      feed.flush();
    }

    void close() throws Exception {
      feed.close();
    }
  }

  record Tally(long records, long distinctIds) {}

  /** Reads {@code topic} from the start until it holds {@code expected} records (or 60 s pass). */
  static Tally awaitRecords(String topic, long expected) throws Exception {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    long records = 0;
    Set<String> ids = new HashSet<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      consumer
          .partitionsFor(topic, Duration.ofSeconds(30))
          .forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          records++;
          ids.add(new String(r.key(), StandardCharsets.UTF_8));
        }
        if (records >= expected) {
          // Read to the end: a duplicate would be among the rest.
          Map<TopicPartition, Long> end = consumer.endOffsets(parts);
          boolean atEnd = parts.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
          if (atEnd) {
            break;
          }
        }
      }
    }
    return new Tally(records, ids.size());
  }
}
