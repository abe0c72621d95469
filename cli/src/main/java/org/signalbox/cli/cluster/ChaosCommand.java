package org.signalbox.cli.cluster;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.configuration.MemorySize;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.signalbox.cli.demo.DemoData;
import org.signalbox.cli.demo.DemoMember;
import org.signalbox.cli.demo.ResendingProducer;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.testkit.LocalKafkaBroker;
import org.signalbox.topics.SignalboxTopics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "chaos",
    mixinStandardHelpOptions = true,
    description = {
      "A fault harness for exactly-once delivery: on a local broker and a local Flink cluster (a"
          + " JobManager and two TaskManager processes) it runs the correlate and campaign jobs,"
          + " streams generated telemetry with a known number of expected sightings, and while it"
          + " streams kills a TaskManager with SIGKILL --kills times (starting a new one each"
          + " time) and stops and restarts the broker --broker-restarts times, at random moments"
          + " drawn from --seed.",
      "Then it reads the outputs read_committed and prints, per output, what was expected,"
          + " delivered, lost and duplicated, and how long each fault took to recover from. Exits"
          + " 1 on any loss or duplicate, 2 on a usage error, 3 when the set-up itself failed.",
      "Everything runs on loopback in --dir (a new temporary directory by default, removed"
          + " afterwards unless --keep); nothing else on the machine is touched.",
      "Example: signalbox chaos --events 5000000 --kills 5 --broker-restarts 1"
    })
public final class ChaosCommand implements Callable<Integer> {

  @Option(
      names = "--events",
      paramLabel = "N",
      defaultValue = "200000",
      description = "Telemetry events to stream (default: ${DEFAULT-VALUE}).")
  long events;

  @Option(
      names = "--kills",
      paramLabel = "K",
      defaultValue = "2",
      description = "TaskManagers to kill with SIGKILL (default: ${DEFAULT-VALUE}).")
  int kills;

  @Option(
      names = "--broker-restarts",
      paramLabel = "R",
      defaultValue = "1",
      description = "Broker stops and restarts (default: ${DEFAULT-VALUE}).")
  int brokerRestarts;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "1",
      description = "Seed of the data and of the fault moments (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--rate",
      paramLabel = "EVENTS_PER_S",
      defaultValue = "10000",
      description =
          "Pace of the telemetry, so that the faults land while it streams (default:"
              + " ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--hit-percent",
      paramLabel = "P",
      defaultValue = "5",
      description = "Share of events that carry an indicator value (default: ${DEFAULT-VALUE}).")
  int hitPercent;

  @Option(
      names = "--indicators",
      paramLabel = "N",
      defaultValue = "300",
      description = "Exact indicators in the feed (default: ${DEFAULT-VALUE}).")
  int indicators;

  @Option(
      names = "--broker-downtime",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description = "How long the broker stays down at each restart (default: ${DEFAULT-VALUE}).")
  int brokerDowntime;

  @Option(
      names = "--checkpoint-interval",
      paramLabel = "DURATION",
      defaultValue = "2s",
      description = "The jobs' checkpoint interval (default: ${DEFAULT-VALUE}).")
  String checkpointInterval;

  @Option(
      names = "--settle",
      paramLabel = "SECONDS",
      defaultValue = "120",
      description =
          "After the last event and the last fault, how long to wait with no new output before"
              + " counting (default: ${DEFAULT-VALUE}).")
  int settleSeconds;

  @Option(
      names = "--taskmanager-memory",
      paramLabel = "SIZE",
      defaultValue = "1536m",
      description = "Total process memory of each TaskManager (default: ${DEFAULT-VALUE}).")
  String taskManagerMemory;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description =
          "Working directory: broker data, cluster logs, checkpoints (default: a new temporary"
              + " directory).")
  Path dir;

  @Option(
      names = "--keep",
      description = "Keep --dir (logs, checkpoints) after the run; it is printed.")
  boolean keep;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    PrintStream err = System.err;
    if (events < 1 || kills < 0 || brokerRestarts < 0 || rate < 1 || indicators < 1) {
      err.println(
          "chaos: --events, --rate and --indicators must be at least 1; --kills and"
              + " --broker-restarts at least 0");
      return 2;
    }
    if (hitPercent < 1 || hitPercent > 100) {
      err.println("chaos: --hit-percent must be between 1 and 100");
      return 2;
    }
    Path work = dir == null ? Files.createTempDirectory("signalbox-chaos-") : dir;
    Files.createDirectories(work);
    ChaosRun run = new ChaosRun(work, out);
    try {
      return run.execute();
    } catch (ClusterException e) {
      err.println("chaos: " + e.getMessage() + " (logs: " + work + ")");
      keep = true;
      return 3;
    } finally {
      run.close();
      if (!keep && dir == null) {
        org.apache.flink.util.FileUtils.deleteDirectory(work.toFile());
      } else {
        out.println("chaos: logs and checkpoints kept in " + work);
      }
    }
  }

  /** One run: set-up, stream and faults, count, tear-down. */
  private final class ChaosRun implements AutoCloseable {
    private final Path work;
    private final PrintStream out;
    private final long started = System.nanoTime();
    private LocalKafkaBroker broker;
    private LocalKafkaBroker.Options brokerOptions;
    private ClusterState cluster;
    private LocalCluster.Spec spec;
    private ChaosMonitor monitor;

    ChaosRun(Path work, PrintStream out) {
      this.work = work;
      this.out = out;
    }

    private void say(String what) {
      out.printf("chaos %7.1f s  %s%n", (System.nanoTime() - started) / 1e9, what);
    }

    int execute() throws Exception {
      say("starting the broker");
      brokerOptions = new LocalKafkaBroker.Options().dataDir(work.resolve("broker"));
      broker = LocalKafkaBroker.start(brokerOptions);
      String bootstrap = broker.bootstrapServers();
      brokerOptions.port(Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1)));
      List<NewTopic> topics = new ArrayList<>(SignalboxTopics.core(2));
      for (DemoMember m : DemoData.MEMBERS) {
        topics.add(SignalboxTopics.telemetry(m.id(), 2));
      }
      SignalboxTopics.ensure(bootstrap, topics, Duration.ofSeconds(60));
      Path members = work.resolve("members.yaml");
      DemoData.directory().write(members);

      DemoData data = new DemoData(seed, indicators, Instant.now());
      try (KafkaProducer<byte[], byte[]> kafka = producer(bootstrap)) {
        ResendingProducer producer = new ResendingProducer(kafka, this::say);
        AvroCodec<Indicator> codec = AvroCodec.indicator();
        for (Indicator i : data.indicators()) {
          producer.send(
              new ProducerRecord<>(
                  SignalboxTopics.INDICATORS,
                  i.getId().getBytes(StandardCharsets.UTF_8),
                  codec.encode(i)));
        }
        producer.flush();
      }
      say(data.indicators().size() + " indicators produced; starting the cluster");

      Map<String, String> flink = new LinkedHashMap<>();
      // A killed TaskManager is noticed by its missing heartbeats; Flink's 50 s default would
      // make every recovery at least that long.
      flink.put("heartbeat.interval", "2000");
      flink.put("heartbeat.timeout", "10000");
      spec =
          new LocalCluster.Spec(
              work.resolve("cluster"),
              2,
              2,
              LocalCluster.port(0, "--rest-port", "the REST API"),
              0,
              MemorySize.parse("1g"),
              MemorySize.parse(taskManagerMemory),
              false,
              flink,
              Duration.ofSeconds(180));
      cluster = LocalCluster.start(spec, new PrintStream(PrintStream.nullOutputStream()));
      ClusterCommand.Dir clusterDir = new ClusterCommand.Dir();
      clusterDir.dir = Path.of(cluster.dir);

      Map<String, String> common = new LinkedHashMap<>();
      common.put("kafka.bootstrap-servers", bootstrap);
      common.put("sharing.members", members.toAbsolutePath().toString());
      common.put("correlate.checkpoint-interval", checkpointInterval);
      // Keep trying while the broker is away or a TaskManager is being replaced.
      common.put("restart-strategy.type", "fixed-delay");
      common.put("restart-strategy.fixed-delay.attempts", String.valueOf(Integer.MAX_VALUE));
      common.put("restart-strategy.fixed-delay.delay", "2 s");
      Map<String, String> campaignSettings = new LinkedHashMap<>(common);
      // A throwaway key for this run's pseudonyms; it never leaves --dir's cluster.
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      campaignSettings.put("sharing.pseudonym-key", HexFormat.of().formatHex(key));
      String correlate = submit(clusterDir, JobKind.correlate, common, 2);
      String campaigns = submit(clusterDir, JobKind.campaigns, campaignSettings, 1);
      List<String> jobs = List.of(correlate, campaigns);
      say("correlate (" + correlate + ") and campaigns (" + campaigns + ") run");

      monitor = new ChaosMonitor(bootstrap);
      monitor.start();

      List<ChaosReport.Fault> faults = plan();
      say(
          "streaming "
              + events
              + " events at "
              + rate
              + "/s; faults at "
              + faults.stream().map(f -> f.kind() + "@" + f.atEvent()).toList());
      List<ChaosReport.Recovery> recoveries = new ArrayList<>();
      // The stream goes on while a fault is injected and recovered from, as a member's edge
      // would keep sending: the faults are injected from this thread, the events from another.
      AtomicLong produced = new AtomicLong();
      AtomicReference<Throwable> streamFailure = new AtomicReference<>();
      Thread stream =
          new Thread(
              () -> {
                try {
                  stream(bootstrap, data, produced);
                } catch (Throwable t) {
                  streamFailure.set(t);
                }
              },
              "signalbox-chaos-stream");
      stream.start();
      long lastReport = System.nanoTime();
      for (ChaosReport.Fault fault : faults) {
        while (produced.get() < fault.atEvent() && stream.isAlive()) {
          Thread.sleep(50);
          if (System.nanoTime() - lastReport > 10_000_000_000L) {
            lastReport = System.nanoTime();
            progress(produced.get());
          }
        }
        recoveries.add(inject(fault, jobs, clusterDir));
      }
      while (stream.isAlive()) {
        stream.join(10_000);
        progress(produced.get());
      }
      if (streamFailure.get() != null) {
        throw new ClusterException(
            "streaming the telemetry failed: " + streamFailure.get(), streamFailure.get());
      }
      long expected = data.expectedSightings();
      say(String.format("all %,d events streamed; %,d sightings expected", events, expected));
      monitor.awaitSettled(expected, Duration.ofSeconds(settleSeconds), this::say);
      monitor.close();
      say("counting what was delivered (read_committed, from the start of each output)");
      ChaosReport report = ChaosReport.count(bootstrap, expected, recoveries);
      report.print(out);
      return report.clean() ? 0 : 1;
    }

    private void progress(long produced) {
      say(
          String.format(
              "%,d of %,d events streamed; %,d sightings delivered",
              produced, events, monitor.sightings()));
    }

    /** Sends the events at --rate; {@code produced} counts those sent. */
    private void stream(String bootstrap, DemoData data, AtomicLong produced) throws Exception {
      try (KafkaProducer<byte[], byte[]> kafka = producer(bootstrap)) {
        ResendingProducer producer = new ResendingProducer(kafka, this::say);
        AvroCodec<TelemetryEvent> codec = AvroCodec.telemetry();
        long t0 = System.nanoTime();
        for (long n = 1; n <= events; n++) {
          TelemetryEvent e = data.nextEvent(hitPercent);
          producer.send(
              new ProducerRecord<>(
                  SignalboxTopics.telemetryTopic(e.getMember()),
                  e.getEventId().getBytes(StandardCharsets.UTF_8),
                  codec.encode(e)));
          produced.set(n);
          long due = t0 + (long) (n * 1e9 / rate);
          long now = System.nanoTime();
          if (due > now + 1_000_000) {
            Thread.sleep((due - now) / 1_000_000);
          } else if (now - due > 5_000_000_000L) {
            // behind by more than 5 s (the producer blocked while the broker was away): the
            // pace starts again from here instead of bursting to catch up
            t0 = now - (long) (n * 1e9 / rate);
          }
        }
        producer.flush();
      }
    }

    /** The fault moments: K kills and R restarts at seeded random events in 10-90 % of the run. */
    private List<ChaosReport.Fault> plan() {
      Random random = new Random(seed);
      List<ChaosReport.Fault> faults = new ArrayList<>();
      for (int i = 0; i < kills + brokerRestarts; i++) {
        long at = (long) (events * (0.1 + 0.8 * random.nextDouble()));
        faults.add(new ChaosReport.Fault(i < kills ? "kill" : "broker-restart", at));
      }
      faults.sort((a, b) -> Long.compare(a.atEvent(), b.atEvent()));
      return faults;
    }

    private ChaosReport.Recovery inject(
        ChaosReport.Fault fault, List<String> jobs, ClusterCommand.Dir clusterDir)
        throws Exception {
      long t0 = System.nanoTime();
      String what;
      String victimRole = null;
      if (fault.kind().equals("kill")) {
        List<ClusterState.Member> tms =
            cluster.processes.stream().filter(ClusterState.Member::isTaskManager).toList();
        ClusterState.Member victim =
            tms.get(new Random(seed + fault.atEvent()).nextInt(tms.size()));
        victimRole = victim.role;
        ClusterState.Member fresh = LocalCluster.replaceTaskManager(cluster, spec, victim);
        what =
            "SIGKILL "
                + victim.role
                + " (pid "
                + victim.pid
                + "), "
                + fresh.role
                + " started (pid "
                + fresh.pid
                + ")";
      } else {
        broker.close();
        Thread.sleep(brokerDowntime * 1000L);
        broker = LocalKafkaBroker.start(brokerOptions);
        what = "broker stopped for " + brokerDowntime + " s and restarted";
      }
      say("fault at event " + fault.atEvent() + ": " + what);
      FlinkRest rest = clusterDir.rest();
      if (fault.kind().equals("kill")) {
        // The JobManager notices a killed TaskManager by its missing heartbeats: wait until it
        // has, so that "running again" is not read off the jobs as they were before.
        awaitGone(rest, victimRole, Duration.ofSeconds(60));
      } else {
        Thread.sleep(1000);
      }
      for (String job : jobs) {
        String waiting = ClusterJobs.awaitTasks(rest, job, Duration.ofMinutes(5));
        if (waiting != null) {
          throw new ClusterException(
              "job " + job + " did not recover within 5 minutes of the fault (" + waiting + ")");
        }
      }
      double running = (System.nanoTime() - t0) / 1e9;
      // The first sightings committed after the jobs run again (those of the checkpoint that was
      // open at the fault, or of the first one after it).
      double output = monitor.awaitMoreThan(monitor.sightings(), Duration.ofMinutes(3), t0);
      ChaosReport.Recovery r = new ChaosReport.Recovery(fault, what, running, output);
      say(r.describe());
      return r;
    }

    /** Waits until the JobManager no longer lists the TaskManager (resource id {@code role}). */
    private void awaitGone(FlinkRest rest, String role, Duration timeout) throws Exception {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        boolean listed = false;
        for (var tm : rest.get("/taskmanagers").path("taskmanagers")) {
          listed |= tm.path("id").asText().equals(role);
        }
        if (!listed) {
          return;
        }
        Thread.sleep(200);
      }
      throw new ClusterException(
          "the JobManager still lists the killed " + role + " after " + timeout.toSeconds() + " s");
    }

    private String submit(
        ClusterCommand.Dir clusterDir, JobKind kind, Map<String, String> settings, int p)
        throws Exception {
      ClusterSubmitCommand submit = new ClusterSubmitCommand();
      submit.dir = clusterDir;
      submit.job = kind;
      submit.settings = new LinkedHashMap<>(settings);
      submit.parallelism = p;
      submit.waitSeconds = 180;
      return submit.submit();
    }

    private KafkaProducer<byte[], byte[]> producer(String bootstrap) {
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
      // The input must survive the broker's restarts too: wait rather than give up.
      p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Duration.ofMinutes(10).toMillis());
      p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Duration.ofMinutes(10).toMillis());
      return new KafkaProducer<>(p);
    }

    @Override
    public void close() {
      if (monitor != null) {
        monitor.close();
      }
      if (cluster != null) {
        try {
          LocalCluster.stop(cluster, new PrintStream(PrintStream.nullOutputStream()));
        } catch (RuntimeException e) {
          out.println("chaos: stopping the cluster: " + e.getMessage());
        }
      }
      if (broker != null) {
        broker.close();
      }
    }
  }
}
