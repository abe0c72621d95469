package org.signalbox.jobs.campaign;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.signalbox.jobs.feedback.IndicatorScorer;
import org.signalbox.jobs.feedback.IndicatorScoring;
import org.signalbox.jobs.feedback.ReceivedFeedback;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.jobs.sharing.RoutedRecord;
import org.signalbox.jobs.sharing.SharingRouter;
import org.signalbox.jobs.sharing.SightingRouter;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.IndicatorScore;
import org.signalbox.schema.Sighting;

/**
 * Campaign detection over a stream of sightings, independent of where they come from:
 *
 * <pre>
 * sightings -> event time + watermarks -> fan out per key (indicator, actor, campaign, technique)
 *           --keyBy("KIND|value")--> CampaignDetector -> alerts
 *                                                     \-> too late (side output TOO_LATE)
 * </pre>
 *
 * Watermarks are assigned here from the sighting's event time (bounded out-of-orderness, idle
 * partitions released), because the sightings topic is written in detection order, not event order,
 * and upstream watermarks do not survive Kafka.
 */
public final class CampaignPipeline {
  private CampaignPipeline() {}

  /**
   * @return the alert stream (every revision of every alert, keyed downstream by alertId); the
   *     sightings that came too late are {@code result.getSideOutput(CampaignDetector.TOO_LATE)},
   *     the over-correlation guard's decisions {@code
   *     result.getSideOutput(CampaignDetector.FLOODED)}
   */
  public static SingleOutputStreamOperator<CampaignAlert> build(
      DataStream<Sighting> sightings, ReadableConfig conf) {
    WatermarkStrategy<Sighting> watermarks =
        WatermarkStrategy.<Sighting>forBoundedOutOfOrderness(
                conf.get(CampaignOptions.OUT_OF_ORDERNESS))
            .withTimestampAssigner((s, ts) -> s.getEventTime().toEpochMilli());
    Duration idleness = conf.get(CampaignOptions.IDLENESS);
    if (idleness.isNegative()) {
      throw new IllegalArgumentException(
          CampaignOptions.IDLENESS.key() + " must be 0 (off) or positive, not " + idleness);
    }
    if (!idleness.isZero()) {
      watermarks = watermarks.withIdleness(idleness);
    }
    return sightings
        .assignTimestampsAndWatermarks(watermarks)
        .name("campaign event time")
        .uid("campaign-event-time")
        .flatMap(new CampaignKeys(), TypeInformation.of(CampaignObservation.class))
        .name("campaign keys")
        .uid("campaign-keys")
        .keyBy(CampaignObservation::key, Types.STRING)
        .process(
            new CampaignDetector(
                conf.get(CampaignOptions.MIN_MEMBERS),
                conf.get(CampaignOptions.WINDOW),
                conf.get(CampaignOptions.ALLOWED_LATENESS),
                conf.get(CampaignOptions.MAX_INDICATOR_IDS),
                conf.get(CampaignOptions.FLOOD_MEMBERS),
                conf.get(CampaignOptions.FLOOD_SUPPRESSION)),
            TypeInformation.of(CampaignAlert.class))
        .name("campaign detector")
        .uid("campaign-detector");
  }

  /** Scores and alerts of {@link #build(DataStream, DataStream, ReadableConfig)}. */
  public record Scored(
      SingleOutputStreamOperator<IndicatorScore> scores,
      SingleOutputStreamOperator<CampaignAlert> alerts) {}

  /**
   * Campaign detection behind the moving indicator confidence: sightings and members' feedback are
   * scored per indicator first ({@link IndicatorScorer}), and only sightings of indicators that
   * still alert reach the detector. Watermarks are assigned after the scorer, so feedback (which
   * has no event-time meaning for the windows) never holds them back.
   *
   * @return the score changelog (dead letters for feedback on unknown indicators on its {@code
   *     DeadLetters.TAG} side output) and the alerts as from {@link #build(DataStream,
   *     ReadableConfig)}
   */
  public static Scored build(
      DataStream<Sighting> sightings, DataStream<ReceivedFeedback> feedback, ReadableConfig conf) {
    SingleOutputStreamOperator<IndicatorScore> scores =
        IndicatorScoring.build(sightings, feedback, conf);
    return new Scored(scores, build(scores.getSideOutput(IndicatorScorer.ALERTING), conf));
  }

  /**
   * The member directory named by {@code sharing.members}, loaded when the job is built.
   *
   * @throws IllegalArgumentException when the option is missing (saying what to pass) or the file
   *     cannot be read or is not a valid directory (with the place of the fault)
   */
  public static MemberDirectory members(ReadableConfig conf) {
    String path =
        conf.getOptional(CampaignOptions.MEMBERS)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        CampaignOptions.MEMBERS.key()
                            + " is required: the campaign job cannot tell members from forgers,"
                            + " nor whom it may name, without the member directory. Pass"
                            + " --members FILE to signalbox campaigns, or set "
                            + CampaignOptions.MEMBERS.key()
                            + "=FILE (example: deploy/members/example-members.yaml)"));
    try {
      return MemberDirectory.load(Path.of(path));
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(
          CampaignOptions.MEMBERS.key() + ": no such file: " + path, e);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          CampaignOptions.MEMBERS.key() + ": cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * The shared copies of the alerts: one {@link RoutedRecord} per feed the marking allows, members
   * pseudonymised unless they opted in to be named, small counts withheld. Write them with {@code
   * RoutedRecordSerializer}.
   *
   * @throws IllegalArgumentException when {@code sharing.pseudonym-key} is not set
   */
  public static DataStream<RoutedRecord> share(
      DataStream<CampaignAlert> alerts, MemberDirectory directory, ReadableConfig conf) {
    return alerts
        .process(
            new SharingRouter(
                conf.get(CampaignOptions.PSEUDONYM_KEY_ID),
                pseudonymKey(conf),
                conf.get(CampaignOptions.MIN_PUBLISHED_COUNT),
                directory),
            TypeInformation.of(RoutedRecord.class))
        .name("sharing router")
        .uid("sharing-router");
  }

  /**
   * The shared copies of individual sightings ({@link SightingRouter}): each to its member's own
   * feed, and to the audiences its marking allows only when the member opted in to be named.
   *
   * @throws IllegalArgumentException when {@code sharing.pseudonym-key} is not set
   */
  public static DataStream<RoutedRecord> shareSightings(
      DataStream<Sighting> sightings, MemberDirectory directory, ReadableConfig conf) {
    return sightings
        .process(
            new SightingRouter(
                conf.get(CampaignOptions.PSEUDONYM_KEY_ID), pseudonymKey(conf), directory),
            TypeInformation.of(RoutedRecord.class))
        .name("sighting router")
        .uid("sighting-router");
  }

  private static byte[] pseudonymKey(ReadableConfig conf) {
    return conf.getOptional(CampaignOptions.PSEUDONYM_KEY)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    CampaignOptions.PSEUDONYM_KEY.key()
                        + " is required to share alerts and sightings: without it members could"
                        + " not be pseudonymised"))
        .getBytes(StandardCharsets.UTF_8);
  }
}
