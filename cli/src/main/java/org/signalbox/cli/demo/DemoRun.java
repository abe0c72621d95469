package org.signalbox.cli.demo;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.signalbox.cli.report.SecretariatReport;
import org.signalbox.core.Tlps;
import org.signalbox.gateway.Gateway;
import org.signalbox.jobs.campaign.CampaignKafka;
import org.signalbox.jobs.campaign.CampaignOptions;
import org.signalbox.jobs.common.KafkaOptions;
import org.signalbox.jobs.correlate.CorrelateJob;
import org.signalbox.jobs.correlate.CorrelateKafka;
import org.signalbox.jobs.correlate.CorrelateOptions;
import org.signalbox.jobs.sharing.Audience;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.jobs.sharing.TopicPlan;
import org.signalbox.kafka.KafkaClientConfig;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.Feedback;
import org.signalbox.schema.FeedbackVerdict;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.testkit.InProcessMetrics;
import org.signalbox.testkit.LocalKafkaBroker;
import org.signalbox.topics.SignalboxTopics;

/**
 * The demo: a real local Kafka broker, the correlate job on an embedded Flink, generated telemetry
 * from four members in four sectors, sightings printed as they happen, and a summary at the end.
 * Everything it starts, it stops.
 */
public final class DemoRun {

  /** Demo settings. */
  public record Settings(
      Duration duration,
      int eventsPerSecond,
      int indicators,
      int hitPercent,
      long seed,
      boolean printSightings,
      Path reportDir,
      boolean secure) {}

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  /** How often the demo's jobs checkpoint, and so commit their output. */
  static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(2);

  private final Settings settings;
  private final PrintStream out;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final CountDownLatch finished = new CountDownLatch(1);

  private final AtomicLong eventsSent = new AtomicLong();
  private final AtomicLong malformedSent = new AtomicLong();
  private final AtomicLong sightings = new AtomicLong();
  private final Map<Sector, Long> sightingsBySector = new EnumMap<>(Sector.class);
  private final Map<String, Long> deadLettersByReason = new TreeMap<>();
  private final AtomicLong deadLetters = new AtomicLong();

  private final AtomicLong alerts = new AtomicLong();
  // Kept for the secretariat report at the end; a demo run holds a few thousand at most.
  private final List<Sighting> consumedSightings =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<CampaignAlert> consumedAlerts =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  // Members' verdicts as read back from their feedback.<member> topics, for the report.
  private final List<Feedback> consumedFeedback = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Map<String, Integer> campaigns = new TreeMap<>();
  private final Map<String, Long> feeds = new TreeMap<>();
  private final Map<String, Long> sightingFeeds = new TreeMap<>();

  /** One pseudonym seen in a feed, and that feed's audience, for the resolve example. */
  private volatile String[] samplePseudonym;

  private Path membersFile;
  private Path keyFile;

  public DemoRun(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  /** Asks a running demo to stop early (Ctrl-C) and waits for its summary. */
  public void interrupt() {
    stop.set(true);
    try {
      finished.await(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public void run() throws Exception {
    Instant started = Instant.now();
    Path work = Files.createTempDirectory("signalbox-demo-");
    try {
      runIn(work, started);
    } finally {
      deleteQuietly(work);
      finished.countDown();
    }
  }

  private void runIn(Path work, Instant started) throws Exception {
    out.println(
        settings.secure()
            ? "Signalbox demo: starting a secure local Kafka broker (KRaft; SASL_SSL, SCRAM-SHA-512,"
                + " ACLs) ..."
            : "Signalbox demo: starting a local Kafka broker (KRaft) ...");
    MemberDirectory directory = DemoData.directory();
    try (DemoKafka kafka = DemoKafka.start(directory, settings.secure(), work.resolve("kafka"))) {
      LocalKafkaBroker broker = kafka.broker();
      String bootstrap = kafka.bootstrapServers();
      out.printf(
          "  broker up at %s (pid %d, %d ms)%n",
          bootstrap, broker.pid(), broker.startupTime().toMillis());
      if (kafka.secure()) {
        out.printf(
            "  every part logs in as itself: each member (its telemetry and feedback), importer"
                + " (indicators), correlate, campaigns, gateway; the console as %s. Client files:"
                + " %s (deleted at the end); certificate SHA-256 %s%n",
            DemoKafka.CONSOLE,
            kafka.clientConfigDir().orElseThrow(),
            kafka.fingerprint().orElseThrow());
      }
      // The topics an operator creates with `signalbox topics apply`, by the same plan. Feed topics
      // are created up front although the router would create them: the console reader subscribes
      // by pattern and would only notice a new topic at its next metadata refresh, minutes later.
      TopicPlan plan = TopicPlan.of(directory, 2, TopicPlan.DEFAULT_TELEMETRY_RETENTION);
      plan.apply(kafka.adminProperties(), Optional.empty(), false, Duration.ofSeconds(60));
      List<String> topics = plan.topics().stream().map(TopicPlan.Topic::name).toList();
      out.printf("  topics: %s%n", topics);

      DemoData data = new DemoData(settings.seed(), settings.indicators(), Instant.now());
      try (DemoKafka.Senders producer = kafka.senders(m -> out.printf("  (%s)%n", m))) {
        publishIndicators(producer, data.indicators());
        out.printf(
            "  published %,d indicator records (%,d live; CIDR, domain-suffix, revoked and expired among them)%n",
            data.indicators().size(), data.liveIndicatorCount());

        Configuration conf = new Configuration();
        conf.set(CorrelateOptions.BOOTSTRAP_SERVERS, bootstrap);
        // The sinks are exactly-once: sightings, alerts and feeds become visible when the
        // checkpoint after them completes. Two seconds keeps the demo's console lively; a
        // production job checkpoints every ten (see the README: exactly-once).
        conf.set(CorrelateOptions.CHECKPOINT_INTERVAL, CHECKPOINT_INTERVAL);
        conf.set(
            CheckpointingOptions.CHECKPOINTS_DIRECTORY,
            work.resolve("checkpoints").toUri().toString());
        conf.setString("parallelism.default", "2");
        // A fresh pseudonym key per demo run: pseudonyms in the feeds are stable within the run.
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        conf.set(CampaignOptions.PSEUDONYM_KEY, java.util.HexFormat.of().formatHex(key));
        conf.set(CampaignOptions.PSEUDONYM_KEY_ID, "demo");
        // The directory and the key stay behind with the report, so that the secretariat's
        // `signalbox pseudonyms resolve` can be tried on the run's feeds, and the directory file
        // serves as an example to copy.
        Files.createDirectories(settings.reportDir());
        Path membersFile = settings.reportDir().resolve("members.yaml");
        directory.write(membersFile);
        keyFile = settings.reportDir().resolve("demo-pseudonym.key");
        Files.writeString(keyFile, java.util.HexFormat.of().formatHex(key) + "\n");
        this.membersFile = membersFile;
        // The same key serves correlate: the demo's secretariat publishes under the directory's
        // name, which correlate reads from it (and so may change any indicator).
        conf.set(CampaignOptions.MEMBERS, membersFile.toString());
        out.printf(
            "  member directory: %s (%d members, groups %s; opted in to be named: %s)%n",
            membersFile,
            directory.members().size(),
            directory.groups(),
            directory.members().stream()
                .filter(MemberDirectory.Member::attribution)
                .map(MemberDirectory.Member::id)
                .toList());
        InProcessMetrics.register(conf);
        List<JobClient> jobs = new ArrayList<>();
        if (kafka.secure()) {
          // One login per job: the correlate and campaign jobs run as their own service accounts,
          // so as two jobs (each on its own embedded MiniCluster).
          out.println(
              "Starting the correlate job (as correlate) and the campaign job (as campaigns) on"
                  + " embedded Flink MiniClusters (RocksDB state, parallelism 2) ...");
          jobs.add(
              start(
                  conf,
                  kafka.configFile("correlate"),
                  "signalbox correlate (demo, secure)",
                  (env, c) -> {
                    CorrelateJob.reuseObjects(env, c);
                    CorrelateKafka.attach(env, c, false);
                  }));
          jobs.add(
              start(
                  conf,
                  kafka.configFile("campaigns"),
                  "signalbox campaigns (demo, secure)",
                  (env, c) -> CampaignKafka.attach(env, c, false)));
        } else {
          out.println(
              "Starting the correlate and campaign jobs on an embedded Flink MiniCluster (RocksDB"
                  + " state, parallelism 2) ...");
          jobs.add(
              start(
                  conf,
                  Optional.empty(),
                  "signalbox correlate (demo)",
                  (env, c) -> {
                    CorrelateJob.reuseObjects(env, c);
                    CorrelateKafka.attach(env, c, false);
                    CampaignKafka.attach(env, c, false);
                  }));
        }

        KafkaClientConfig console = kafka.login(DemoKafka.CONSOLE);
        Thread reader = new Thread(() -> readOutputs(console), "demo-output-reader");
        reader.setDaemon(true);
        reader.start();

        // Each member polls its own feed and the community feed over TAXII 2.1.
        List<Gateway.EmbeddedMember> logins = new ArrayList<>();
        for (MemberDirectory.Member m : directory.members()) {
          List<String> readable = new ArrayList<>();
          readable.add(Audience.member(m.id()).toString());
          m.groups().forEach(g -> readable.add(Audience.group(g).toString()));
          readable.add(Audience.COMMUNITY.toString());
          logins.add(new Gateway.EmbeddedMember(m.id(), "demo-" + m.id(), readable));
        }
        Set<String> attributed = new TreeSet<>();
        for (MemberDirectory.Member m : directory.members()) {
          if (m.attribution()) {
            attributed.add(m.id());
          }
        }
        try (Gateway.Embedded taxii =
            Gateway.startEmbedded(kafka.login("gateway"), logins, attributed)) {
          DemoMember first = DemoData.MEMBERS.get(0);
          out.printf(
              "  TAXII 2.1 gateway at %s (try: curl -u %s:demo-%s -H 'Accept:"
                  + " application/taxii+json;version=2.1' %s)%n",
              taxii.discoveryUrl(), first.id(), first.id(), taxii.discoveryUrl());
          out.printf(
              "Streaming telemetry from %d members for %s at %d events/s (Ctrl-C stops early)."
                  + " Sightings:%n",
              DemoData.MEMBERS.size(), pretty(settings.duration()), settings.eventsPerSecond());
          produceTelemetry(producer, data);
          out.println("Telemetry stopped; waiting for the job to finish what it has read ...");
          drain(data);
          sendFeedback(producer);
          long held = InProcessMetrics.sum("indicatorsHeld");
          long eventsIn = InProcessMetrics.sum("telemetryEventsIn");
          Map<String, Integer> taxiiHeld = new TreeMap<>();
          for (DemoMember m : DemoData.MEMBERS) {
            taxiiHeld.put(m.id(), taxii.held(Audience.member(m.id()).toString()));
          }
          for (String g : directory.groups()) {
            taxiiHeld.put("group:" + g, taxii.held(Audience.group(g).toString()));
          }
          taxiiHeld.put("community", taxii.held(Audience.COMMUNITY.toString()));
          for (JobClient job : jobs) {
            job.cancel().get();
          }
          stop.set(true);
          reader.join(5000);
          printSummary(started, data, held, eventsIn);
          out.printf("  TAXII collections    %s objects held per audience%n", taxiiHeld);
          printResolveHint();
          writeReport(data);
        }
      }
    }
    out.println("Stopped the job and the broker; nothing is left running.");
  }

  /** The secretariat's report over what the demo saw, left behind for a person to open. */
  private void writeReport(DemoData data) {
    if (consumedSightings.isEmpty()) {
      out.println("  report               none: no sightings to report on");
      return;
    }
    try {
      LocalDate[] span = SecretariatReport.span(consumedSightings);
      SecretariatReport.Summary r =
          SecretariatReport.write(
              consumedSightings,
              data.indicators(),
              consumedAlerts,
              consumedFeedback,
              DemoData.directory(),
              span[0],
              span[1],
              new Configuration(),
              settings.reportDir());
      out.printf(
          "  report               %s (and %d CSV files; %d figures withheld below k)%n",
          r.index().toAbsolutePath(), r.csvFiles().size(), r.suppressedFigures());
    } catch (Exception e) {
      out.println("  report               could not be written: " + e.getMessage());
    }
  }

  /** Job interface of {@link #start}: attaches a job's pipeline to its environment. */
  private interface Pipeline {
    void attach(StreamExecutionEnvironment env, Configuration conf) throws Exception;
  }

  /** Starts one job on its own embedded MiniCluster, logging in with {@code kafkaConfig} if any. */
  private static JobClient start(
      Configuration shared, Optional<Path> kafkaConfig, String name, Pipeline pipeline)
      throws Exception {
    Configuration conf = new Configuration(shared);
    kafkaConfig.ifPresent(f -> conf.set(KafkaOptions.CONFIG_FILE, f.toString()));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    CorrelateJob.configure(env, conf);
    pipeline.attach(env, conf);
    return env.executeAsync(name);
  }

  private void publishIndicators(DemoKafka.Senders producer, List<Indicator> indicators) {
    AvroCodec<Indicator> codec = AvroCodec.indicator();
    for (Indicator ind : indicators) {
      producer.send(
          new ProducerRecord<>(
              SignalboxTopics.INDICATORS,
              ind.getId().getBytes(StandardCharsets.UTF_8),
              codec.encode(ind)));
    }
    producer.flush();
  }

  /**
   * Members' verdicts on what they were alerted on, to their own feedback.<member> topics: every
   * member that saw the indicator seen by the most members calls it a false positive (a noisy
   * value), and each member confirms up to two other indicators it saw as true positives. Waits (at
   * most 15 s) until the verdicts are read back, so the report has them.
   */
  private void sendFeedback(DemoKafka.Senders producer) throws InterruptedException {
    Map<String, java.util.Set<String>> membersByIndicator = new TreeMap<>();
    Map<String, java.util.Set<String>> indicatorsByMember = new TreeMap<>();
    for (Sighting s : consumedSightings) {
      membersByIndicator
          .computeIfAbsent(s.getIndicatorId(), x -> new java.util.TreeSet<>())
          .add(s.getMember());
      indicatorsByMember
          .computeIfAbsent(s.getMember(), x -> new java.util.TreeSet<>())
          .add(s.getIndicatorId());
    }
    String noisy =
        membersByIndicator.entrySet().stream()
            .max(
                java.util.Comparator.<Map.Entry<String, java.util.Set<String>>>comparingInt(
                        e -> e.getValue().size())
                    .thenComparing(Map.Entry::getKey, java.util.Comparator.reverseOrder()))
            .map(Map.Entry::getKey)
            .orElse(null);
    if (noisy == null) {
      return;
    }
    AvroCodec<Feedback> codec = AvroCodec.feedback();
    Instant now = Instant.now();
    int sent = 0;
    int falsePositives = 0;
    for (var e : indicatorsByMember.entrySet()) {
      List<Feedback> verdicts = new ArrayList<>();
      if (e.getValue().contains(noisy)) {
        verdicts.add(verdict(e.getKey(), noisy, FeedbackVerdict.FALSE_POSITIVE, now));
        falsePositives++;
      }
      e.getValue().stream()
          .filter(id -> !id.equals(noisy))
          .limit(2)
          .forEach(id -> verdicts.add(verdict(e.getKey(), id, FeedbackVerdict.TRUE_POSITIVE, now)));
      for (Feedback f : verdicts) {
        producer.send(
            new ProducerRecord<>(
                SignalboxTopics.feedbackTopic(f.getMember()),
                f.getIndicatorId().getBytes(StandardCharsets.UTF_8),
                codec.encode(f)));
        sent++;
      }
    }
    producer.flush();
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (consumedFeedback.size() < sent && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    out.printf(
        "  feedback             %d verdicts from %d members (%d false positives on %s, seen by"
            + " the most members), %d read back%n",
        sent,
        indicatorsByMember.size(),
        falsePositives,
        noisy.substring(0, Math.min(19, noisy.length())),
        consumedFeedback.size());
  }

  private static Feedback verdict(
      String member, String indicatorId, FeedbackVerdict verdict, Instant at) {
    return Feedback.newBuilder()
        .setMember(member)
        .setIndicatorId(indicatorId)
        .setVerdict(verdict)
        .setReportedAt(at)
        .build();
  }

  private void produceTelemetry(DemoKafka.Senders producer, DemoData data)
      throws InterruptedException {
    AvroCodec<TelemetryEvent> codec = AvroCodec.telemetry();
    long end = System.nanoTime() + settings.duration().toNanos();
    long perTick = Math.max(1, settings.eventsPerSecond() / 10);
    long nextStatus = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    long tick = 0;
    while (!stop.get() && System.nanoTime() < end) {
      for (int i = 0; i < perTick; i++) {
        TelemetryEvent e = data.nextEvent(settings.hitPercent());
        producer.send(
            new ProducerRecord<>(
                SignalboxTopics.telemetryTopic(e.getMember()),
                e.getEventId().getBytes(StandardCharsets.UTF_8),
                codec.encode(e)));
        eventsSent.incrementAndGet();
      }
      if (++tick % 30 == 0) {
        // Every three seconds a record no parser should accept: the job must dead-letter it
        // and carry on.
        DemoMember m = DemoData.MEMBERS.get((int) (tick / 30 % DemoData.MEMBERS.size()));
        producer.send(
            new ProducerRecord<>(
                SignalboxTopics.telemetryTopic(m.id()),
                null,
                ("garbage from " + m.id() + " #" + tick).getBytes(StandardCharsets.UTF_8)));
        malformedSent.incrementAndGet();
      }
      if (System.nanoTime() > nextStatus) {
        nextStatus += Duration.ofSeconds(10).toNanos();
        status();
      }
      Thread.sleep(100);
    }
    producer.flush();
  }

  /**
   * Waits until the job has read everything it was sent and its output is committed, or 30 seconds
   * pass. Output arrives in steps, one per checkpoint (exactly-once sinks): a count is only
   * "stable" once it has not moved for more than two checkpoint intervals.
   */
  private void drain(DemoData data) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    long lastSightings = -1;
    int stableFor = 0;
    int settled = (int) (CHECKPOINT_INTERVAL.toMillis() * 5 / 2 / 500) + 1;
    while (System.nanoTime() < deadline) {
      boolean allRead =
          InProcessMetrics.sum("telemetryEventsIn") >= eventsSent.get()
              && deadLetters.get() >= malformedSent.get();
      long s = sightings.get();
      stableFor = s == lastSightings ? stableFor + 1 : 0;
      lastSightings = s;
      if (allRead && (s >= data.expectedSightings() || stableFor >= settled) && stableFor >= 3) {
        return;
      }
      Thread.sleep(500);
    }
    out.println("  (gave up waiting after 30 s; the summary shows what had arrived)");
  }

  private void readOutputs(KafkaClientConfig client) {
    AvroCodec<Sighting> sightingCodec = AvroCodec.sighting();
    AvroCodec<DeadLetter> deadCodec = AvroCodec.deadLetter();
    AvroCodec<CampaignAlert> alertCodec = AvroCodec.campaignAlert();
    AvroCodec<Feedback> feedbackCodec = AvroCodec.feedback();
    // read_committed (the factory's consumer), as every reader of the jobs' output: what the
    // console counts is what a member would be served, each record once.
    Properties p = client.consumer("signalbox-demo-console");
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "signalbox-demo-console");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(
          java.util.regex.Pattern.compile(
              "sightings|deadletter|campaign-alerts|"
                  + java.util.regex.Pattern.quote("feed.")
                  + ".+|"
                  + java.util.regex.Pattern.quote(SignalboxTopics.FEEDBACK_PREFIX)
                  + ".+"));
      while (!stop.get()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          try {
            if (r.topic().equals(SignalboxTopics.SIGHTINGS)) {
              Sighting s = sightingCodec.decode(r.value());
              consumedSightings.add(s);
              synchronized (sightingsBySector) {
                sightingsBySector.merge(s.getSector(), 1L, Long::sum);
              }
              sightings.incrementAndGet();
              if (settings.printSightings()) {
                out.println(describe(s));
              }
            } else if (r.topic().equals(SignalboxTopics.CAMPAIGN_ALERTS)) {
              CampaignAlert a = alertCodec.decode(r.value());
              consumedAlerts.add(a);
              alerts.incrementAndGet();
              synchronized (campaigns) {
                campaigns.merge(a.getKeyKind() + " " + a.getKeyValue(), a.getSeverity(), Math::max);
              }
              if (settings.printSightings()) {
                out.println(describe(a));
              }
            } else if (r.topic().startsWith(SignalboxTopics.FEEDBACK_PREFIX)) {
              consumedFeedback.add(feedbackCodec.decode(r.value()));
            } else if (r.topic().startsWith("feed.")) {
              countFeedRecord(r.topic(), r.value(), sightingCodec, alertCodec);
            } else {
              DeadLetter d = deadCodec.decode(r.value());
              synchronized (deadLettersByReason) {
                deadLettersByReason.merge(d.getReason(), 1L, Long::sum);
              }
              deadLetters.incrementAndGet();
            }
          } catch (java.io.IOException e) {
            out.println("  ! could not decode an output record: " + e.getMessage());
          }
        }
      }
    }
  }

  /** Alert and sighting copies per feed; digests are counted with the alerts. */
  private void countFeedRecord(
      String topic,
      byte[] value,
      AvroCodec<Sighting> sightingCodec,
      AvroCodec<CampaignAlert> alertCodec) {
    try {
      Sighting s = sightingCodec.decode(value);
      synchronized (sightingFeeds) {
        sightingFeeds.merge(topic, 1L, Long::sum);
      }
      if (s.getIndicatorSource().startsWith("p-")) {
        remember(s.getIndicatorSource(), topic);
      }
      return;
    } catch (java.io.IOException notASighting) {
      // an alert copy or a digest
    }
    synchronized (feeds) {
      feeds.merge(topic, 1L, Long::sum);
    }
    if (samplePseudonym == null && !topic.contains(".digest-")) {
      try {
        alertCodec.decode(value).getMembers().stream()
            .filter(m -> m.startsWith("p-"))
            .findFirst()
            .ifPresent(p -> remember(p, topic));
      } catch (java.io.IOException ignored) {
        // counted above; only the example pseudonym is missed
      }
    }
  }

  private void remember(String pseudonym, String topic) {
    if (samplePseudonym == null) {
      samplePseudonym = new String[] {pseudonym, Audience.parse(topic).toString()};
    }
  }

  private void printResolveHint() {
    if (membersFile == null) {
      return;
    }
    String[] sample = samplePseudonym;
    out.printf(
        "  member directory     %s (a directory to copy: signalbox campaigns --members FILE)%n",
        membersFile);
    if (sample != null) {
      out.printf(
          "  resolve a pseudonym  ./signalbox pseudonyms resolve --members %s --key-file %s"
              + " --audience %s %s%n",
          membersFile, keyFile, sample[1], sample[0]);
    }
  }

  static String describe(Sighting s) {
    String actor = String.join(",", s.getEnrichment().getThreatActors());
    String technique = String.join(",", s.getEnrichment().getAttackPatterns());
    return String.format(
        "  %s  %-9s %-16s %-11s %-44s -> %s [%s] %s %s  %s",
        LocalTime.ofInstant(s.getEventTime(), ZoneOffset.UTC).format(CLOCK),
        s.getSector(),
        s.getMember(),
        s.getRole().name().toLowerCase(),
        truncate(s.getMatchedValue(), 44),
        s.getIndicatorId().substring(0, Math.min(19, s.getIndicatorId().length())),
        s.getMatchKind().name().toLowerCase().replace('_', '-'),
        actor,
        technique,
        Tlps.label(s.getTlp()));
  }

  static String describe(CampaignAlert a) {
    return String.format(
        "  ** CAMPAIGN %s %s: %d members in %d sectors %s, severity %d, revision %d, %s",
        a.getKeyKind().name().toLowerCase(),
        a.getKeyValue(),
        a.getMemberCount(),
        a.getSectorCount(),
        a.getSectors(),
        a.getSeverity(),
        a.getRevision(),
        Tlps.label(a.getTlp()));
  }

  private void status() {
    out.printf(
        "  -- %,d events sent, %,d sightings, %,d dead letters so far%n",
        eventsSent.get(), sightings.get(), deadLetters.get());
  }

  private void printSummary(Instant started, DemoData data, long held, long eventsIn) {
    out.println();
    out.printf("Signalbox demo summary (%s)%n", pretty(Duration.between(started, Instant.now())));
    out.printf(
        "  telemetry sent       %,d events from %d members in %d sectors, plus %,d malformed records%n",
        eventsSent.get(),
        DemoData.MEMBERS.size(),
        DemoData.MEMBERS.stream().map(DemoMember::sector).distinct().count(),
        malformedSent.get());
    out.printf("  events in (job)      %,d decoded and validated%n", eventsIn);
    StringBuilder bySector = new StringBuilder();
    synchronized (sightingsBySector) {
      DemoData.MEMBERS.stream()
          .map(DemoMember::sector)
          .distinct()
          .forEach(
              sector ->
                  bySector.append(
                      String.format(
                          "%s %,d  ",
                          sector.name().toLowerCase(),
                          sightingsBySector.getOrDefault(sector, 0L))));
    }
    out.printf("  sightings out        %,d (%s)%n", sightings.get(), bySector.toString().trim());
    out.printf(
        "  planted hits due     %,d (withdrawn and expired indicators were planted too and must not match)%n",
        data.expectedSightings());
    synchronized (deadLettersByReason) {
      out.printf("  dead letters         %,d %s%n", deadLetters.get(), deadLettersByReason);
    }
    out.printf(
        "  indicators held      %,d (job gauge; %,d due: live, not revoked, not expired)%n",
        held, data.liveIndicatorCount());
    synchronized (campaigns) {
      out.printf(
          "  campaign alerts      %,d alert revisions for %d campaign keys (actor, campaign,"
              + " technique, indicator); highest severity %s%n",
          alerts.get(),
          campaigns.size(),
          campaigns.values().stream().max(Integer::compare).map(String::valueOf).orElse("-"));
    }
    synchronized (feeds) {
      out.printf(
          "  shared feeds         alert copies %s (members see pseudonyms; counts below k withheld)%n",
          feeds);
    }
    synchronized (sightingFeeds) {
      out.printf(
          "  shared sightings     %s (each to its member's own feed; further only for members"
              + " that opted in to be named)%n",
          sightingFeeds);
    }
    boolean adds =
        eventsIn == eventsSent.get()
            && deadLetters.get() == malformedSent.get()
            && sightings.get() == data.expectedSightings();
    out.println(
        adds
            ? "  check                events in = sent, dead letters = malformed, sightings = planted hits"
            : "  check                MISMATCH: see the figures above");
  }

  private static String truncate(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }

  private static String pretty(Duration d) {
    return d.truncatedTo(ChronoUnit.SECONDS).toString().substring(2).toLowerCase();
  }

  private static void deleteQuietly(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException ignored) {
      // a temp directory left behind is harmless
    }
  }
}
