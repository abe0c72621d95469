package org.signalbox.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the report in Debian's headless Chromium: the page loads without console messages, its
 * charts are in the rendered DOM, and a screenshot is kept in target/report-screenshot.png. Skipped
 * when /usr/bin/chromium is not installed (CI installs the {@code chromium} package).
 */
class ReportBrowserITCase {
  static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  static final Path TARGET = Paths.get("target");

  @TempDir Path profile;

  @BeforeAll
  static void needsChromium() {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM),
        "skipped: /usr/bin/chromium is not installed (apt-get install chromium) - the report is"
            + " still tested without a browser by SecretariatReportITCase");
  }

  /** What Chromium printed: the DOM after loading and its log, and the exit code. */
  record Run(String dom, String log, int exit) {
    List<String> consoleMessages() {
      List<String> out = new ArrayList<>();
      for (String line : log.split("\n")) {
        if (line.contains(":CONSOLE") || line.contains("Uncaught")) {
          out.add(line);
        }
      }
      return out;
    }
  }

  Run chromium(Path page, String... extra) throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--user-data-dir=" + Files.createTempDirectory(profile, "chromium"),
                "--enable-logging=stderr",
                "--v=0"));
    cmd.addAll(List.of(extra));
    cmd.add(page.toUri().toString());
    Path out = Files.createTempFile(profile, "out", ".txt");
    Path err = Files.createTempFile(profile, "err", ".txt");
    Process p =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish within 120 s: " + cmd);
    }
    return new Run(
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8),
        p.exitValue());
  }

  static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @Test
  void theReportLoadsWithoutConsoleErrorsAndItsChartsRender() throws Exception {
    Path dir = TARGET.resolve("report-browser").toAbsolutePath();
    SecretariatReportITCase.writeWithFeedbackAndDirectory(
        ReportData.november(), LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-30"), dir);
    Path index = dir.resolve("index.html");

    Run dom = chromium(index, "--dump-dom");
    assertThat(dom.exit()).as(dom.log()).isZero();
    assertThat(dom.consoleMessages()).as("console messages of the report").isEmpty();
    // The DOM as the browser built it: every chart is an SVG element with its bars inside.
    for (String chart :
        List.of(
            "sightings-by-sector",
            "top-actors",
            "top-techniques",
            "time-to-first-sighting",
            "participation",
            "false-positive-rates",
            "members-over-capacity",
            "capacity-peaks")) {
      Matcher m =
          Pattern.compile("<svg id=\"" + chart + "\"[^>]*>(.*?)</svg>", Pattern.DOTALL)
              .matcher(dom.dom());
      assertThat(m.find()).as("chart %s in the rendered DOM", chart).isTrue();
      assertThat(count(m.group(1), "<rect class=\"bar[ \"]")).as("bars of %s", chart).isPositive();
      assertThat(m.group(1)).as("axis of %s", chart).contains("class=\"axis");
    }
    assertThat(dom.dom())
        .contains(
            "sightings per day",
            "hours",
            "Top threat actors",
            "False positives per indicator source",
            "Load against daily capacity");

    Path shot = TARGET.resolve("report-screenshot.png").toAbsolutePath();
    Files.deleteIfExists(shot);
    Run screenshot = chromium(index, "--screenshot=" + shot, "--window-size=1000,2000");
    assertThat(screenshot.exit()).as(screenshot.log()).isZero();
    assertThat(screenshot.consoleMessages()).isEmpty();
    byte[] png = Files.readAllBytes(shot);
    assertThat(png.length).isGreaterThan(20_000); // a blank page compresses to a few kB
    assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
  }

  @Test
  void anEmptyReportLoadsToo() throws Exception {
    Path dir = TARGET.resolve("report-browser-empty").toAbsolutePath();
    SecretariatReport.write(
        List.of(), LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-30"), dir);
    Run dom = chromium(dir.resolve("index.html"), "--dump-dom");
    assertThat(dom.exit()).isZero();
    assertThat(dom.consoleMessages()).isEmpty();
    assertThat(dom.dom()).contains("No sightings between 2026-11-01 and 2026-11-30.");
  }

  @Test
  void theConsoleCheckCatchesAnError() throws Exception {
    // Proves the check above can fail: a page with a script error is caught.
    Path bad = profile.resolve("bad.html");
    Files.writeString(bad, "<html><body><script>notDefined();</script></body></html>");
    assertThat(chromium(bad, "--dump-dom").consoleMessages())
        .anySatisfy(line -> assertThat(line).contains("notDefined"));
  }
}
