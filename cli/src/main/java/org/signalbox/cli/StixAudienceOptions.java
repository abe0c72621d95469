package org.signalbox.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;
import org.signalbox.core.AudiencePseudonyms;
import org.signalbox.gateway.GatewayConfig;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.stix.export.StixObjects;
import picocli.CommandLine.Option;

/**
 * Whom a STIX sighting export is for, so that it names members exactly as the gateway's collection
 * of that audience does: the same writer ({@link StixObjects}), the same pseudonym key, the same
 * opted-in members.
 */
final class StixAudienceOptions {

  @Option(
      names = "--audience",
      paramLabel = "AUDIENCE",
      defaultValue = "community",
      description =
          "Audience the bundle is for (member:<id>, group:<name>, community, public or a"
              + " plain name): members appear as its keyed pseudonyms, as in the gateway's"
              + " collection of it; default: ${DEFAULT-VALUE}.")
  String audience;

  @Option(
      names = "--gateway-config",
      paramLabel = "FILE",
      description =
          "The gateway's YAML config: its pseudonymKey (so the export's pseudonyms are the"
              + " gateway's) and attributedMembers. Without it the key is random per run.")
  Path gatewayConfig;

  @Option(
      names = "--members",
      paramLabel = "FILE",
      description =
          "Member directory: members with 'attribution: true' are named; all others are"
              + " pseudonyms.")
  Path members;

  /** The writer for the chosen audience; notes on {@code err} when pseudonyms are per run. */
  StixObjects writer(PrintWriter err) throws IOException {
    byte[] key = null;
    Set<String> attributed = new TreeSet<>();
    if (gatewayConfig != null) {
      GatewayConfig conf = GatewayConfig.read(gatewayConfig);
      if (conf.pseudonymKey != null) {
        key = HexFormat.of().parseHex(conf.pseudonymKey);
      }
      attributed.addAll(conf.attributedMembers);
    }
    if (members != null) {
      for (MemberDirectory.Member m : MemberDirectory.load(members).members()) {
        if (m.attribution()) {
          attributed.add(m.id());
        }
      }
    }
    if (key == null) {
      key = new byte[32];
      new SecureRandom().nextBytes(key);
      err.println(
          "note: no pseudonymKey (--gateway-config): member pseudonyms are random for this run");
    }
    return new StixObjects(audience, new AudiencePseudonyms(key), attributed);
  }
}
