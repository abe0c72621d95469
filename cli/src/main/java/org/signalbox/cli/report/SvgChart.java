package org.signalbox.cli.report;

import java.util.List;
import java.util.Locale;

/**
 * Bar charts as inline SVG, drawn in Java so the report needs no script, no library and no network.
 * Every chart has a title, labelled axes with units, gridlines on round numbers and a tooltip
 * ({@code <title>}) on each bar with its exact value.
 */
final class SvgChart {
  private SvgChart() {}

  /** One coloured series of a stacked or grouped chart; NaN means no value (suppressed or none). */
  record Series(String name, String color, double[] values) {}

  /** One bar of a horizontal chart. */
  record Bar(String label, double value) {}

  static final int WIDTH = 860;

  /**
   * Vertical stacked bars, one per category. {@code totals}, when given, is the published total of
   * each category: the part of it that the series do not account for (suppressed series) is drawn
   * as a hatched grey segment, so the bar's height is always the true total.
   */
  static String stacked(
      String id,
      String title,
      List<String> categories,
      List<Series> series,
      double[] totals,
      String remainderName,
      String xLabel,
      String yLabel) {
    int n = categories.size();
    double max = 0;
    for (int i = 0; i < n; i++) {
      double sum = 0;
      for (Series s : series) {
        sum += value(s.values()[i]);
      }
      if (totals != null && !Double.isNaN(totals[i])) {
        sum = Math.max(sum, totals[i]);
      }
      max = Math.max(max, sum);
    }
    Frame f = new Frame(WIDTH, 360, 70, 20, 40, 70, max);
    StringBuilder b = f.open(id, title, xLabel, yLabel);
    b.append(
        "<defs><pattern id=\"hatch-"
            + id
            + "\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\""
            + " patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#e0e0e0\"/>"
            + "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#9e9e9e\" stroke-width=\"2\"/>"
            + "</pattern></defs>");
    double slot = f.plotWidth() / Math.max(1, n);
    // At least 3 px (or the whole slot when slots are narrower), so a lone bar is never a hairline.
    double barWidth = Math.min(slot, Math.max(3, slot * 0.7));
    for (int i = 0; i < n; i++) {
      double x = f.left + i * slot + (slot - barWidth) / 2;
      double base = 0;
      for (Series s : series) {
        double v = value(s.values()[i]);
        if (v > 0) {
          b.append(
              f.vbar(
                  "bar",
                  x,
                  barWidth,
                  base,
                  v,
                  s.color(),
                  categories.get(i) + ", " + s.name() + ": " + fmt(v)));
          base += v;
        }
      }
      if (totals != null && !Double.isNaN(totals[i]) && totals[i] > base) {
        double rest = totals[i] - base;
        b.append(
            f.vbar(
                "bar suppressed",
                x,
                barWidth,
                base,
                rest,
                "url(#hatch-" + id + ")",
                categories.get(i) + ", " + remainderName + ": " + fmt(rest)));
      }
      b.append(f.xTick(x + barWidth / 2, categories.get(i), i, n));
    }
    b.append(f.close());
    StringBuilder legend = new StringBuilder("<div class=\"legend\">");
    for (Series s : series) {
      legend.append(swatch(s.color(), s.name()));
    }
    if (totals != null) {
      legend.append(
          swatch("repeating-linear-gradient(45deg,#9e9e9e 0 2px,#e0e0e0 2px 6px)", remainderName));
    }
    return b.append(legend).append("</div>").toString();
  }

  /** Vertical grouped bars: series side by side within each category. */
  static String grouped(
      String id,
      String title,
      List<String> categories,
      List<Series> series,
      String xLabel,
      String yLabel) {
    int n = categories.size();
    double max = 0;
    double min = 0;
    for (Series s : series) {
      for (double v : s.values()) {
        max = Math.max(max, value(v));
        min = Math.min(min, value(v));
      }
    }
    // Negative values (a first sighting before publication) hang below the zero line.
    Frame f = new Frame(WIDTH, 320, 70, 20, 40, 70, min, max);
    StringBuilder b = f.open(id, title, xLabel, yLabel);
    double slot = f.plotWidth() / Math.max(1, n);
    double groupWidth = Math.max(1, slot * 0.8);
    double barWidth = groupWidth / Math.max(1, series.size());
    for (int i = 0; i < n; i++) {
      double x0 = f.left + i * slot + (slot - groupWidth) / 2;
      for (int k = 0; k < series.size(); k++) {
        Series s = series.get(k);
        double v = s.values()[i];
        if (!Double.isNaN(v) && v != 0) {
          b.append(
              f.vbar(
                  "bar",
                  x0 + k * barWidth,
                  barWidth,
                  0,
                  v,
                  s.color(),
                  categories.get(i) + ", " + s.name() + ": " + fmt(v)));
        }
      }
      b.append(f.xTick(x0 + groupWidth / 2, categories.get(i), i, n));
    }
    b.append(f.close());
    StringBuilder legend = new StringBuilder("<div class=\"legend\">");
    for (Series s : series) {
      legend.append(swatch(s.color(), s.name()));
    }
    return b.append(legend).append("</div>").toString();
  }

  /** Horizontal bars, largest first (the caller sorts), labelled with name and value. */
  static String horizontal(String id, String title, List<Bar> bars, String color, String xLabel) {
    double max = 0;
    for (Bar bar : bars) {
      max = Math.max(max, bar.value());
    }
    int rowHeight = 24;
    int height = 70 + Math.max(1, bars.size()) * rowHeight + 50;
    Frame f = new Frame(WIDTH, height, 230, 60, 40, 50, max);
    StringBuilder b = new StringBuilder();
    b.append(f.svgOpen(id, title));
    double scale = max <= 0 ? 0 : f.plotWidth() / f.niceMax;
    // vertical gridlines and x axis ticks
    for (double t = 0; t <= f.niceMax + 1e-9; t += f.step) {
      double x = f.left + t * scale;
      b.append(
          String.format(
              Locale.ROOT,
              "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e6e6e6\"/>",
              x,
              f.top,
              x,
              height - f.bottom));
      b.append(
          String.format(
              Locale.ROOT,
              "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\">%s</text>",
              x,
              height - f.bottom + 15,
              fmt(t)));
    }
    for (int i = 0; i < bars.size(); i++) {
      Bar bar = bars.get(i);
      double y = f.top + i * rowHeight + 3;
      double w = Math.max(1, bar.value() * scale);
      b.append(
          String.format(
              Locale.ROOT,
              "<text class=\"label\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"12\">%s</text>",
              f.left - 8,
              y + 14,
              Markup.html(truncate(bar.label(), 34))));
      b.append(
          String.format(
              Locale.ROOT,
              "<rect class=\"bar\" x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s</title></rect>",
              f.left,
              y,
              w,
              rowHeight - 6,
              color,
              Markup.html(bar.label() + ": " + fmt(bar.value()))));
      b.append(
          String.format(
              Locale.ROOT,
              "<text class=\"value\" x=\"%.1f\" y=\"%.1f\" font-size=\"11\">%s</text>",
              f.left + w + 4,
              y + 14,
              fmt(bar.value())));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>",
            f.left,
            f.top,
            f.left,
            height - f.bottom));
    b.append(
        String.format(
            Locale.ROOT,
            "<text class=\"axis-label\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\">%s</text>",
            f.left + f.plotWidth() / 2,
            height - 8,
            Markup.html(xLabel)));
    return b.append("</svg>").toString();
  }

  private static String swatch(String color, String name) {
    return "<span class=\"key\"><span class=\"swatch\" style=\"background:"
        + color
        + "\"></span>"
        + Markup.html(name)
        + "</span>";
  }

  private static double value(double v) {
    return Double.isNaN(v) ? 0 : v;
  }

  static String fmt(double v) {
    if (Math.abs(v - Math.rint(v)) < 1e-9) {
      return String.format(Locale.ROOT, "%,d", (long) Math.rint(v));
    }
    return String.format(Locale.ROOT, "%,.1f", v);
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "\u2026";
  }

  /** Plot area with a y scale that ends on a round number. */
  static final class Frame {
    final int width;
    final int height;
    final int left;
    final int right;
    final int top;
    final int bottom;
    final double step;
    final double niceMax;

    /** 0, or a round negative number when some values are below zero. */
    final double niceMin;

    Frame(int width, int height, int left, int right, int top, int bottom, double max) {
      this(width, height, left, right, top, bottom, 0, max);
    }

    Frame(int width, int height, int left, int right, int top, int bottom, double min, double max) {
      this.width = width;
      this.height = height;
      this.left = left;
      this.right = right;
      this.top = top;
      this.bottom = bottom;
      double lo = Math.min(0, min);
      double span = Math.max(0, max) - lo;
      this.step = niceStep(span <= 0 ? 1 : span / 5);
      this.niceMin = lo < 0 ? Math.floor(lo / step) * step : 0;
      this.niceMax =
          lo < 0 && max <= 0 ? 0 : Math.max(step, Math.ceil((max <= 0 ? 1 : max) / step) * step);
    }

    double plotWidth() {
      return width - left - right;
    }

    double plotHeight() {
      return height - top - bottom;
    }

    double y(double v) {
      return top + plotHeight() - (v - niceMin) / (niceMax - niceMin) * plotHeight();
    }

    String svgOpen(String id, String title) {
      return String.format(
          Locale.ROOT,
          "<svg id=\"%s\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\""
              + " width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\" font-family=\"sans-serif\">"
              + "<text class=\"chart-title\" x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s</text>",
          id,
          width,
          height,
          width,
          height,
          Markup.html(title),
          left,
          Markup.html(title));
    }

    StringBuilder open(String id, String title, String xLabel, String yLabel) {
      StringBuilder b = new StringBuilder(svgOpen(id, title));
      for (double t = niceMin; t <= niceMax + 1e-9; t += step) {
        double y = y(t);
        b.append(
            String.format(
                Locale.ROOT,
                "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e6e6e6\"/>",
                left,
                y,
                width - right,
                y));
        b.append(
            String.format(
                Locale.ROOT,
                "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\">%s</text>",
                left - 6,
                y + 4,
                fmt(t)));
      }
      b.append(
          String.format(
              Locale.ROOT,
              "<text class=\"axis-label\" transform=\"translate(16,%.1f) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">%s</text>",
              top + plotHeight() / 2,
              Markup.html(yLabel)));
      b.append(
          String.format(
              Locale.ROOT,
              "<text class=\"axis-label\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\">%s</text>",
              left + plotWidth() / 2,
              height - 8,
              Markup.html(xLabel)));
      return b;
    }

    String vbar(String cls, double x, double w, double base, double v, String fill, String tip) {
      double y1 = Math.min(y(base + v), y(base));
      double h = Math.abs(y(base) - y(base + v));
      return String.format(
          Locale.ROOT,
          "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s</title></rect>",
          cls,
          x,
          y1,
          w,
          // A bar of one sighting beside one of ten thousand still shows.
          Math.max(1.5, h),
          fill,
          Markup.html(tip));
    }

    /** Category labels, thinned out so at most about 16 are written under the axis. */
    String xTick(double x, String label, int i, int n) {
      int every = Math.max(1, (int) Math.ceil(n / 16.0));
      if (i % every != 0) {
        return "";
      }
      if (n <= 8) {
        return String.format(
            Locale.ROOT,
            "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\">%s</text>",
            x,
            top + plotHeight() + 16,
            Markup.html(label));
      }
      return String.format(
          Locale.ROOT,
          "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\""
              + " transform=\"rotate(-40 %.1f %.1f)\">%s</text>",
          x,
          top + plotHeight() + 14,
          x,
          top + plotHeight() + 14,
          Markup.html(label));
    }

    /** The x axis runs along zero, so bars below it read as negative. */
    String close() {
      return String.format(
          Locale.ROOT,
          "<line class=\"axis\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#333\"/>"
              + "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.1f\" stroke=\"#333\"/></svg>",
          left,
          y(0),
          width - right,
          y(0),
          left,
          top,
          left,
          top + plotHeight());
    }

    static double niceStep(double raw) {
      double mag = Math.pow(10, Math.floor(Math.log10(raw)));
      double r = raw / mag;
      double nice = r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10;
      return Math.max(1, nice * mag);
    }
  }
}
