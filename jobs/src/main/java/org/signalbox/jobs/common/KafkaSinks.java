package org.signalbox.jobs.common;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.CheckpointConfig;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.signalbox.kafka.KafkaClientConfig;
import org.signalbox.schema.support.AvroCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka sinks of one job instance: every sink of the job is built here, with the job's login
 * ({@link KafkaClientConfig}), its delivery guarantee, and, exactly-once, its own transactional id
 * prefix ({@code <job prefix>-<sink name>}) and an explicit transaction timeout. Building it for an
 * exactly-once job turns on checkpointing in exactly-once mode if the job has none, because the
 * sinks commit their transactions when a checkpoint completes and a job without checkpoints would
 * never make its output visible to {@code read_committed} readers.
 *
 * <p><b>Transaction naming.</b> {@link TransactionNamingStrategy#INCREMENTING}, the connector's
 * default, chosen on purpose: every checkpoint gets a fresh transactional id ({@code
 * <prefix>-<subtask>-<checkpoint id>}), so an id carries one transaction and its producer epoch
 * never comes near the overflow that FLINK-40689 is about (recovery after an epoch rollover under
 * Kafka 4's transactions v2, reachable only when one id is reused for ~32k transactions, as {@code
 * POOLING} does). FLINK-40626 (a transaction left ongoing after recovery, pinning the last stable
 * offset of read_committed readers) is a {@code POOLING} bug. {@code POOLING} would also need to
 * know every target topic up front, which the sharing router's feed sink does not (feeds appear
 * with members), and DESCRIBE on the topics to list transactions. The cost of INCREMENTING: the
 * broker keeps each used id for {@code transactional.id.expiration.ms} (7 days by default), one per
 * sink, subtask and checkpoint, and a job started without a checkpoint probes the ids of its
 * predecessor from checkpoint 1 upwards to abort what it left open (PROBING), which makes the first
 * start after a long run slower. Both are bounded and visible; the bugs are neither.
 */
public final class KafkaSinks {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSinks.class);

  /** What a restart of the job may take, on top of the checkpoint interval. */
  static final Duration RESTART_ALLOWANCE = Duration.ofMinutes(1);

  private final KafkaClientConfig client;
  private final DeliveryGuarantee guarantee;
  private final String transactionalIdPrefix;
  private final Duration transactionTimeout;
  private final Set<String> names = new HashSet<>();

  private KafkaSinks(
      KafkaClientConfig client,
      DeliveryGuarantee guarantee,
      String transactionalIdPrefix,
      Duration transactionTimeout) {
    this.client = client;
    this.guarantee = guarantee;
    this.transactionalIdPrefix = transactionalIdPrefix;
    this.transactionTimeout = transactionTimeout;
  }

  /**
   * The sinks of a job, and checkpointing for them.
   *
   * @param groupId the job's consumer group id: the transactional id prefix unless configured
   * @param checkpointInterval the interval to checkpoint at when {@code env} has no checkpointing
   *     and the sinks are exactly-once
   * @param bounded a replay: its prefix ends in {@code -bounded}, so that it never aborts the open
   *     transaction of the streaming job of the same name (the abort probes ids by prefix)
   * @throws IllegalArgumentException for a guarantee that is not one, a transaction timeout outside
   *     [checkpoint interval + 1 min, the broker's transaction.max.timeout.ms], or exactly-once
   *     sinks in a job that checkpoints at-least-once
   */
  public static KafkaSinks forJob(
      StreamExecutionEnvironment env,
      ReadableConfig conf,
      KafkaSinkOptions options,
      KafkaClientConfig client,
      String groupId,
      Duration checkpointInterval,
      boolean bounded) {
    return forJob(
        env,
        conf,
        options,
        client,
        groupId,
        checkpointInterval,
        bounded,
        KafkaSinks::brokerMaxTransactionTimeout);
  }

  /** As the public one, asking {@code brokerMax} for the broker's maximum transaction timeout. */
  static KafkaSinks forJob(
      StreamExecutionEnvironment env,
      ReadableConfig conf,
      KafkaSinkOptions options,
      KafkaClientConfig client,
      String groupId,
      Duration checkpointInterval,
      boolean bounded,
      java.util.function.Function<KafkaClientConfig, Optional<Duration>> brokerMax) {
    DeliveryGuarantee guarantee = options.guarantee(conf);
    String prefix = conf.getOptional(options.transactionalIdPrefix()).orElse(groupId);
    if (prefix == null || prefix.isBlank()) {
      throw new IllegalArgumentException(
          options.transactionalIdPrefix().key() + " must not be empty");
    }
    prefix = prefix.strip() + (bounded ? "-bounded" : "");
    Duration timeout = conf.get(options.transactionTimeout());
    if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
      Duration interval = exactlyOnceCheckpointing(env, checkpointInterval);
      if (interval != null && timeout.compareTo(interval.plus(RESTART_ALLOWANCE)) < 0) {
        throw new IllegalArgumentException(
            options.transactionTimeout().key()
                + " is "
                + timeout
                + ", less than the checkpoint interval ("
                + interval
                + ") plus a minute for a restart: a transaction would be aborted by the broker"
                + " before the checkpoint that commits it completes, and its records lost. Raise"
                + " it (default "
                + KafkaSinkOptions.DEFAULT_TRANSACTION_TIMEOUT
                + ") or checkpoint more often.");
      }
      Optional<Duration> max = brokerMax.apply(client);
      if (max.isPresent() && timeout.compareTo(max.get()) > 0) {
        throw new IllegalArgumentException(
            options.transactionTimeout().key()
                + " is "
                + timeout
                + ", more than the broker at "
                + client.bootstrapServers()
                + " allows (transaction.max.timeout.ms = "
                + max.get().toMillis()
                + " ms): every exactly-once sink would fail when it starts its first transaction."
                + " Lower "
                + options.transactionTimeout().key()
                + " or raise transaction.max.timeout.ms on the brokers.");
      }
    }
    return new KafkaSinks(client, guarantee, prefix, timeout);
  }

  /**
   * Makes sure a streaming {@code env} checkpoints in exactly-once mode.
   *
   * @return the checkpoint interval in force; null in batch mode (there the sinks commit at the end
   *     of input)
   */
  static Duration exactlyOnceCheckpointing(StreamExecutionEnvironment env, Duration interval) {
    if (env.getConfiguration().get(ExecutionOptions.RUNTIME_MODE) == RuntimeExecutionMode.BATCH) {
      return null;
    }
    CheckpointConfig checkpoints = env.getCheckpointConfig();
    if (!checkpoints.isCheckpointingEnabled()) {
      // Without checkpoints an exactly-once sink never commits: its output would stay invisible.
      env.enableCheckpointing(interval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
      return interval;
    }
    if (checkpoints.getCheckpointingConsistencyMode() != CheckpointingMode.EXACTLY_ONCE) {
      // Unaligned at-least-once barriers let records after a barrier into the state and into the
      // transaction of the checkpoint before it; a restore then writes them again.
      throw new IllegalArgumentException(
          "the job's Kafka sinks are exactly-once but it checkpoints "
              + checkpoints.getCheckpointingConsistencyMode()
              + " (execution.checkpointing.mode): set it to EXACTLY_ONCE, or set the job's"
              + " delivery-guarantee to at-least-once");
    }
    return Duration.ofMillis(checkpoints.getCheckpointInterval());
  }

  /** The Kafka sink {@code name} of this job, writing what {@code serializer} makes. */
  public <T> KafkaSink<T> sink(String name, KafkaRecordSerializationSchema<T> serializer) {
    if (!names.add(name)) {
      throw new IllegalStateException(
          "two Kafka sinks named '" + name + "' in one job would share a transactional id prefix");
    }
    KafkaSinkBuilder<T> b =
        KafkaSink.<T>builder()
            .setKafkaProducerConfig(client.flinkSink())
            .setDeliveryGuarantee(guarantee)
            .setRecordSerializer(serializer);
    if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
      b.setTransactionalIdPrefix(transactionalIdPrefix(name))
          .setTransactionNamingStrategy(TransactionNamingStrategy.INCREMENTING)
          .setProperty(
              ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
              String.valueOf(transactionTimeout.toMillis()));
    }
    return b.build();
  }

  /**
   * The Kafka sink {@code name} writing Avro records in the project's wire format, keyed by a field
   * of the record.
   *
   * @param deadLetterTopic where a record too large to write goes instead of failing the job (see
   *     {@link AvroRecordSerializer}); null for the dead-letter sink itself
   */
  public <T extends SpecificRecordBase> KafkaSink<T> avro(
      String name,
      String topic,
      AvroCodec.Factory<T> codec,
      SerializableFunction<T, String> key,
      String deadLetterTopic) {
    return sink(
        name,
        new AvroRecordSerializer<>(
            topic, codec, key, deadLetterTopic, AvroRecordSerializer.DEFAULT_MAX_RECORD_BYTES));
  }

  /** The transactional id prefix of sink {@code name}. */
  public String transactionalIdPrefix(String name) {
    return transactionalIdPrefix + "-" + name;
  }

  public DeliveryGuarantee guarantee() {
    return guarantee;
  }

  public Duration transactionTimeout() {
    return transactionTimeout;
  }

  /**
   * The broker's {@code transaction.max.timeout.ms}, when it says: a login without DESCRIBE_CONFIGS
   * on the cluster, or a broker that does not answer in 10 s, gives empty, and the check is left to
   * the first transaction (whose error names the setting too).
   */
  static Optional<Duration> brokerMaxTransactionTimeout(KafkaClientConfig client) {
    Properties p = client.admin();
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    try (Admin admin = Admin.create(p)) {
      Collection<Node> nodes = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
      if (nodes.isEmpty()) {
        return Optional.empty();
      }
      ConfigResource broker =
          new ConfigResource(
              ConfigResource.Type.BROKER, String.valueOf(nodes.iterator().next().id()));
      Config config =
          admin.describeConfigs(List.of(broker)).all().get(10, TimeUnit.SECONDS).get(broker);
      ConfigEntry entry = config == null ? null : config.get("transaction.max.timeout.ms");
      if (entry == null || entry.value() == null) {
        return Optional.empty();
      }
      return Optional.of(Duration.ofMillis(Long.parseLong(entry.value())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (Exception e) {
      LOG.debug("cannot read transaction.max.timeout.ms from {}", client.bootstrapServers(), e);
      return Optional.empty();
    }
  }
}
