package org.signalbox.importers.stix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.MatchKind;
import org.signalbox.schema.ObservableType;
import org.signalbox.schema.Tlp;
import org.signalbox.stix.TlpMarkingDefinitions;

/** Generated bundles covering each mapping rule. */
class StixBundleReaderTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final StixBundleReader reader = new StixBundleReader();

  /** A small bundle builder; every object gets a fresh id unless one is given. */
  private static final class Bundle {
    final ObjectNode root = JSON.createObjectNode();
    final ArrayNode objects;

    Bundle() {
      root.put("type", "bundle");
      root.put("id", "bundle--" + UUID.randomUUID());
      objects = root.putArray("objects");
    }

    ObjectNode add(String type, String name) {
      ObjectNode o = objects.addObject();
      o.put("type", type);
      o.put("spec_version", "2.1");
      o.put("id", type + "--" + UUID.randomUUID());
      o.put("created", "2024-01-01T00:00:00.000Z");
      o.put("modified", "2024-01-02T00:00:00.000Z");
      if (name != null) {
        o.put("name", name);
      }
      return o;
    }

    ObjectNode indicator(String pattern) {
      ObjectNode o = add("indicator", "test indicator");
      o.put("pattern", pattern);
      o.put("pattern_type", "stix");
      o.put("valid_from", "2024-01-01T00:00:00Z");
      return o;
    }

    ObjectNode relate(ObjectNode source, String type, ObjectNode target) {
      ObjectNode r = add("relationship", null);
      r.put("relationship_type", type);
      r.put("source_ref", source.get("id").asText());
      r.put("target_ref", target.get("id").asText());
      return r;
    }

    String json() {
      return root.toString();
    }
  }

  private StixBundleReader.Result read(Bundle b) throws IOException {
    return reader.read(b.json());
  }

  private Indicator only(Bundle b) throws IOException {
    StixBundleReader.Result r = read(b);
    assertThat(r.rejected()).isEmpty();
    assertThat(r.indicators()).hasSize(1);
    return r.indicators().get(0);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "[ipv4-addr:value = '198.51.100.7'] | EXACT | IPV4 | 198.51.100.7",
        "[ipv4-addr:value = '198.51.100.0/24'] | CIDR | IPV4 | 198.51.100.0/24",
        "[ipv4-addr:value = '198.51.100.77/24'] | CIDR | IPV4 | 198.51.100.0/24",
        "[ipv4-addr:value ISSUBSET '203.0.113.0/25'] | CIDR | IPV4 | 203.0.113.0/25",
        "[ipv4-addr:value = '198.51.100.7/32'] | EXACT | IPV4 | 198.51.100.7",
        "[ipv6-addr:value = '2001:DB8:0:0:0:0:0:1'] | EXACT | IPV6 | 2001:db8::1",
        "[ipv6-addr:value ISSUBSET '2001:db8::/32'] | CIDR | IPV6 | 2001:db8::/32",
        "[domain-name:value = 'Evil.Example.'] | EXACT | DOMAIN | evil.example",
        "[domain-name:value LIKE '%.example.org'] | DOMAIN_SUFFIX | DOMAIN | example.org",
        "[url:value = 'HTTP://Evil.Example:80/a?b=c'] | EXACT | URL | http://evil.example/a?b=c",
        "[email-addr:value = 'Bad.Actor@Evil.Example'] | EXACT | EMAIL | bad.actor@evil.example",
        "[file:hashes.'SHA-256' = 'EF537F25C895BFA782526529A9B63D97AA631564D5D789C2B765448C8635FB6C'] | EXACT | SHA256 | ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c",
        "[file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'] | EXACT | MD5 | 79054025255fb1a26e4bc422aef54eb4",
        "[file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709'] | EXACT | SHA1 | da39a3ee5e6b4b0d3255bfef95601890afd80709",
        "[file:hashes.'SHA-512' = 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e'] | EXACT | SHA512 | cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
        "[domain-name:value LIKE '%example.org'] | PATTERN | | ",
        "[domain-name:value LIKE '%.ex_mple.org'] | PATTERN | | ",
        "[domain-name:value MATCHES '^evil[0-9]+\\\\.example$'] | PATTERN | | ",
        "[domain-name:value NOT = 'evil.example'] | PATTERN | | ",
        "[domain-name:value = 'a.example' OR domain-name:value = 'b.example'] | PATTERN | | ",
        "[ipv4-addr:value = '198.51.100.7'] FOLLOWEDBY [domain-name:value = 'evil.example'] WITHIN 60 SECONDS | PATTERN | | ",
        "[file:name = 'evil.exe'] | PATTERN | | ",
        "[file:hashes.'SSDEEP' = '3:a:b'] | PATTERN | | ",
        "[ipv4-addr:value IN ('198.51.100.7', '198.51.100.8')] | PATTERN | | ",
      })
  void patternsCompileToTheirIndexKind(
      String pattern, MatchKind kind, ObservableType type, String value) throws Exception {
    Bundle b = new Bundle();
    b.indicator(pattern);
    Indicator i = only(b);
    assertThat(i.getMatchKind()).isEqualTo(kind);
    assertThat(i.getObservableType()).isEqualTo(type);
    assertThat(i.getValue()).isEqualTo(value);
    assertThat(i.getPattern()).isEqualTo(pattern);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "[ipv4-addr:value = '198.51.100.7' | invalid pattern: column 34: expected ']'",
        "[ipv4-addr:value = '0.0.0.0/0'] | /0) would match every address",
        "[ipv4-addr:value = '198.51.100.0/33'] | invalid value in pattern",
        "[ipv4-addr:value = '300.1.1.1'] | invalid value in pattern",
        "[domain-name:value = 'not a domain'] | invalid value in pattern",
        "[file:hashes.MD5 = 'abc'] | invalid pattern: column 20: 'abc' is not a valid MD5 hash",
        "[ipv4-addr:value ISSUBSET '0.0.0.0/1'] | 0.0.0.0/1 is too broad",
        "[domain-name:value LIKE '%.com'] | *.com is too broad",
        "[domain-name:value LIKE '%.co.uk'] | co.uk is a public suffix",
        "[domain-name:value MATCHES '(a)\\\\1'] | pattern cannot be matched: column 2: MATCHES \\1",
        "[url:value MATCHES '(?<=x)y'] | pattern cannot be matched: column 2: MATCHES (?",
        "[domain-name:value MATCHES '\\\\p{L}+'] | pattern cannot be matched",
        "[url:value LIKE '%'] | matches every value",
        "[domain-name:value MATCHES '.*' AND domain-name:value = 'x.example'] | matches every value",
      })
  void invalidPatternsAndValuesAreRejectedWithTheirReason(String pattern, String reason)
      throws Exception {
    Bundle b = new Bundle();
    ObjectNode bad = b.indicator(pattern);
    b.indicator("[domain-name:value = 'still.imported.example']");
    StixBundleReader.Result r = read(b);
    assertThat(r.indicators())
        .extracting(Indicator::getValue)
        .containsExactly("still.imported.example");
    assertThat(r.rejected()).hasSize(1);
    assertThat(r.rejected().get(0).objectId()).isEqualTo(bad.get("id").asText());
    assertThat(r.rejected().get(0).reason()).contains(reason);
  }

  @Test
  void objectLevelFaultsAreRejected() throws Exception {
    Bundle b = new Bundle();
    b.indicator("[url:value = 'http://a.example/']").put("pattern_type", "sigma");
    b.indicator("[url:value = 'http://b.example/']").remove("pattern");
    b.indicator("[url:value = 'http://c.example/']").put("confidence", 150);
    b.indicator("[url:value = 'http://d.example/']").put("modified", "yesterday");
    b.indicator("[url:value = 'http://e.example/']").put("valid_until", "2023-01-01T00:00:00Z");
    StixBundleReader.Result r = read(b);
    assertThat(r.indicators()).isEmpty();
    assertThat(r.rejected())
        .extracting(StixBundleReader.Rejection::reason)
        .containsExactly(
            "pattern_type 'sigma' is not supported (only stix)",
            "indicator has no pattern",
            "confidence 150 is not an integer from 0 to 100",
            "modified 'yesterday' is not an RFC 3339 timestamp",
            "valid_until 2023-01-01T00:00:00Z is not later than valid_from 2024-01-01T00:00:00Z");
  }

  @Test
  void timesConfidenceRevocationAndLabels() throws Exception {
    Bundle b = new Bundle();
    ObjectNode o = b.indicator("[domain-name:value = 'evil.example']");
    o.put("modified", "2024-03-04T05:06:07.089Z");
    o.put("valid_from", "2024-02-01T00:00:00Z");
    o.put("valid_until", "2024-12-31T00:00:00Z");
    o.put("revoked", true);
    o.put("confidence", 85);
    o.putArray("labels").add("apt").add("rail");
    o.putArray("indicator_types").add("malicious-activity");
    Indicator i = only(b);
    assertThat(i.getVersion()).isEqualTo(Instant.parse("2024-03-04T05:06:07.089Z"));
    assertThat(i.getVersion().toEpochMilli()).isEqualTo(1709528767089L);
    assertThat(i.getValidFrom()).isEqualTo(Instant.parse("2024-02-01T00:00:00Z"));
    assertThat(i.getValidUntil()).isEqualTo(Instant.parse("2024-12-31T00:00:00Z"));
    assertThat(i.getRevoked()).isTrue();
    assertThat(i.getConfidence()).isEqualTo(85);
    assertThat(i.getLabels()).containsExactly("apt", "malicious-activity", "rail");
    assertThat(i.getName()).isEqualTo("test indicator");
  }

  @Test
  void versionFallsBackToCreatedAndTheNewestVersionWins() throws Exception {
    Bundle b = new Bundle();
    ObjectNode v1 = b.indicator("[domain-name:value = 'old.example']");
    v1.remove("modified");
    v1.remove("valid_from");
    Indicator i = only(b);
    assertThat(i.getVersion()).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
    assertThat(i.getValidFrom()).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));

    ObjectNode v2 = b.indicator("[domain-name:value = 'new.example']");
    v2.put("id", v1.get("id").asText());
    v2.put("modified", "2024-06-01T00:00:00Z");
    ObjectNode v0 = b.indicator("[domain-name:value = 'older.example']");
    v0.put("id", v1.get("id").asText());
    v0.put("modified", "2023-06-01T00:00:00Z");
    Indicator newest = only(b);
    assertThat(newest.getValue()).isEqualTo("new.example");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9, CLEAR",
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da, GREEN",
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82, AMBER",
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed, RED",
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487, CLEAR",
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb, GREEN",
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421, AMBER",
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003, AMBER_STRICT",
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1, RED",
  })
  void standardTlpMarkings(String markingId, Tlp expected) throws Exception {
    Bundle b = new Bundle();
    b.indicator("[domain-name:value = 'evil.example']")
        .putArray("object_marking_refs")
        .add(markingId);
    assertThat(only(b).getTlp()).isEqualTo(expected);
  }

  @Test
  void tlpDefaultsMostRestrictiveAndInBundleDefinitions() throws Exception {
    Bundle unmarked = new Bundle();
    unmarked.indicator("[domain-name:value = 'evil.example']");
    assertThat(only(unmarked).getTlp()).isEqualTo(org.signalbox.core.Tlps.UNMARKED);
    Indicator clearDefault =
        new StixBundleReader(Tlp.CLEAR, "feed", 50).read(unmarked.json()).indicators().get(0);
    assertThat(clearDefault.getTlp()).isEqualTo(Tlp.CLEAR);
    assertThat(clearDefault.getSource()).isEqualTo("feed");

    Bundle two = new Bundle();
    two.indicator("[domain-name:value = 'evil.example']")
        .putArray("object_marking_refs")
        .add(TlpMarkingDefinitions.TLP1_GREEN)
        .add(TlpMarkingDefinitions.TLP2_AMBER_STRICT);
    assertThat(only(two).getTlp()).isEqualTo(Tlp.AMBER_STRICT);

    Bundle custom = new Bundle();
    ObjectNode def = custom.add("marking-definition", null);
    def.put("definition_type", "tlp");
    def.putObject("definition").put("tlp", "red");
    ObjectNode ext = custom.add("marking-definition", "TLP:AMBER+STRICT");
    ext.putObject("extensions")
        .putObject("extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d")
        .put("extension_type", "property-extension")
        .put("tlp_2_0", "amber+strict");
    ObjectNode statement = custom.add("marking-definition", null);
    statement.put("definition_type", "statement");
    statement.putObject("definition").put("statement", "Copyright");
    custom
        .indicator("[domain-name:value = 'red.example']")
        .putArray("object_marking_refs")
        .add(def.get("id").asText());
    custom
        .indicator("[domain-name:value = 'strict.example']")
        .putArray("object_marking_refs")
        .add(ext.get("id").asText());
    custom
        .indicator("[domain-name:value = 'statement.example']")
        .putArray("object_marking_refs")
        .add(statement.get("id").asText());
    List<Indicator> is = reader.read(custom.json()).indicators();
    assertThat(is)
        .extracting(Indicator::getTlp)
        .containsExactly(Tlp.RED, Tlp.AMBER_STRICT, org.signalbox.core.Tlps.UNMARKED);
  }

  @Test
  void contextThroughRelationshipsAndOneHopToTheActor() throws Exception {
    Bundle b = new Bundle();
    ObjectNode identity = b.add("identity", "Rail ISAC secretariat");
    ObjectNode ind = b.indicator("[domain-name:value = 'c2.evil.example']");
    ind.put("created_by_ref", identity.get("id").asText());
    ind.putArray("kill_chain_phases")
        .addObject()
        .put("kill_chain_name", "mitre-attack")
        .put("phase_name", "command-and-control");
    ObjectNode malware = b.add("malware", "TrainWreck");
    ObjectNode intrusionSet = b.add("intrusion-set", "Signal Jammers");
    ObjectNode actor = b.add("threat-actor", "APT-Rail");
    ObjectNode campaign = b.add("campaign", "Operation Sleeper Car");
    ObjectNode technique = b.add("attack-pattern", "DNS");
    technique
        .putArray("external_references")
        .addObject()
        .put("source_name", "mitre-attack")
        .put("external_id", "T1071.004");
    ObjectNode vuln = b.add("vulnerability", "CVE-2024-0001");
    vuln.putArray("external_references")
        .addObject()
        .put("source_name", "cve")
        .put("external_id", "CVE-2024-0001");
    ObjectNode otherMalware = b.add("malware", "Unrelated loader");
    b.relate(ind, "indicates", malware);
    b.relate(malware, "attributed-to", intrusionSet);
    b.relate(intrusionSet, "attributed-to", actor); // two hops from the indicator: not followed
    b.relate(campaign, "uses", malware);
    b.relate(malware, "uses", technique);
    b.relate(malware, "targets", vuln);
    b.relate(campaign, "uses", otherMalware); // malware of a second hop is not copied
    Indicator i = only(b);
    assertThat(i.getSource()).isEqualTo("Rail ISAC secretariat");
    assertThat(i.getContext().getMalware()).containsExactly("TrainWreck");
    assertThat(i.getContext().getThreatActors()).containsExactly("Signal Jammers");
    assertThat(i.getContext().getCampaigns()).containsExactly("Operation Sleeper Car");
    assertThat(i.getContext().getAttackPatterns()).containsExactly("T1071.004");
    assertThat(i.getContext().getVulnerabilities()).containsExactly("CVE-2024-0001");
    assertThat(i.getContext().getKillChainPhases())
        .containsExactly("mitre-attack:command-and-control");
  }

  @Test
  void contextFromAMoreRestrictedObjectRaisesTheIndicatorsTlp() throws Exception {
    Bundle b = new Bundle();
    ObjectNode ind = b.indicator("[domain-name:value = 'c2.evil.example']");
    ind.putArray("object_marking_refs").add(TlpMarkingDefinitions.TLP2_GREEN);
    ObjectNode actor = b.add("threat-actor", "Named only under RED");
    actor.putArray("object_marking_refs").add(TlpMarkingDefinitions.TLP2_RED);
    b.relate(ind, "indicates", actor);
    Indicator i = only(b);
    assertThat(i.getContext().getThreatActors()).containsExactly("Named only under RED");
    assertThat(i.getTlp()).isEqualTo(Tlp.RED);
  }

  @Test
  void envelopesArraysAndSingleObjectsAreRead() throws Exception {
    Bundle b = new Bundle();
    ObjectNode ind = b.indicator("[domain-name:value = 'evil.example']");
    assertThat(reader.read("{\"objects\": [" + ind + "], \"more\": false}").indicators())
        .hasSize(1);
    assertThat(reader.read("[" + ind + "]").indicators()).hasSize(1);
    assertThat(reader.read(ind.toString()).indicators()).hasSize(1);
  }

  @Test
  void notStixAtAllIsAnIoErrorWithItsPosition() {
    assertThatThrownBy(() -> reader.read("{\"type\": \"bundle\",\n \"objects\": [ {]}"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not valid JSON")
        .hasMessageContaining("line 2");
    assertThatThrownBy(() -> reader.read("{\"hello\": 1}"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("expected a STIX bundle");
    assertThatThrownBy(() -> reader.read(""))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("empty input");
  }
}
