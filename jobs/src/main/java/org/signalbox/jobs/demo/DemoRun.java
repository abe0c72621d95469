package org.signalbox.jobs.demo;

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
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.signalbox.connectors.gateway.Gateway;
import org.signalbox.deploy.LocalKafkaBroker;
import org.signalbox.deploy.SignalboxTopics;
import org.signalbox.jobs.campaign.CampaignKafka;
import org.signalbox.jobs.campaign.CampaignOptions;
import org.signalbox.jobs.correlate.CorrelateJob;
import org.signalbox.jobs.correlate.CorrelateKafka;
import org.signalbox.jobs.correlate.CorrelateOptions;
import org.signalbox.jobs.metrics.InProcessMetrics;
import org.signalbox.jobs.report.SecretariatReport;
import org.signalbox.jobs.sharing.Audience;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.DeadLetter;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.Sector;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.schema.support.Tlps;

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
      Path reportDir) {}

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

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
  private final Map<String, Integer> campaigns = new TreeMap<>();
  private final Map<String, Long> feeds = new TreeMap<>();

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
    out.println("Signalbox demo: starting a local Kafka broker (KRaft) ...");
    try (LocalKafkaBroker broker = LocalKafkaBroker.start(new LocalKafkaBroker.Options())) {
      String bootstrap = broker.bootstrapServers();
      out.printf(
          "  broker up at %s (pid %d, %d ms)%n",
          bootstrap, broker.pid(), broker.startupTime().toMillis());
      List<NewTopic> topics = new ArrayList<>(SignalboxTopics.core(2));
      for (DemoMember m : DemoData.MEMBERS) {
        topics.add(SignalboxTopics.telemetry(m.id(), 2));
        topics.add(new NewTopic(Audience.member(m.id()).topic(), 1, (short) 1));
      }
      topics.add(new NewTopic(Audience.COMMUNITY.topic(), 1, (short) 1));
      topics.add(new NewTopic(Audience.PUBLIC.topic(), 1, (short) 1));
      SignalboxTopics.ensure(bootstrap, topics, Duration.ofSeconds(60));
      out.printf("  topics: %s%n", topics.stream().map(NewTopic::name).toList());

      DemoData data = new DemoData(settings.seed(), settings.indicators(), Instant.now());
      try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
        publishIndicators(producer, data.indicators());
        out.printf(
            "  published %,d indicator records (%,d live; CIDR, domain-suffix, revoked and expired among them)%n",
            data.indicators().size(), data.liveIndicatorCount());

        Configuration conf = new Configuration();
        conf.set(CorrelateOptions.BOOTSTRAP_SERVERS, bootstrap);
        conf.set(CorrelateOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(10));
        conf.set(
            CheckpointingOptions.CHECKPOINTS_DIRECTORY,
            work.resolve("checkpoints").toUri().toString());
        conf.setString("parallelism.default", "2");
        // A fresh pseudonym key per demo run: pseudonyms in the feeds are stable within the run.
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        conf.set(CampaignOptions.PSEUDONYM_KEY, java.util.HexFormat.of().formatHex(key));
        conf.set(CampaignOptions.PSEUDONYM_KEY_ID, "demo");
        InProcessMetrics.register(conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        CorrelateJob.configure(env, conf);
        CorrelateJob.reuseObjects(env, conf);
        CorrelateKafka.attach(env, conf, false);
        CampaignKafka.attach(env, conf, false);
        out.println(
            "Starting the correlate and campaign jobs on an embedded Flink MiniCluster (RocksDB"
                + " state, parallelism 2) ...");
        JobClient job = env.executeAsync("signalbox correlate (demo)");

        Thread reader = new Thread(() -> readOutputs(bootstrap), "demo-output-reader");
        reader.setDaemon(true);
        reader.start();

        // Each member polls its own feed and the community feed over TAXII 2.1.
        List<Gateway.EmbeddedMember> logins = new ArrayList<>();
        for (DemoMember m : DemoData.MEMBERS) {
          logins.add(
              new Gateway.EmbeddedMember(
                  m.id(),
                  "demo-" + m.id(),
                  List.of(Audience.member(m.id()).toString(), Audience.COMMUNITY.toString())));
        }
        try (Gateway.Embedded taxii = Gateway.startEmbedded(bootstrap, logins)) {
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
          long held = InProcessMetrics.sum("indicatorsHeld");
          long eventsIn = InProcessMetrics.sum("telemetryEventsIn");
          Map<String, Integer> taxiiHeld = new TreeMap<>();
          for (DemoMember m : DemoData.MEMBERS) {
            taxiiHeld.put(m.id(), taxii.held(Audience.member(m.id()).toString()));
          }
          taxiiHeld.put("community", taxii.held(Audience.COMMUNITY.toString()));
          job.cancel().get();
          stop.set(true);
          reader.join(5000);
          printSummary(started, data, held, eventsIn);
          out.printf("  TAXII collections    %s objects held per audience%n", taxiiHeld);
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

  private void publishIndicators(
      KafkaProducer<byte[], byte[]> producer, List<Indicator> indicators) {
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

  private void produceTelemetry(KafkaProducer<byte[], byte[]> producer, DemoData data)
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

  /** Waits until the job has read everything it was sent, or 30 seconds pass. */
  private void drain(DemoData data) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    long lastSightings = -1;
    int stableFor = 0;
    while (System.nanoTime() < deadline) {
      boolean allRead =
          InProcessMetrics.sum("telemetryEventsIn") >= eventsSent.get()
              && deadLetters.get() >= malformedSent.get();
      long s = sightings.get();
      stableFor = s == lastSightings ? stableFor + 1 : 0;
      lastSightings = s;
      if (allRead && (s >= data.expectedSightings() || stableFor >= 10) && stableFor >= 3) {
        return;
      }
      Thread.sleep(500);
    }
    out.println("  (gave up waiting after 30 s; the summary shows what had arrived)");
  }

  private void readOutputs(String bootstrap) {
    AvroCodec<Sighting> sightingCodec = AvroCodec.sighting();
    AvroCodec<DeadLetter> deadCodec = AvroCodec.deadLetter();
    AvroCodec<CampaignAlert> alertCodec = AvroCodec.campaignAlert();
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "signalbox-demo-console");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(
          java.util.regex.Pattern.compile(
              "sightings|deadletter|campaign-alerts|"
                  + java.util.regex.Pattern.quote("feed.")
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
            } else if (r.topic().startsWith("feed.")) {
              synchronized (feeds) {
                feeds.merge(r.topic(), 1L, Long::sum);
              }
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
          "  shared feeds         %s (members see pseudonyms; counts below k withheld)%n", feeds);
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

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(p);
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
