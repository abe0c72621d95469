package org.signalbox.cli.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.signalbox.json.FeedbackJson;
import org.signalbox.schema.Feedback;

/** Members' verdicts as JSON lines ({@link FeedbackJson}); bad lines are reported, not fatal. */
public final class FeedbackLines {
  private FeedbackLines() {}

  public record Result(List<Feedback> feedback, int badLines) {}

  public static Result read(Path file, PrintStream errors) throws IOException {
    JsonLinesFile.Lines<Feedback> lines = JsonLinesFile.read(file, FeedbackJson::parse, errors);
    return new Result(lines.records(), lines.badLines());
  }
}
