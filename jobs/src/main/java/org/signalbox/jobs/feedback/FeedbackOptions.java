package org.signalbox.jobs.feedback;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Configuration of the moving indicator confidence. */
public final class FeedbackOptions {
  private FeedbackOptions() {}

  public static final ConfigOption<String> FEEDBACK_TOPICS =
      ConfigOptions.key("feedback.topics")
          .stringType()
          .defaultValue("feedback\\..+")
          .withDescription(
              "Regular expression of the topics of members' verdicts (Avro Feedback), one per"
                  + " member: feedback.<member>.");

  public static final ConfigOption<String> SCORES_TOPIC =
      ConfigOptions.key("feedback.scores-topic")
          .stringType()
          .defaultValue("indicator-scores")
          .withDescription(
              "Changelog of indicator scores (Avro IndicatorScore), keyed by indicator id; make it"
                  + " a compacted topic.");

  public static final ConfigOption<String> DECAY =
      ConfigOptions.key("feedback.decay")
          .stringType()
          .defaultValue(ConfidenceDecay.DEFAULT_SPEC)
          .withDescription(
              "Decay lifetime and speed per observable type, TYPE=lifetime/speed separated by"
                  + " commas; types left out keep their defaults.");

  public static final ConfigOption<Double> SIGHTING_STEP =
      ConfigOptions.key("feedback.sighting-step")
          .doubleType()
          .defaultValue(2.0)
          .withDescription("Points a sighting adds to its indicator's score (capped at 100).");

  public static final ConfigOption<Double> FALSE_POSITIVE_STEP =
      ConfigOptions.key("feedback.false-positive-step")
          .doubleType()
          .defaultValue(25.0)
          .withDescription("Points a member's false-positive report takes off.");

  public static final ConfigOption<Double> TRUE_POSITIVE_STEP =
      ConfigOptions.key("feedback.true-positive-step")
          .doubleType()
          .defaultValue(10.0)
          .withDescription("Points a member's true-positive report adds (capped at 100).");

  public static final ConfigOption<Double> THRESHOLD =
      ConfigOptions.key("feedback.alert-threshold")
          .doubleType()
          .defaultValue(20.0)
          .withDescription(
              "Indicators scoring below this stop alerting: their sightings are not used for"
                  + " campaign detection (metric campaignSightingsBelowThreshold).");

  public static final ConfigOption<Duration> IDLE =
      ConfigOptions.key("feedback.idle-state-retention")
          .durationType()
          .defaultValue(Duration.ofDays(90))
          .withDescription(
              "Processing time without sightings or feedback after which an indicator's score"
                  + " state is dropped; a later sighting starts again from its confidence.");

  public static final ConfigOption<Duration> UNKNOWN_INDICATOR_GRACE =
      ConfigOptions.key("feedback.unknown-indicator-grace")
          .durationType()
          .defaultValue(Duration.ofHours(1))
          .withDescription(
              "Processing time a verdict on an indicator without any sighting waits for one (the"
                  + " inputs are not ordered against each other) before it goes to dead letters"
                  + " as unknown-indicator.");

  public static final List<ConfigOption<?>> ALL =
      List.of(
          FEEDBACK_TOPICS,
          SCORES_TOPIC,
          DECAY,
          SIGHTING_STEP,
          FALSE_POSITIVE_STEP,
          TRUE_POSITIVE_STEP,
          THRESHOLD,
          IDLE,
          UNKNOWN_INDICATOR_GRACE);
}
