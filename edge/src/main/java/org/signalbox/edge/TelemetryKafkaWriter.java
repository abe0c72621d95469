package org.signalbox.edge;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.signalbox.kafka.KafkaClientConfig;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.topics.RequiredTopics;

/**
 * Sends sanitized events to {@code telemetry.<member>}: Avro single-object encoding, keyed by event
 * id, idempotent producer so a retry never duplicates an event.
 *
 * <p><b>A broker that is away</b> (down, restarting, unreachable) is waited for, up to {@code
 * brokerWait} (10 minutes by default): the producer keeps what it could not send yet in a bounded
 * buffer ({@code buffer.memory}, 32 MB), and once that is full, {@link #accept} blocks, so the edge
 * stops reading its input until the broker takes records again; then it resumes with nothing lost
 * and, being idempotent, nothing twice. When the broker stays away longer (or refuses records), the
 * writer gives up: it sends nothing more, waits for what is in flight, and {@link #resumePoint}
 * says where to continue (the first event not acknowledged, and the ids of later ones that were),
 * which a run with {@code --resume} uses to send exactly the rest.
 *
 * <p>The Kafka timestamp of each record is the time it is sent; the event time stays in the record
 * ({@code eventTime}) and is what the jobs' event time is read from. Stamping records with the
 * event time instead made the broker delete them on arrival: retention counts from the Kafka
 * timestamp, and logs replayed from years ago are older than any topic's retention, so telemetry
 * could never be re-read (after a restart from an older checkpoint, for a replay, a retro-hunt).
 */
public final class TelemetryKafkaWriter implements Consumer<TelemetryEvent>, AutoCloseable {
  /** How long the edge waits for an absent broker by default. */
  public static final Duration DEFAULT_BROKER_WAIT = Duration.ofMinutes(10);

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final KafkaClientConfig client;
  private final AvroCodec<TelemetryEvent> codec = AvroCodec.telemetry();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicReference<String> firstFailure = new AtomicReference<>();

  // Positions ((input, line), see ResumePoint.position) of the sends not completed yet, counted.
  private final TreeMap<Long, Integer> inFlight = new TreeMap<>();
  // Acknowledged sends that may lie after a resume point: pruned below the lowest in-flight send
  // while nothing has failed (any later failure is at or after that), so bounded by the buffer.
  private final TreeMap<Long, List<String>> acknowledged = new TreeMap<>();
  // The lowest position not acknowledged once the writer has given up (failed or never sent).
  private long firstUnacknowledged = Long.MAX_VALUE;
  private volatile boolean gaveUp;
  private long notSent;
  private long acks;

  private List<String> inputs = List.of("-");
  private int input;
  private ResumePoint resume;
  private Set<String> alreadyDelivered = Set.of();
  private long skipped;

  /** A writer to a PLAINTEXT listener (no login). */
  public TelemetryKafkaWriter(String bootstrapServers, String topic) {
    this(KafkaClientConfig.plaintext(bootstrapServers), topic);
  }

  /** A writer that logs in as {@code client} says ({@code --kafka-config}). */
  public TelemetryKafkaWriter(KafkaClientConfig client, String topic) {
    this(client, topic, DEFAULT_BROKER_WAIT);
  }

  /**
   * A writer that logs in as {@code client} says and waits up to {@code brokerWait} for a broker
   * that does not take records.
   */
  public TelemetryKafkaWriter(KafkaClientConfig client, String topic, Duration brokerWait) {
    // Idempotent with acks=all (the factory's producer): a retry never duplicates an event.
    Properties p = client.producer("signalbox-edge");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip");
    int wait = (int) Math.min(Integer.MAX_VALUE, Math.max(brokerWait.toMillis(), 1_000));
    // Each record is retried until it is brokerWait old; a full buffer (or unknown metadata) blocks
    // the sender for as long. The producer wants delivery.timeout >= linger + request.timeout.
    int request = Math.min(30_000, wait / 2);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(wait, request + 20));
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, wait);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, request);
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    this.topic = topic;
    this.client = client;
  }

  /**
   * Fails now, with the name of the missing topic and the command that creates it, instead of
   * letting every send wait a minute for a topic that will not appear; and when the broker refuses
   * the login or does not answer, says what to check.
   *
   * @throws RequiredTopics.MissingTopicsException when the topic does not exist
   * @throws IllegalStateException when the broker refuses the login or does not answer
   */
  public void requireTopic(Duration timeout) {
    RequiredTopics.require(client, List.of(topic), "sanitize --kafka", timeout, "--kafka-config");
  }

  /** The run's inputs, as they would be named in a {@link ResumePoint}. */
  public void inputs(List<String> inputs) {
    this.inputs = List.copyOf(inputs);
  }

  /** The events that follow come from the input at {@code index} of {@link #inputs}. */
  public void startInput(int index) {
    this.input = index;
  }

  /**
   * Continues a run that gave up: events before the point and those it lists as delivered are
   * skipped (counted in {@link #skipped}).
   */
  public void resumeFrom(ResumePoint point) {
    this.resume = point;
    this.alreadyDelivered = new HashSet<>(point.delivered());
  }

  @Override
  public void accept(TelemetryEvent e) {
    long position = ResumePoint.position(input, lineOf(e));
    String id = e.getEventId();
    if (resume != null && (position < resume.position() || alreadyDelivered.contains(id))) {
      skipped++;
      return;
    }
    if (gaveUp) {
      synchronized (this) {
        notSent++;
        firstUnacknowledged = Math.min(firstUnacknowledged, position);
      }
      return;
    }
    synchronized (this) {
      inFlight.merge(position, 1, Integer::sum);
    }
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(
            topic,
            null,
            // Null: the producer stamps the time of sending (see the class comment).
            null,
            id.getBytes(StandardCharsets.UTF_8),
            codec.encode(e));
    try {
      producer.send(record, (meta, ex) -> completed(position, id, ex));
    } catch (RuntimeException ex) {
      // The producer refused the record before queueing it (closed, or an unexpected error).
      completed(position, id, ex);
    }
  }

  private synchronized void completed(long position, String id, Exception ex) {
    inFlight.computeIfPresent(position, (k, n) -> n == 1 ? null : n - 1);
    if (ex != null) {
      failures.incrementAndGet();
      firstFailure.compareAndSet(null, ex.toString());
      gaveUp = true;
      firstUnacknowledged = Math.min(firstUnacknowledged, position);
      return;
    }
    acknowledged.computeIfAbsent(position, k -> new ArrayList<>(1)).add(id);
    if (!gaveUp && ++acks % 1024 == 0) {
      Long lowest = inFlight.isEmpty() ? null : inFlight.firstKey();
      if (lowest == null) {
        acknowledged.clear();
      } else {
        acknowledged.headMap(lowest, false).clear();
      }
    }
  }

  /** The line number in the event's provenance ({@code origin:line}), or 1 when it has none. */
  static long lineOf(TelemetryEvent e) {
    String origin = e.getProvenance() == null ? null : e.getProvenance().getOrigin();
    if (origin != null) {
      int colon = origin.lastIndexOf(':');
      if (colon >= 0) {
        try {
          return Math.max(1, Long.parseLong(origin.substring(colon + 1)));
        } catch (NumberFormatException notALine) {
          // an origin without a line number
        }
      }
    }
    return 1;
  }

  /** Waits until every record sent so far is acknowledged or has failed. */
  public void flush() {
    producer.flush();
  }

  public long failures() {
    return failures.get();
  }

  public String firstFailure() {
    return firstFailure.get();
  }

  /** Whether the writer gave up on the broker (and sends nothing more). */
  public boolean gaveUp() {
    return gaveUp;
  }

  /** Events the writer did not send after it gave up. */
  public synchronized long notSent() {
    return notSent;
  }

  /** Events skipped because a resumed run had delivered them already. */
  public long skipped() {
    return skipped;
  }

  /**
   * Where to continue after the writer gave up; call after {@link #flush}.
   *
   * @throws IllegalStateException when it did not give up
   */
  public synchronized ResumePoint resumePoint() {
    if (!gaveUp) {
      throw new IllegalStateException("the writer did not give up; there is nothing to resume");
    }
    long from = firstUnacknowledged;
    for (Map.Entry<Long, Integer> pending : inFlight.entrySet()) {
      from = Math.min(from, pending.getKey());
    }
    Set<String> delivered = new HashSet<>();
    acknowledged.tailMap(from, true).values().forEach(delivered::addAll);
    if (resume != null) {
      // What an earlier run delivered after its point stays delivered.
      delivered.addAll(resume.delivered());
    }
    int in = (int) (from >>> 40);
    long line = from & ((1L << 40) - 1);
    return new ResumePoint(inputs, in, line, delivered, firstFailure.get());
  }

  @Override
  public void close() {
    producer.close();
  }
}
