package org.signalbox.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.signalbox.jobs.sharing.Audience;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.jobs.sharing.Pseudonyms;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code signalbox pseudonyms resolve}: which member is behind a pseudonym of a shared feed. Only
 * the holder of the pseudonym key (the secretariat) can answer; the command recomputes every
 * member's pseudonym in the audience and compares, so it needs the same key and directory the
 * campaign job used.
 */
@Command(
    name = "resolve",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the member behind each pseudonym (p-<16 hex digits>) of a shared feed: one line per"
          + " pseudonym, '<pseudonym> <member id> <audience>', or '<pseudonym> unresolved'.",
      "The key is the campaign job's sharing.pseudonym-key: from --key-file or the environment"
          + " variable SIGNALBOX_PSEUDONYM_KEY, never the command line.",
      "Without --audience every audience the directory implies is tried (each member's own feed,"
          + " each sharing group, community, public).",
      "Exit status: 0 if every pseudonym was resolved, 1 if any was not, 2 on a usage error."
    })
public final class PseudonymsResolveCommand implements Callable<Integer> {

  static final String KEY_ENV = "SIGNALBOX_PSEUDONYM_KEY";

  private static final Pattern PSEUDONYM = Pattern.compile("p-[0-9a-f]{16}");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--members",
      required = true,
      paramLabel = "FILE",
      description = "Member directory (YAML) the campaign job runs with.")
  Path membersFile;

  @Option(
      names = "--key-file",
      paramLabel = "FILE",
      description =
          "File holding the pseudonym secret (as given to signalbox campaigns"
              + " --pseudonym-key-file); default: the variable "
              + KEY_ENV
              + ".")
  Path keyFile;

  @Option(
      names = "--audience",
      paramLabel = "AUDIENCE",
      description =
          "Feed the pseudonyms were read from: member:<id>, group:<name>, community, public, or"
              + " its topic (feed.group.rail). Default: try them all.")
  String audience;

  @Parameters(paramLabel = "PSEUDONYM", arity = "1..*", description = "Pseudonyms to resolve.")
  List<String> pseudonyms = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      MemberDirectory directory = loadDirectory(membersFile);
      byte[] key = key();
      List<Audience> audiences =
          audience == null ? audiencesOf(directory) : List.of(Audience.parse(audience));
      int status = resolve(directory, new Pseudonyms("resolve", key), audiences, out, err);
      out.flush();
      return status;
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return 2;
    }
  }

  private int resolve(
      MemberDirectory directory,
      Pseudonyms keyed,
      List<Audience> audiences,
      PrintWriter out,
      PrintWriter err) {
    // Every member's pseudonym in every audience searched; members a few hundred, audiences a few
    // dozen: computing them all is cheaper than anything cleverer.
    Map<String, List<String>> byPseudonym = new LinkedHashMap<>();
    for (Audience a : audiences) {
      for (MemberDirectory.Member m : directory.members()) {
        byPseudonym
            .computeIfAbsent(keyed.of(a, m.id()), p -> new ArrayList<>())
            .add(m.id() + " " + a);
      }
    }
    int status = 0;
    for (String p : pseudonyms) {
      String wanted = p.strip();
      if (!PSEUDONYM.matcher(wanted).matches()) {
        err.println(wanted + ": not a pseudonym (expected p- and 16 lower-case hex digits)");
        out.println(wanted + " unresolved");
        status = 1;
        continue;
      }
      List<String> found = byPseudonym.get(wanted);
      if (found == null) {
        out.println(wanted + " unresolved");
        status = 1;
      } else {
        found.forEach(hit -> out.println(wanted + " " + hit));
      }
    }
    err.flush();
    return status;
  }

  /** Each member's own feed, each group, the community and the public. */
  static List<Audience> audiencesOf(MemberDirectory directory) {
    Set<Audience> all = new TreeSet<>();
    directory.members().forEach(m -> all.add(Audience.member(m.id())));
    directory.groups().forEach(g -> all.add(Audience.group(g)));
    all.add(Audience.COMMUNITY);
    all.add(Audience.PUBLIC);
    return List.copyOf(all);
  }

  private byte[] key() {
    String secret;
    if (keyFile != null) {
      try {
        secret = Files.readString(keyFile, StandardCharsets.UTF_8).strip();
      } catch (NoSuchFileException e) {
        throw new IllegalArgumentException("--key-file: no such file: " + keyFile);
      } catch (IOException e) {
        throw new IllegalArgumentException("--key-file: cannot read " + keyFile + ": " + e);
      }
    } else {
      secret = System.getenv(KEY_ENV);
      if (secret == null || secret.isBlank()) {
        throw new IllegalArgumentException(
            "no pseudonym key: pass --key-file FILE or set " + KEY_ENV);
      }
      secret = secret.strip();
    }
    // The campaign job reads the same file the same way (stripped, UTF-8 bytes).
    return secret.getBytes(StandardCharsets.UTF_8);
  }

  private static MemberDirectory loadDirectory(Path file) {
    try {
      return MemberDirectory.load(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--members: no such file: " + file);
    } catch (IOException e) {
      throw new IllegalArgumentException("--members: cannot read " + file + ": " + e);
    }
  }
}
