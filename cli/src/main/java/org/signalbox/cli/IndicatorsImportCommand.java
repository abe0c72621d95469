package org.signalbox.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.signalbox.importers.IndicatorBatch;
import org.signalbox.importers.VersionLedger;
import org.signalbox.importers.csv.CsvColumnMapping;
import org.signalbox.importers.csv.CsvFeedReader;
import org.signalbox.importers.misp.MispEventReader;
import org.signalbox.importers.misp.MispFeedReader;
import org.signalbox.importers.stix.StixBundleReader;
import org.signalbox.importers.taxii.TaxiiCollectionClient;
import org.signalbox.importers.taxii.TaxiiPollState;
import org.signalbox.json.IndicatorJson;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.Tlp;
import org.signalbox.stix.match.BreadthLimits;
import org.signalbox.topics.RequiredTopics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code signalbox indicators import}: reads indicator sources and writes the indicators topic. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Reads indicators from STIX 2.1 bundles, MISP events, MISP feeds (a directory or URL with"
          + " manifest.json), CSV feeds and TAXII 2.1 collections (--format taxii, the URL of the"
          + " collection), normalizes them, and writes them to Kafka (topic"
          + " 'indicators', key = indicator id, value = Avro single-object encoding).",
      "Prints a summary of imported, updated (same id met again with a newer version in this run),"
          + " unchanged and rejected indicators, with each rejection's position and reason on"
          + " standard error. Exit status 0; 1 if an input could not be read at all or Kafka could"
          + " not be written; 2 for a bad option; 3 with --fail-on-rejected when anything was"
          + " rejected (the usable indicators are still written)."
    })
public final class IndicatorsImportCommand implements Callable<Integer> {

  enum Format {
    stix,
    misp,
    misp_feed,
    csv,
    taxii
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      arity = "1..*",
      paramLabel = "FILE|URL",
      description = "Inputs; http(s) URLs allowed.")
  List<String> inputs;

  @Option(
      names = "--format",
      description =
          "stix, misp, misp_feed, csv or taxii (default: guessed from each input: a directory or"
              + " manifest.json is a MISP feed, .csv is CSV, JSON with \"Event\" is MISP, else STIX).")
  Format format;

  @Option(names = "--kafka", paramLabel = "BOOTSTRAP", description = "Kafka bootstrap servers.")
  String kafka;

  @picocli.CommandLine.Mixin KafkaConfigOption kafkaConfig = new KafkaConfigOption();

  /** The login of {@link #kafkaConfig}, once {@link #call} has read it. */
  private org.signalbox.kafka.KafkaClientConfig client;

  @Option(
      names = "--topic",
      defaultValue = "indicators",
      description = "Topic (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(
      names = "--dry-run",
      description = "Print the normalized indicators as JSON lines instead of writing Kafka.")
  boolean dryRun;

  @CommandLine.Mixin BreadthOptions breadth = new BreadthOptions();

  private BreadthLimits limits = BreadthLimits.DEFAULT;

  @Option(
      names = "--fail-on-rejected",
      description =
          "Exit with status 3 when any indicator, attribute, row or event was rejected (the usable"
              + " ones are still written), so a scheduled import notices a broken feed.")
  boolean failOnRejected;

  @Option(
      names = "--default-tlp",
      defaultValue = org.signalbox.core.Tlps.UNMARKED_NAME,
      description =
          "TLP of unmarked indicators, and of CSV feeds (default: ${DEFAULT-VALUE}, the rule for"
              + " unmarked input everywhere; set it, e.g. --default-tlp amber, for a feed you know"
              + " may be shared).")
  String defaultTlp;

  @Option(
      names = "--source",
      description = "Source name for inputs that name none (default: the input's file name).")
  String source;

  @Option(
      names = "--confidence",
      defaultValue = "50",
      description = "Confidence of indicators that carry none, 0-100 (default: ${DEFAULT-VALUE}).")
  int confidence;

  @Option(
      names = "--csv-columns",
      paramLabel = "SPEC",
      description =
          "CSV column mapping, e.g. value=dst_ip,type=IPV4,time=first_seen_utc,malware=malware"
              + " (keys value, type, time, malware, tags; columns by header name or 1-based"
              + " number; type is a fixed observable type or the type column).")
  String csvColumns;

  @Option(
      names = "--csv-delimiter",
      defaultValue = ",",
      description = "CSV delimiter (default: '${DEFAULT-VALUE}').")
  char csvDelimiter;

  @Option(
      names = "--state",
      paramLabel = "FILE",
      description =
          "TAXII: file remembering the last X-TAXII-Date-Added-Last per collection; the next poll"
              + " asks only for objects added after it. Advanced only after the indicators were"
              + " written to Kafka (never on --dry-run), so a failed run is polled again.")
  Path stateFile;

  @Option(
      names = "--added-after",
      paramLabel = "TIMESTAMP",
      description =
          "TAXII: poll objects added after this time (e.g. 2026-11-01T00:00:00Z) when --state has"
              + " none for the collection.")
  String addedAfter;

  @Option(
      names = "--taxii-user",
      paramLabel = "USER",
      description =
          "TAXII: basic-authentication user; the password comes from the environment variable"
              + " SIGNALBOX_TAXII_PASSWORD or --taxii-password-file (never the command line).")
  String taxiiUser;

  @Option(
      names = "--taxii-password-file",
      paramLabel = "FILE",
      description = "TAXII: file whose first line is the basic-authentication password.")
  Path taxiiPasswordFile;

  @Option(
      names = "--taxii-limit",
      paramLabel = "N",
      description = "TAXII: objects per page to ask for (the server may send fewer).")
  Integer taxiiLimit;

  /** Collection objects URL -> newest date added, applied to the state file once written. */
  private final Map<String, String> pendingTaxiiState = new LinkedHashMap<>();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Tlp tlp;
    try {
      tlp = org.signalbox.core.Tlps.parse(defaultTlp);
    } catch (IllegalArgumentException e) {
      err.println("--default-tlp: " + e.getMessage());
      return 2;
    }
    if (confidence < 0 || confidence > 100) {
      err.println("--confidence must be from 0 to 100");
      return 2;
    }
    try {
      limits = breadth.limits();
    } catch (IllegalArgumentException e) {
      err.println("--min-ipv4-prefix/--min-ipv6-prefix/--min-suffix-labels: " + e.getMessage());
      return 2;
    }
    int status = 0;
    Instant importTime = Instant.now();
    if (kafka != null && !dryRun) {
      try {
        client = kafkaConfig.client(kafka);
      } catch (IllegalArgumentException e) {
        err.println("error: " + e.getMessage());
        return 2;
      }
      Optional<String> problem =
          RequiredTopics.problem(
              client, List.of(topic), "indicators import", KafkaConfigOption.NAME);
      if (problem.isPresent()) {
        err.println("error: " + problem.get());
        return 1;
      }
    }
    Output output;
    try {
      output = new Output(dryRun ? out : null, dryRun || kafka == null ? null : producer(), err);
    } catch (RuntimeException e) {
      err.println("ERROR connecting to Kafka " + kafka + ": " + e.getMessage());
      return 1;
    }
    try (output) {
      for (String input : inputs) {
        try {
          readInput(input, tlp, importTime, output::accept, r -> output.reject(input, r));
        } catch (IOException | RuntimeException e) {
          err.println("ERROR " + input + ": " + e.getMessage());
          status = 1;
        }
      }
    } catch (IOException e) {
      err.println("ERROR writing to Kafka " + kafka + ": " + e.getMessage());
      status = 1;
    }
    long imported = output.ledger.size();
    if (output.failure != null) {
      imported = 0;
    } else if (kafka != null && !dryRun) {
      saveTaxiiState(err);
    }
    if (stateFile != null && !pendingTaxiiState.isEmpty() && (dryRun || kafka == null)) {
      err.println("TAXII state in " + stateFile + " not advanced: nothing was written to Kafka");
    }
    PrintWriter summary = dryRun ? err : out;
    summary.printf(
        Locale.ROOT,
        "imported %d, updated %d, unchanged %d, rejected %d (%d indicators read%s)%n",
        imported,
        output.updated,
        output.unchanged,
        output.rejected,
        output.read,
        dryRun
            ? ", dry run"
            : kafka == null ? ", nothing written: no --kafka" : ", written to " + topic);
    summary.flush();
    err.flush();
    if (status == 0 && failOnRejected && output.rejected > 0) {
      return 3;
    }
    return status;
  }

  private void readInput(
      String input,
      Tlp tlp,
      Instant importTime,
      Consumer<Indicator> indicators,
      Consumer<IndicatorBatch.Rejection> rejections)
      throws IOException {
    if ((format != null ? format : guess(input)) == Format.csv) {
      readCsv(input, tlp, importTime, indicators, rejections);
      return;
    }
    IndicatorBatch batch = readBatch(input, tlp);
    batch.rejected().forEach(rejections);
    batch.indicators().forEach(indicators);
  }

  private void readCsv(
      String input,
      Tlp tlp,
      Instant importTime,
      Consumer<Indicator> indicators,
      Consumer<IndicatorBatch.Rejection> rejections)
      throws IOException {
    if (csvColumns == null) {
      throw new IOException("CSV input needs --csv-columns (e.g. value=dst_ip,type=IPV4)");
    }
    CsvColumnMapping mapping;
    try {
      mapping = CsvColumnMapping.parse(csvColumns);
    } catch (IllegalArgumentException e) {
      throw new IOException("--csv-columns: " + e.getMessage());
    }
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(open(input), StandardCharsets.UTF_8))) {
      new CsvFeedReader(mapping, csvDelimiter, sourceName(input), tlp, confidence)
          .withLimits(limits)
          .read(in, input, importTime, indicators, rejections);
    }
  }

  /** The formats read whole (JSON documents): STIX, MISP, MISP feeds and TAXII polls. */
  private IndicatorBatch readBatch(String input, Tlp tlp) throws IOException {
    Format f = format != null ? format : guess(input);
    String name = sourceName(input);
    switch (f) {
      case stix:
        try (InputStream in = open(input)) {
          StixBundleReader.Result r =
              new StixBundleReader(tlp, name, confidence).withLimits(limits).read(in);
          List<IndicatorBatch.Rejection> rej = new ArrayList<>();
          r.rejected().forEach(x -> rej.add(new IndicatorBatch.Rejection(x.place(), x.reason())));
          return new IndicatorBatch(r.indicators(), rej);
        }
      case misp:
        try (InputStream in = open(input)) {
          return new MispEventReader(tlp, name, confidence).withLimits(limits).read(in);
        }
      case misp_feed:
        {
          String base = input;
          if (base.endsWith("manifest.json")) {
            base = base.substring(0, base.length() - "manifest.json".length());
          }
          String root = base;
          return new MispFeedReader(new MispEventReader(tlp, name, confidence).withLimits(limits))
              .read(file -> open(join(root, file)));
        }
      case taxii:
        return pollTaxii(input, tlp, name);
      default:
        throw new IOException("unknown format " + f);
    }
  }

  private IndicatorBatch pollTaxii(String input, Tlp tlp, String name) throws IOException {
    TaxiiCollectionClient client;
    try {
      client = new TaxiiCollectionClient(URI.create(input));
      if (taxiiLimit != null) {
        client = client.withLimit(taxiiLimit);
      }
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage());
    }
    if (taxiiUser != null) {
      client = client.withBasicAuth(taxiiUser, taxiiPassword());
    }
    String key = client.objectsUri().toString();
    String after = addedAfter;
    if (stateFile != null) {
      after = TaxiiPollState.load(stateFile).addedAfter(key).orElse(addedAfter);
    }
    TaxiiCollectionClient.Poll poll = client.poll(after);
    PrintWriter err = spec.commandLine().getErr();
    err.printf(
        Locale.ROOT,
        "TAXII %s: %d objects in %d pages%s%n",
        key,
        poll.objects().size(),
        poll.pages(),
        after == null ? "" : " added after " + after);
    poll.dateAddedLast().ifPresent(last -> pendingTaxiiState.put(key, last));
    StixBundleReader.Result r =
        new StixBundleReader(tlp, name, confidence).withLimits(limits).read(poll.envelope());
    List<IndicatorBatch.Rejection> rej = new ArrayList<>();
    r.rejected().forEach(x -> rej.add(new IndicatorBatch.Rejection(x.place(), x.reason())));
    return new IndicatorBatch(r.indicators(), rej);
  }

  private String taxiiPassword() throws IOException {
    if (taxiiPasswordFile != null) {
      List<String> lines = Files.readAllLines(taxiiPasswordFile, StandardCharsets.UTF_8);
      if (lines.isEmpty()) {
        throw new IOException("--taxii-password-file " + taxiiPasswordFile + " is empty");
      }
      return lines.get(0);
    }
    String env = System.getenv("SIGNALBOX_TAXII_PASSWORD");
    if (env == null) {
      throw new IOException(
          "--taxii-user needs a password: set SIGNALBOX_TAXII_PASSWORD or --taxii-password-file");
    }
    return env;
  }

  private void saveTaxiiState(PrintWriter err) {
    if (stateFile == null || pendingTaxiiState.isEmpty()) {
      return;
    }
    try {
      TaxiiPollState state = TaxiiPollState.load(stateFile);
      Instant now = Instant.now();
      pendingTaxiiState.forEach((url, last) -> state.update(url, last, now));
      state.save();
    } catch (IOException e) {
      // The indicators are in Kafka; only the cursor is lost, so the next poll repeats objects.
      err.println("ERROR saving TAXII state " + stateFile + ": " + e.getMessage());
    }
  }

  private String sourceName(String input) {
    if (source != null) {
      return source;
    }
    String s = input.endsWith("/") ? input.substring(0, input.length() - 1) : input;
    return s.substring(s.lastIndexOf('/') + 1);
  }

  private static boolean isUrl(String input) {
    String l = input.toLowerCase(Locale.ROOT);
    return l.startsWith("http://") || l.startsWith("https://");
  }

  private static String join(String base, String file) {
    if (isUrl(base)) {
      return base.endsWith("/") ? base + file : base + "/" + file;
    }
    return Path.of(base.isEmpty() ? "." : base).resolve(file).toString();
  }

  private static Format guess(String input) throws IOException {
    String l = input.toLowerCase(Locale.ROOT);
    if (l.endsWith("manifest.json") || (!isUrl(input) && Files.isDirectory(Path.of(input)))) {
      return Format.misp_feed;
    }
    if (l.endsWith(".csv") || l.endsWith(".txt")) {
      return Format.csv;
    }
    byte[] head;
    try (InputStream in = open(input)) {
      head = in.readNBytes(4096);
    }
    String start = new String(head, StandardCharsets.UTF_8);
    return start.contains("\"Event\"") || start.contains("\"response\"")
        ? Format.misp
        : Format.stix;
  }

  private static InputStream open(String input) throws IOException {
    if (!isUrl(input)) {
      return Files.newInputStream(Path.of(input));
    }
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(30))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(input)).timeout(Duration.ofMinutes(5)).GET().build();
    try {
      HttpResponse<InputStream> response =
          client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() != 200) {
        response.body().close();
        throw new IOException("HTTP " + response.statusCode() + " for " + input);
      }
      return response.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching " + input);
    }
  }

  private KafkaProducer<byte[], byte[]> producer() {
    Properties p = client.producer("signalbox-indicators-import");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * Where indicators go as they are read: printed (dry run), sent to Kafka, or only counted. Only
   * the newest version met so far of each id is passed on (a newer one met later is passed on
   * again), so the compacted topic's last record per id is its newest version; nothing but that
   * ledger is held in memory, whatever the size of the feed.
   */
  private final class Output implements AutoCloseable {
    private static final long PROGRESS_EVERY = 500_000;
    final VersionLedger ledger = new VersionLedger();
    private final PrintWriter dryRunOut;
    private final KafkaProducer<byte[], byte[]> producer;
    private final PrintWriter err;
    long read;
    long updated;
    long unchanged;
    long rejected;
    volatile Exception failure;

    Output(PrintWriter dryRunOut, KafkaProducer<byte[], byte[]> producer, PrintWriter err) {
      this.dryRunOut = dryRunOut;
      this.producer = producer;
      this.err = err;
    }

    void accept(Indicator i) {
      read++;
      if (read % PROGRESS_EVERY == 0) {
        err.printf(Locale.ROOT, "... %,d indicators read%n", read);
        err.flush();
      }
      switch (ledger.offer(i.getId(), versionKey(i.getVersion()))) {
        case NEW -> write(i);
        case NEWER -> {
          updated++;
          write(i);
        }
        case NOT_NEWER -> unchanged++;
      }
    }

    void reject(String input, IndicatorBatch.Rejection r) {
      rejected++;
      err.println("REJECTED " + input + " " + r.where() + ": " + r.reason());
    }

    private void write(Indicator i) {
      if (dryRunOut != null) {
        dryRunOut.println(IndicatorJson.write(i));
      }
      if (producer == null || failure != null) {
        return;
      }
      ByteBuffer encoded;
      try {
        encoded = Indicator.getEncoder().encode(i);
      } catch (IOException e) {
        failure = e;
        return;
      }
      byte[] value = new byte[encoded.remaining()];
      encoded.get(value);
      producer.send(
          new ProducerRecord<>(topic, i.getId().getBytes(StandardCharsets.UTF_8), value),
          (metadata, e) -> {
            if (e != null && failure == null) {
              failure = e;
            }
          });
    }

    @Override
    public void close() throws IOException {
      if (dryRunOut != null) {
        dryRunOut.flush();
      }
      if (producer == null) {
        return;
      }
      try {
        producer.flush();
      } finally {
        producer.close();
      }
      if (failure != null) {
        throw new IOException(failure.getMessage(), failure);
      }
    }
  }

  /** Nanoseconds since the epoch, saturated outside the years 1678 to 2262. */
  private static long versionKey(Instant version) {
    try {
      return Math.addExact(
          Math.multiplyExact(version.getEpochSecond(), 1_000_000_000L), version.getNano());
    } catch (ArithmeticException e) {
      return version.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }
}
