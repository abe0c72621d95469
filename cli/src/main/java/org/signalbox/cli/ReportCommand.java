package org.signalbox.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.signalbox.cli.report.FeedbackLines;
import org.signalbox.cli.report.SecretariatReport;
import org.signalbox.cli.report.SightingLines;
import org.signalbox.cli.report.TrendsTopic;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.jobs.trends.TrendsOptions;
import org.signalbox.schema.Feedback;
import org.signalbox.schema.TrendRecord;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Writes the secretariat's trend report for a range of UTC days: DIR/index.html (one"
          + " self-contained page with charts, readable offline) and the same figures as CSV files.",
      "",
      "From --sightings, the figures are computed with the trends pipeline in batch mode (so the"
          + " report works on `signalbox match` output); from --kafka, the daily TrendRecords of the"
          + " trends job are read from the trends topic.",
      "With --members (the member directory), the report counts and names the members that only"
          + " consume and compares each member's daily load with its capacity; with --feedback"
          + " (verdicts as JSON lines, with --sightings) it gives false-positive rates per indicator"
          + " source.",
      "Figures from fewer than --min-members distinct members are suppressed. A range without data"
          + " gives an empty report that says so."
    })
final class ReportCommand implements Callable<Integer> {

  @Option(
      names = "--from",
      required = true,
      paramLabel = "DATE",
      description = "First day (YYYY-MM-DD, UTC).")
  LocalDate from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "DATE",
      description = "Last day, included (YYYY-MM-DD, UTC).")
  LocalDate to;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Directory to write index.html and the CSV files to.")
  Path out;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  static final class Input {
    @Option(
        names = "--sightings",
        paramLabel = "FILE",
        description = "Sightings JSON lines (the output of `signalbox match`).")
    Path sightings;

    @Option(
        names = "--kafka",
        paramLabel = "BOOTSTRAP",
        description = "Kafka bootstrap servers; reads the trends topic.")
    String kafka;
  }

  @Option(
      names = "--feedback",
      paramLabel = "FILE",
      description =
          "Members' verdicts as JSON lines ({\"member\",\"indicatorId\",\"verdict\":"
              + "\"false-positive\",\"reportedAt\"}), with --sightings: false-positive rates per"
              + " indicator source. (From --kafka the trends job has read them already.)")
  Path feedback;

  @Option(
      names = "--members",
      paramLabel = "FILE",
      description =
          "Member directory (YAML, as the jobs' sharing.members): members that only consume,"
              + " load against daily capacity, members' names and sectors in the secretariat's"
              + " tables.")
  Path members;

  @Option(
      names = "--topic",
      defaultValue = "trends",
      description = "Trends topic, with --kafka (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(
      names = "--min-members",
      defaultValue = "3",
      description =
          "k: figures from fewer distinct members are suppressed; with --sightings (default: ${DEFAULT-VALUE}).")
  int minMembers;

  @picocli.CommandLine.Mixin KafkaConfigOption kafkaConfig = new KafkaConfigOption();

  @Option(
      names = "--timeout",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description = "How long to wait for Kafka, with --kafka (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Override
  public Integer call() throws Exception {
    if (to.isBefore(from)) {
      System.err.println("error: --to " + to + " is before --from " + from);
      return 2;
    }
    if (minMembers < 1) {
      System.err.println("error: --min-members must be at least 1");
      return 2;
    }
    if (feedback != null && input.sightings == null) {
      System.err.println(
          "error: --feedback goes with --sightings; from --kafka the trends job reads the"
              + " feedback topics itself");
      return 2;
    }
    MemberDirectory directory = null;
    if (members != null) {
      try {
        directory = MemberDirectory.load(members);
      } catch (IllegalArgumentException | java.io.IOException e) {
        System.err.println("error: " + e.getMessage());
        return 2;
      }
    }
    SecretariatReport.Summary summary;
    if (input.sightings != null) {
      if (!Files.isReadable(input.sightings)) {
        System.err.println(
            "error: cannot read " + input.sightings + " (check the path and permissions)");
        return 2;
      }
      SightingLines.Result read = SightingLines.read(input.sightings, System.err);
      List<Feedback> verdicts = List.of();
      if (feedback != null) {
        if (!Files.isReadable(feedback)) {
          System.err.println(
              "error: cannot read " + feedback + " (check the path and permissions)");
          return 2;
        }
        FeedbackLines.Result f = FeedbackLines.read(feedback, System.err);
        verdicts = f.feedback();
        System.err.printf("%d verdicts read; %d unreadable lines%n", verdicts.size(), f.badLines());
      }
      Configuration conf = new Configuration();
      conf.set(TrendsOptions.MIN_MEMBERS, minMembers);
      summary =
          SecretariatReport.write(
              read.sightings(), List.of(), List.of(), verdicts, directory, from, to, conf, out);
      System.err.printf(
          "%d sightings read; %d unreadable lines%n", read.sightings().size(), read.badLines());
    } else {
      org.signalbox.kafka.KafkaClientConfig client;
      try {
        client = kafkaConfig.client(input.kafka);
      } catch (IllegalArgumentException e) {
        System.err.println("error: " + e.getMessage());
        return 2;
      }
      TrendsTopic.Result read =
          TrendsTopic.read(
              client,
              topic,
              from.atStartOfDay(ZoneOffset.UTC).toInstant(),
              to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(),
              timeout,
              System.err);
      int k = read.trends().stream().mapToInt(TrendRecord::getMinMembers).max().orElse(minMembers);
      summary = SecretariatReport.render(read.trends(), directory, from, to, k, out);
      System.err.printf(
          "%d trend records read; %d undecodable%n", read.trends().size(), read.badRecords());
    }
    System.err.printf(
        "%s: %s; %d sightings in published figures, %d suppressed figures, %d CSV files%n",
        summary.index(),
        summary.empty() ? "no sightings between " + from + " and " + to : "report written",
        summary.sightings(),
        summary.suppressedFigures(),
        summary.csvFiles().size());
    return 0;
  }
}
