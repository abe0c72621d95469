package org.signalbox.benchmarks.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.signalbox.core.Tlps;
import org.signalbox.jobs.common.KafkaSources;
import org.signalbox.jobs.common.RawRecord;
import org.signalbox.kafka.KafkaClientConfig;
import org.signalbox.observable.InvalidObservableException;
import org.signalbox.observable.ObservableNormalizer;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.Observable;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.TelemetryEvent;
import org.signalbox.schema.support.AvroCodec;

/**
 * The Flink SQL baseline: exact-value matching written the way a Flink SQL user would write it
 * against our topics.
 *
 * <p>Flink's built-in {@code avro} format reads bare Avro binary, not the single-object encoding
 * (2-byte marker and schema fingerprint before the datum) our topics carry, and {@code
 * avro-confluent} expects a registry. So, as a Flink user with a house format would, this reads the
 * topics with the DataStream Kafka source, decodes with the project's codec, and hands tables to
 * SQL: {@code telemetry} (append-only, observables as {@code ARRAY<ROW<...>>}) and {@code
 * indicators} (an upsert changelog keyed by indicator id, so a later revoked or expired version
 * replaces the earlier one). The matching itself is one SQL statement: {@code CROSS JOIN UNNEST}
 * the observables and a regular equi-join on the normalized value (a registered scalar function
 * wrapping {@link ObservableNormalizer}), with the liveness filter in the {@code WHERE} clause.
 *
 * <p>A regular join is symmetric and keeps both sides in state; a temporal join would need event
 * time and watermarks on both sides and would not retract. The join's output is a changelog: if an
 * event met version 1 of an indicator before version 2 revoked it, the join emits an insert and
 * then a delete. The sink writes what Flink's {@code upsert-kafka} connector writes: the sighting
 * keyed by its id for inserts, a tombstone for deletes; the harness counts keys whose last record
 * is not a tombstone. Enrichment columns the sighting needs (context, labels) travel as the
 * indicator's encoded bytes, as the Kafka Streams baseline does; CIDR and domain-suffix indicators
 * are out of reach of an equi-join, so it is compared on exact matches.
 */
public final class FlinkSqlJoin {
  private FlinkSqlJoin() {}

  static final String MATCH_SQL =
      "SELECT t.ingest_time, t.event_bytes, o.obs_type, o.obs_value, o.obs_role,"
          + " i.indicator_bytes\n"
          + "FROM telemetry AS t\n"
          + "CROSS JOIN UNNEST(t.observables) AS o (obs_type, obs_value, obs_role)\n"
          + "JOIN indicators AS i ON observable_key(o.obs_type, o.obs_value) = i.match_key\n"
          + "WHERE i.match_kind = 'EXACT' AND NOT i.revoked\n"
          + "  AND (i.valid_until IS NULL OR i.valid_until > %d)";

  /**
   * Adds the bounded (or unbounded) SQL join pipeline to {@code env}.
   *
   * @param now the instant expiry is judged against (the generator's clock), epoch ms
   */
  public static void attach(
      StreamExecutionEnvironment env,
      String bootstrap,
      String telemetryPattern,
      String indicatorsTopic,
      String groupId,
      String outputTopic,
      long now,
      boolean bounded) {
    StreamTableEnvironment tables = StreamTableEnvironment.create(env);
    tables.createTemporarySystemFunction("observable_key", ObservableKey.class);

    DataStream<Row> telemetry =
        env.fromSource(
                source(bootstrap, Pattern.compile(telemetryPattern), null, groupId, bounded),
                WatermarkStrategy.noWatermarks(),
                "telemetry")
            .process(new TelemetryRows())
            .returns(TelemetryRows.TYPE)
            .name("telemetry rows");
    DataStream<Row> indicators =
        env.fromSource(
                source(bootstrap, null, indicatorsTopic, groupId + "-indicators", bounded),
                WatermarkStrategy.noWatermarks(),
                "indicators")
            .process(new IndicatorRows())
            .returns(IndicatorRows.TYPE)
            .name("indicator rows");

    tables.createTemporaryView("telemetry", tables.fromDataStream(telemetry));
    tables.createTemporaryView(
        "indicators",
        tables.fromChangelogStream(
            indicators,
            Schema.newBuilder()
                .column("id", DataTypes.STRING().notNull())
                .column("match_kind", DataTypes.STRING())
                .column("match_key", DataTypes.STRING())
                .column("revoked", DataTypes.BOOLEAN())
                .column("valid_until", DataTypes.BIGINT())
                .column("indicator_bytes", DataTypes.BYTES())
                .primaryKey("id")
                .build(),
            ChangelogMode.upsert()));

    Table matches = tables.sqlQuery(String.format(MATCH_SQL, now));
    tables
        .toChangelogStream(matches)
        .sinkTo(
            KafkaSink.<Row>builder()
                .setKafkaProducerConfig(KafkaClientConfig.plaintext(bootstrap).flinkSink())
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setRecordSerializer(new UpsertSightings(outputTopic))
                .build())
        .name("sql sightings");
  }

  private static KafkaSource<RawRecord> source(
      String bootstrap, Pattern pattern, String topic, String groupId, boolean bounded) {
    var b =
        KafkaSources.raw(KafkaClientConfig.plaintext(bootstrap))
            .setGroupId(groupId)
            .setStartingOffsets(OffsetsInitializer.earliest())
            .setProperty("partition.discovery.interval.ms", "-1");
    if (pattern != null) {
      b.setTopicPattern(pattern);
    } else {
      b.setTopics(topic);
    }
    if (bounded) {
      b.setBounded(OffsetsInitializer.latest());
    }
    return b.build();
  }

  /** {@code observable_key(type, value)}: type and normalized value, or NULL if invalid. */
  public static final class ObservableKey extends ScalarFunction {
    private static final long serialVersionUID = 1L;

    public String eval(String type, String value) {
      if (type == null || value == null) {
        return null;
      }
      try {
        var n = ObservableNormalizer.normalize(ObservableType.valueOf(type), value);
        return n.type().name() + '|' + n.value();
      } catch (InvalidObservableException | IllegalArgumentException e) {
        return null;
      }
    }
  }

  /** The decoding format: Avro single-object bytes to a telemetry row. */
  static final class TelemetryRows extends ProcessFunction<RawRecord, Row> {
    private static final long serialVersionUID = 1L;
    static final TypeInformation<Row> TYPE =
        Types.ROW_NAMED(
            new String[] {"ingest_time", "event_bytes", "observables"},
            Types.LONG,
            Types.PRIMITIVE_ARRAY(Types.BYTE),
            Types.OBJECT_ARRAY(
                Types.ROW_NAMED(
                    new String[] {"obs_type", "obs_value", "obs_role"},
                    Types.STRING,
                    Types.STRING,
                    Types.STRING)));
    private transient AvroCodec<TelemetryEvent> codec;

    @Override
    public void processElement(RawRecord r, Context ctx, Collector<Row> out) throws IOException {
      if (codec == null) {
        codec = AvroCodec.telemetry();
      }
      TelemetryEvent e = codec.decode(r.value);
      List<Observable> obs = e.getObservables();
      Row[] rows = new Row[obs.size()];
      for (int i = 0; i < rows.length; i++) {
        Observable o = obs.get(i);
        rows[i] = Row.of(o.getType().name(), o.getValue(), o.getRole().name());
      }
      out.collect(Row.of(r.timestamp, r.value, rows));
    }
  }

  /** The decoding format for the compacted indicators topic, as upserts keyed by id. */
  static final class IndicatorRows extends ProcessFunction<RawRecord, Row> {
    private static final long serialVersionUID = 1L;
    static final TypeInformation<Row> TYPE =
        Types.ROW_NAMED(
            new String[] {
              "id", "match_kind", "match_key", "revoked", "valid_until", "indicator_bytes"
            },
            Types.STRING,
            Types.STRING,
            Types.STRING,
            Types.BOOLEAN,
            Types.LONG,
            Types.PRIMITIVE_ARRAY(Types.BYTE));
    private transient AvroCodec<Indicator> codec;
    private transient ObservableKey key;

    @Override
    public void processElement(RawRecord r, Context ctx, Collector<Row> out) throws IOException {
      if (codec == null) {
        codec = AvroCodec.indicator();
        key = new ObservableKey();
      }
      if (r.value == null) {
        return; // a tombstone for a compacted-away id; the generator writes none
      }
      Indicator ind = codec.decode(r.value);
      // A house format would emit typed columns; the match key is computed here once per version
      // so the join compares equal strings, as the SQL's observable_key does on the probe side.
      Row row =
          Row.ofKind(
              RowKind.UPDATE_AFTER,
              ind.getId(),
              ind.getMatchKind().name(),
              key.eval(ind.getObservableType().name(), ind.getValue()),
              ind.getRevoked(),
              ind.getValidUntil() == null ? null : ind.getValidUntil().toEpochMilli(),
              r.value);
      out.collect(row);
    }
  }

  /** What {@code upsert-kafka} does: inserts as sightings, retractions as tombstones. */
  static final class UpsertSightings implements KafkaRecordSerializationSchema<Row> {
    private static final long serialVersionUID = 1L;
    private final String topic;
    private transient AvroCodec<TelemetryEvent> telemetryCodec;
    private transient AvroCodec<Indicator> indicatorCodec;
    private transient AvroCodec<Sighting> sightingCodec;

    UpsertSightings(String topic) {
      this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
        Row row, KafkaSinkContext context, Long timestamp) {
      if (telemetryCodec == null) {
        telemetryCodec = AvroCodec.telemetry();
        indicatorCodec = AvroCodec.indicator();
        sightingCodec = AvroCodec.sighting();
      }
      try {
        TelemetryEvent e = telemetryCodec.decode((byte[]) row.getField("event_bytes"));
        Indicator ind = indicatorCodec.decode((byte[]) row.getField("indicator_bytes"));
        Observable o = null;
        for (Observable c : e.getObservables()) {
          if (c.getType().name().equals(row.getField("obs_type"))
              && c.getValue().equals(row.getField("obs_value"))
              && c.getRole().name().equals(row.getField("obs_role"))) {
            o = c;
            break;
          }
        }
        long ingest = (Long) row.getField("ingest_time");
        String id = sightingId(e, ind, o);
        byte[] key = id.getBytes(StandardCharsets.UTF_8);
        RowKind kind = row.getKind();
        if (kind == RowKind.DELETE || kind == RowKind.UPDATE_BEFORE) {
          return new ProducerRecord<>(topic, null, null, key, (byte[]) null);
        }
        return new ProducerRecord<>(
            topic, null, null, key, sightingCodec.encode(sighting(id, e, o, ind, ingest)));
      } catch (IOException ex) {
        throw new IllegalStateException("undecodable bytes in a join result", ex);
      }
    }
  }

  static String sightingId(TelemetryEvent e, Indicator ind, Observable o) {
    String name = e.getMember() + '\n' + e.getEventId() + '\n' + ind.getId() + '\n' + o.getRole();
    return "sighting--" + UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
  }

  private static Sighting sighting(
      String id, TelemetryEvent e, Observable o, Indicator ind, long ingestTime) {
    long now = System.currentTimeMillis();
    return Sighting.newBuilder()
        .setSightingId(id)
        .setIndicatorId(ind.getId())
        .setIndicatorVersion(ind.getVersion())
        .setMatchKind(ind.getMatchKind())
        .setMember(e.getMember())
        .setSector(e.getSector())
        .setSourceType(e.getSourceType())
        .setEventId(e.getEventId())
        .setEventTime(e.getEventTime())
        .setMatchedType(o.getType())
        .setMatchedValue(o.getValue())
        .setRole(o.getRole())
        .setCount(1)
        .setTlp(Tlps.mostRestrictive(e.getTlp(), ind.getTlp()))
        .setConfidence(ind.getConfidence())
        .setIndicatorSource(ind.getSource())
        .setLabels(new ArrayList<>(ind.getLabels()))
        .setEnrichment(ind.getContext())
        .setTelemetryIngestTime(Instant.ofEpochMilli(ingestTime))
        .setDetectedAt(Instant.ofEpochMilli(now))
        .build();
  }
}
