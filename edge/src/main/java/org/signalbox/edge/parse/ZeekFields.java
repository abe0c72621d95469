package org.signalbox.edge.parse;

import static org.signalbox.schema.ObservableRole.ANSWER;
import static org.signalbox.schema.ObservableRole.CERT_FINGERPRINT;
import static org.signalbox.schema.ObservableRole.DESTINATION;
import static org.signalbox.schema.ObservableRole.FILE_HASH;
import static org.signalbox.schema.ObservableRole.OTHER;
import static org.signalbox.schema.ObservableRole.QUERY;
import static org.signalbox.schema.ObservableRole.RECIPIENT;
import static org.signalbox.schema.ObservableRole.REFERRER;
import static org.signalbox.schema.ObservableRole.SENDER;
import static org.signalbox.schema.ObservableRole.SERVER_NAME;
import static org.signalbox.schema.ObservableRole.SOURCE;
import static org.signalbox.schema.ObservableRole.USER_AGENT;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.signalbox.schema.ObservableRole;

/**
 * What Zeek's field names mean, shared by the TSV and JSON readers. Lookups try {@code
 * <path>:<field>} first, then the bare field name, then fall back on the Zeek type, so a log path
 * this table has never heard of still parses, with every string treated as free text.
 */
final class ZeekFields {
  record Meaning(FieldKind kind, ObservableRole role) {}

  /** Log paths whose fields this table names; others are parsed by type alone. */
  static final Set<String> KNOWN_PATHS =
      Set.of(
          "conn",
          "dns",
          "http",
          "ssl",
          "x509",
          "files",
          "smtp",
          "notice",
          "ssh",
          "modbus",
          "syslog",
          "dhcp",
          "ftp",
          "kerberos",
          "ntlm",
          "rdp",
          "sip",
          "snmp",
          "software",
          "weird",
          "tunnel",
          "dce_rpc",
          "smb_files",
          "smb_mapping",
          "dnp3",
          "pe",
          "radius",
          "irc",
          "mysql",
          "socks",
          "intel",
          "known_hosts",
          "known_services",
          "known_certs",
          "ocsp",
          "ntp");

  private static final Map<String, Meaning> BY_NAME = new HashMap<>();

  static {
    m("id.orig_h", FieldKind.IP, SOURCE);
    m("id.resp_h", FieldKind.IP, DESTINATION);
    m("notice:src", FieldKind.IP, SOURCE);
    m("notice:dst", FieldKind.IP, DESTINATION);
    m("x_originating_ip", FieldKind.IP, SOURCE);
    m("tx_hosts", FieldKind.IP, SOURCE);
    m("rx_hosts", FieldKind.IP, DESTINATION);
    m("smtp:path", FieldKind.IP, OTHER);
    m("san.ip", FieldKind.IP, OTHER);
    m("dns:query", FieldKind.HOST, QUERY);
    m("dns:answers", FieldKind.DNS_ANSWER, ANSWER);
    m("server_name", FieldKind.HOST, SERVER_NAME);
    m("http:host", FieldKind.HOST, SERVER_NAME);
    m("http:referrer", FieldKind.URL, REFERRER);
    m("user_agent", FieldKind.USER_AGENT, USER_AGENT);
    m("cert_chain_fps", FieldKind.CERT_FINGERPRINT, CERT_FINGERPRINT);
    m("client_cert_chain_fps", FieldKind.CERT_FINGERPRINT, CERT_FINGERPRINT);
    m("x509:fingerprint", FieldKind.CERT_FINGERPRINT, CERT_FINGERPRINT);
    m("md5", FieldKind.HASH, FILE_HASH);
    m("sha1", FieldKind.HASH, FILE_HASH);
    m("sha256", FieldKind.HASH, FILE_HASH);
    m("ja3", FieldKind.JA3, OTHER);
    m("ja3s", FieldKind.JA3, OTHER);
    m("smtp:mailfrom", FieldKind.EMAIL, SENDER);
    m("smtp:from", FieldKind.EMAIL, SENDER);
    m("smtp:reply_to", FieldKind.EMAIL, SENDER);
    m("smtp:rcptto", FieldKind.EMAIL, RECIPIENT);
    m("smtp:to", FieldKind.EMAIL, RECIPIENT);
    m("smtp:cc", FieldKind.EMAIL, RECIPIENT);
    m("smtp:helo", FieldKind.HOST, OTHER);
    m("smtp:msg_id", FieldKind.IDENTIFIER, null);
    m("smtp:in_reply_to", FieldKind.IDENTIFIER, null);
    m("notice:email_dest", FieldKind.EMAIL, RECIPIENT);
    m("san.dns", FieldKind.HOST, OTHER);
    m("san.email", FieldKind.EMAIL, OTHER);
    m("san.uri", FieldKind.URL, OTHER);
    m("dhcp:host_name", FieldKind.INTERNAL_HOST, null);
    m("dhcp:client_fqdn", FieldKind.INTERNAL_HOST, null);
    m("dhcp:mac", FieldKind.IDENTIFIER, null);
    m("user", FieldKind.USER, null);
    m("username", FieldKind.USER, null);
    m("kerberos:client", FieldKind.USER, null);
    m("ntlm:domainname", FieldKind.INTERNAL_HOST, null);
    m("ntlm:hostname", FieldKind.INTERNAL_HOST, null);
    m("rdp:cookie", FieldKind.USER, null);
    m("password", FieldKind.SECRET, null);
    m("filename", FieldKind.FILE_NAME, null);
    m("http:uri", FieldKind.URL_PATH, null);
  }

  private ZeekFields() {}

  private static void m(String key, FieldKind kind, ObservableRole role) {
    BY_NAME.put(key, new Meaning(kind, role));
  }

  /**
   * @param zeekType the {@code #types} entry, or null when unknown (JSON logs)
   */
  static Meaning meaning(String path, String field, String zeekType) {
    Meaning m = BY_NAME.get(path + ":" + field);
    if (m == null) {
      m = BY_NAME.get(field);
    }
    if (m != null) {
      return m;
    }
    if (zeekType == null) {
      return null;
    }
    String base = elementType(zeekType);
    return switch (base) {
      case "addr" -> new Meaning(FieldKind.IP, OTHER);
      case "string", "subnet", "pattern", "file", "opaque", "func", "any" ->
          new Meaning(FieldKind.TEXT, null);
      default -> new Meaning(FieldKind.TOKEN, null);
    };
  }

  static boolean isContainer(String zeekType) {
    return zeekType != null
        && (zeekType.startsWith("set[")
            || zeekType.startsWith("vector[")
            || zeekType.startsWith("table["));
  }

  static String elementType(String zeekType) {
    if (isContainer(zeekType) && zeekType.endsWith("]")) {
      return zeekType.substring(zeekType.indexOf('[') + 1, zeekType.length() - 1);
    }
    return zeekType;
  }

  /** Adds what Zeek splits over several fields, e.g. an HTTP URL from host and URI. */
  static void addDerived(String path, Map<String, List<String>> raw, List<ParsedField> out) {
    if (path.equals("http")) {
      List<String> host = raw.get("host");
      List<String> uri = raw.get("uri");
      if (host != null && uri != null && !host.isEmpty() && !uri.isEmpty()) {
        out.add(
            ParsedField.of(
                "http.url",
                FieldKind.URL,
                ObservableRole.URL,
                "http://" + host.get(0) + uri.get(0)));
      }
    }
  }

  static List<String> list(String v) {
    List<String> l = new ArrayList<>(1);
    l.add(v);
    return l;
  }
}
