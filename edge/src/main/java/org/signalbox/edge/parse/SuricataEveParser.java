package org.signalbox.edge.parse;

import static org.signalbox.schema.ObservableRole.ANSWER;
import static org.signalbox.schema.ObservableRole.CERT_FINGERPRINT;
import static org.signalbox.schema.ObservableRole.DESTINATION;
import static org.signalbox.schema.ObservableRole.FILE_HASH;
import static org.signalbox.schema.ObservableRole.OTHER;
import static org.signalbox.schema.ObservableRole.QUERY;
import static org.signalbox.schema.ObservableRole.REFERRER;
import static org.signalbox.schema.ObservableRole.SERVER_NAME;
import static org.signalbox.schema.ObservableRole.SOURCE;
import static org.signalbox.schema.ObservableRole.USER_AGENT;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.signalbox.schema.ObservableRole;

/**
 * Suricata EVE JSON records (alert, dns, http, tls, flow, fileinfo and any other event type), one
 * object a line; {@link EveArrayReader} feeds the objects of a JSON array to {@link #parse}.
 */
public final class SuricataEveParser implements LineParser {
  private record Meaning(FieldKind kind, ObservableRole role) {}

  private static final Map<String, Meaning> FIELDS = new HashMap<>();

  static {
    m("src_ip", FieldKind.IP, SOURCE);
    m("dest_ip", FieldKind.IP, DESTINATION);
    m("dns.rrname", FieldKind.HOST, QUERY);
    m("dns.query.rrname", FieldKind.HOST, QUERY);
    m("dns.queries.rrname", FieldKind.HOST, QUERY);
    m("dns.answers.rrname", FieldKind.HOST, QUERY);
    m("dns.answers.rdata", FieldKind.DNS_ANSWER, ANSWER);
    m("dns.rdata", FieldKind.DNS_ANSWER, ANSWER);
    for (String t : List.of("A", "AAAA", "CNAME", "MX", "NS", "PTR")) {
      m("dns.grouped." + t, FieldKind.DNS_ANSWER, ANSWER);
    }
    m("http.hostname", FieldKind.HOST, SERVER_NAME);
    m("http.http_user_agent", FieldKind.USER_AGENT, USER_AGENT);
    m("http.http_refer", FieldKind.URL, REFERRER);
    m("http.url", FieldKind.URL_PATH, null);
    m("tls.sni", FieldKind.HOST, SERVER_NAME);
    m("tls.fingerprint", FieldKind.CERT_FINGERPRINT, CERT_FINGERPRINT);
    m("tls.ja3.hash", FieldKind.JA3, OTHER);
    m("tls.ja3s.hash", FieldKind.JA3, OTHER);
    m("tls.ja3.string", FieldKind.TOKEN, null);
    m("tls.ja3s.string", FieldKind.TOKEN, null);
    m("fileinfo.md5", FieldKind.HASH, FILE_HASH);
    m("fileinfo.sha1", FieldKind.HASH, FILE_HASH);
    m("fileinfo.sha256", FieldKind.HASH, FILE_HASH);
    m("fileinfo.filename", FieldKind.FILE_NAME, null);
    m("smtp.mail_from", FieldKind.EMAIL, ObservableRole.SENDER);
    m("smtp.rcpt_to", FieldKind.EMAIL, ObservableRole.RECIPIENT);
    m("smtp.helo", FieldKind.HOST, OTHER);
    m("email.from", FieldKind.EMAIL, ObservableRole.SENDER);
    m("email.to", FieldKind.EMAIL, ObservableRole.RECIPIENT);
    m("email.cc", FieldKind.EMAIL, ObservableRole.RECIPIENT);
    m("ssh.client.software_version", FieldKind.TOKEN, null);
    m("ssh.server.software_version", FieldKind.TOKEN, null);
    m("host", FieldKind.INTERNAL_HOST, null);
    m("in_iface", FieldKind.TOKEN, null);
    m("community_id", FieldKind.IDENTIFIER, null);
    // Packet bytes and payloads carry whatever the traffic carried.
    for (String s :
        List.of(
            "payload",
            "payload_printable",
            "packet",
            "http.http_request_body",
            "http.http_response_body",
            "http.http_request_body_printable",
            "http.http_response_body_printable",
            "ftp.command_data",
            "smb.ntlmssp.user")) {
      m(s, FieldKind.SECRET, null);
    }
    m("ether.src_mac", FieldKind.IDENTIFIER, null);
    m("ether.dest_mac", FieldKind.IDENTIFIER, null);
    m("krb5.cname", FieldKind.USER, null);
    m("ftp.user", FieldKind.USER, null);
    m("smb.ntlmssp.domain", FieldKind.INTERNAL_HOST, null);
    m("smb.ntlmssp.host", FieldKind.INTERNAL_HOST, null);
  }

  private static void m(String name, FieldKind kind, ObservableRole role) {
    FIELDS.put(name, new Meaning(kind, role));
  }

  private final String origin;

  public SuricataEveParser(String origin) {
    this.origin = origin;
  }

  @Override
  public List<ParsedRecord> parseLine(String line, long lineNumber)
      throws MalformedRecordException {
    if (line.isBlank()) {
      return List.of();
    }
    return List.of(parse(JsonRecords.readObject(line), lineNumber, line));
  }

  /** Parses one EVE object that began on {@code lineNumber}. */
  public ParsedRecord parse(JsonNode node, long lineNumber, String identity)
      throws MalformedRecordException {
    JsonNode ts = node.get("timestamp");
    if (ts == null || !ts.isTextual()) {
      throw new MalformedRecordException("EVE record without a 'timestamp' string");
    }
    JsonNode type = node.get("event_type");
    if (type == null || !type.isTextual() || type.asText().isEmpty()) {
      throw new MalformedRecordException("EVE record without an 'event_type'");
    }
    long time = Timestamps.parseIso(ts.asText());
    String eventType = type.asText();
    Map<String, List<String>> flat = JsonRecords.flatten(node);
    List<ParsedField> out = new ArrayList<>(flat.size() + 1);
    for (Map.Entry<String, List<String>> e : flat.entrySet()) {
      String name = e.getKey();
      if (name.equals("timestamp") || name.equals("event_type")) {
        continue;
      }
      Meaning m = FIELDS.get(name);
      FieldKind kind;
      ObservableRole role = null;
      if (m != null) {
        kind = m.kind();
        role = m.role();
      } else {
        JsonNode leaf = node.at("/" + name.replace(".", "/"));
        kind = leaf.isNumber() || leaf.isBoolean() ? FieldKind.TOKEN : FieldKind.TEXT;
      }
      out.add(new ParsedField(name, kind, role, e.getValue()));
    }
    List<String> host = flat.get("http.hostname");
    List<String> url = flat.get("http.url");
    if (host != null && url != null) {
      String u = url.get(0);
      out.add(
          ParsedField.of(
              "http.full_url",
              FieldKind.URL,
              ObservableRole.URL,
              u.contains("://") ? u : "http://" + host.get(0) + u));
    }
    return new ParsedRecord(
        "suricata-eve", "suricata." + eventType, time, false, origin, lineNumber, identity, out);
  }
}
