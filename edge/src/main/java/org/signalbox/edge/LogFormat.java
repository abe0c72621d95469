package org.signalbox.edge;

import java.util.Locale;

/** The log formats the edge reads. */
public enum LogFormat {
  ZEEK("zeek"),
  ZEEK_JSON("zeek-json"),
  SURICATA("suricata"),
  SYSLOG("syslog"),
  CEF("cef");

  private final String label;

  LogFormat(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public static LogFormat parse(String s) {
    String v = s.trim().toLowerCase(Locale.ROOT);
    for (LogFormat f : values()) {
      if (f.label.equals(v) || f.name().equalsIgnoreCase(v)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown log format '" + s + "' (zeek, zeek-json, suricata, syslog, cef)");
  }
}
