package org.signalbox.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.signalbox.schema.Feedback;
import org.signalbox.schema.FeedbackVerdict;

/**
 * Members' verdicts as JSON lines, for people and scripts (Kafka carries them as Avro on {@code
 * feedback.<member>}):
 *
 * <pre>
 * {"member":"rail-operator-a","indicatorId":"indicator--…","verdict":"false-positive",
 *  "reportedAt":"2026-11-23T10:00:00Z","comment":"our CDN"}
 * </pre>
 */
public final class FeedbackJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private FeedbackJson() {}

  public static String write(Feedback f) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("member", f.getMember());
    o.put("indicatorId", f.getIndicatorId());
    o.put("verdict", f.getVerdict().name().toLowerCase().replace('_', '-'));
    o.put("reportedAt", f.getReportedAt().toString());
    if (f.getComment() != null) {
      o.put("comment", f.getComment());
    }
    return o.toString();
  }

  /**
   * Reads a line written by {@link #write}; {@code verdict} accepts {@code false-positive}, {@code
   * FALSE_POSITIVE} and the like, {@code reportedAt} an ISO-8601 time with offset or epoch
   * milliseconds.
   *
   * @throws JsonLineException naming the line and the faulty field
   */
  public static Feedback parse(String source, long lineNo, String line) throws JsonLineException {
    JsonNode o = JsonFields.object(MAPPER, source, lineNo, line);
    try {
      String member = JsonFields.text(o, "member", true);
      String indicator = JsonFields.text(o, "indicatorId", true);
      if (member.isBlank()) {
        throw new IllegalArgumentException("field 'member' is empty");
      }
      if (indicator.isBlank()) {
        throw new IllegalArgumentException("field 'indicatorId' is empty");
      }
      return Feedback.newBuilder()
          .setMember(member)
          .setIndicatorId(indicator)
          .setVerdict(
              JsonFields.enumValue(
                  FeedbackVerdict.class, JsonFields.text(o, "verdict", true), "verdict"))
          .setReportedAt(JsonFields.time(o, "reportedAt", true))
          .setComment(JsonFields.text(o, "comment", false))
          .build();
    } catch (IllegalArgumentException e) {
      throw new JsonLineException(source, lineNo, e.getMessage());
    }
  }
}
