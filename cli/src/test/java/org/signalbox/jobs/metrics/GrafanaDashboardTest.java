package org.signalbox.jobs.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.signalbox.gateway.GatewayMetrics;

/**
 * The shipped Grafana dashboard is a loadable dashboard and every series it queries is one the
 * correlate job (through Flink's Prometheus reporter) or the gateway exports.
 */
class GrafanaDashboardTest {

  static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "signalbox-dashboard.json");
  static final Pattern SERIES = Pattern.compile("\\b(flink_[A-Za-z0-9_]+|signalbox_[A-Za-z0-9_]+)");

  @Test
  void isAValidDashboardReferringOnlyToExportedMetrics() throws Exception {
    JsonNode d = new ObjectMapper().readTree(Files.readString(DASHBOARD));
    assertThat(d.path("title").asText()).isNotBlank();
    assertThat(d.path("schemaVersion").asInt()).isPositive();
    assertThat(d.path("panels").isArray()).isTrue();
    assertThat(d.path("panels").size()).isGreaterThanOrEqualTo(6);

    Set<String> exported = new HashSet<>(GatewayMetrics.EXPORTED);
    CorrelateMetrics.ALL.forEach(m -> exported.add(CorrelateMetrics.prometheusName(m)));
    exported.addAll(CorrelateMetrics.labelledSeries());
    CampaignMetrics.ALL.forEach(m -> exported.add(CorrelateMetrics.prometheusName(m)));

    Set<Integer> ids = new HashSet<>();
    Set<String> used = new HashSet<>();
    for (JsonNode p : d.get("panels")) {
      assertThat(ids.add(p.path("id").asInt())).as("unique panel id").isTrue();
      assertThat(p.path("type").asText()).isIn("timeseries", "stat", "gauge", "table");
      assertThat(p.path("title").asText()).isNotBlank();
      for (String f : new String[] {"h", "w", "x", "y"}) {
        assertThat(p.path("gridPos").path(f).isInt())
            .as("gridPos.%s of %s", f, p.get("title"))
            .isTrue();
      }
      assertThat(p.path("targets").size()).as("targets of %s", p.get("title")).isPositive();
      for (JsonNode t : p.get("targets")) {
        String expr = t.path("expr").asText();
        Matcher m = SERIES.matcher(expr);
        int found = 0;
        while (m.find()) {
          found++;
          used.add(m.group(1));
          assertThat(exported).as("series in '%s'", expr).contains(m.group(1));
        }
        assertThat(found).as("'%s' queries a Signalbox series", expr).isPositive();
      }
    }
    // Every job counter and every gateway metric family has a panel.
    for (String m : CorrelateMetrics.ALL) {
      assertThat(used).contains(CorrelateMetrics.prometheusName(m));
    }
    // Match latency (quantiles and count), dead letters by reason, sightings per warninglist, and
    // every campaign-detection and digest metric.
    assertThat(used).containsAll(CorrelateMetrics.labelledSeries());
    for (String m : CampaignMetrics.ALL) {
      assertThat(used).contains(CorrelateMetrics.prometheusName(m));
    }
  }

  /** The labels the new panels group by are the ones the jobs register. */
  @Test
  void labelledPanelsUseTheRegisteredLabels() throws Exception {
    String text = Files.readString(DASHBOARD);
    assertThat(text)
        .contains("by (job_name, " + CorrelateMetrics.REASON + ")")
        .contains("by (" + CorrelateMetrics.WARNINGLIST + ")")
        .contains(CorrelateMetrics.MATCH_LATENCY + "{quantile=\\\"0.95\\\"}");
    assertThat(
            CorrelateMetrics.prometheusName(CorrelateMetrics.REASON, CorrelateMetrics.DEAD_LETTERS))
        .isEqualTo("flink_taskmanager_job_task_operator_signalbox_reason_deadLetters");
  }

  @Test
  void reporterNamesFollowFlinksScopeFormat() {
    assertThat(CorrelateMetrics.prometheusName(CorrelateMetrics.SIGHTINGS_OUT))
        .isEqualTo("flink_taskmanager_job_task_operator_signalbox_sightingsOut");
  }
}
