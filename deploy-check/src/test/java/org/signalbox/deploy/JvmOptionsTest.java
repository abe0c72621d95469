package org.signalbox.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.signalbox.deploy.Repository.Manifest;
import org.signalbox.schema.support.AvroCodec;
import org.w3c.dom.Document;

/**
 * One copy of the JVM options (Flink's add-opens, Avro's length limits): jvm.options at the
 * repository's root. ./signalbox and benchmarks/run pass it to java as an argument file and spell
 * none of it out; the build's test JVMs open the same packages; every Flink configuration in
 * deploy/ gives its TaskManagers the same Avro limits; and those are the limits AvroCodec sets for
 * itself.
 */
class JvmOptionsTest {

  static final String FILE = "jvm.options";
  static final List<String> LAUNCHERS = List.of("signalbox", "benchmarks/run");
  private static final String AVRO_LIMIT = "-Dorg.apache.avro.limits.";

  /** The options of the file as java reads an argument file: '#' starts a comment. */
  static List<String> options() {
    List<String> out = new ArrayList<>();
    for (String line : Repository.read(FILE).split("\n")) {
      int hash = line.indexOf('#');
      String content = hash < 0 ? line : line.substring(0, hash);
      for (String token : content.trim().split("\\s+")) {
        if (!token.isEmpty()) {
          out.add(token);
        }
      }
    }
    return out;
  }

  static List<String> avroLimits() {
    return options().stream().filter(o -> o.startsWith(AVRO_LIMIT)).sorted().toList();
  }

  @Test
  void bothLaunchersPassTheFileAndSpellNoneOfItOut() {
    assertThat(avroLimits()).hasSize(3);
    assertThat(options()).anyMatch(o -> o.startsWith("--add-opens="));
    Pattern argFile = Pattern.compile("\"@\\$[A-Z_]+/" + Pattern.quote(FILE) + "\"");
    for (String launcher : LAUNCHERS) {
      String script = Repository.read(launcher);
      assertThat(argFile.matcher(script).find())
          .as("%s passes @.../%s to java", launcher, FILE)
          .isTrue();
      for (String option : options()) {
        assertThat(script)
            .as("%s spells out %s (keep it in %s only)", launcher, option, FILE)
            .doesNotContain(option);
      }
      assertThat(script).doesNotContain("--add-opens").doesNotContain(AVRO_LIMIT);
    }
  }

  @Test
  void javaTakesTheFileAsAnArgumentFile() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                java.toString(),
                "@" + Repository.file(FILE),
                "-XshowSettings:properties",
                "-version")
            .redirectErrorStream(true)
            .start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String shown = out.toString(StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(shown).isZero();
    for (String limit : avroLimits()) {
      String[] kv = limit.substring(2).split("=", 2);
      assertThat(shown).containsPattern(Pattern.quote(kv[0]) + " = " + Pattern.quote(kv[1]));
    }
  }

  @Test
  void theTestJvmsOfTheBuildOpenTheSamePackages() throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document pom = f.newDocumentBuilder().parse(Repository.file("pom.xml").toFile());
    String opens = pom.getElementsByTagName("flink.jvm.opens").item(0).getTextContent();
    assertThat(new TreeSet<>(Arrays.asList(opens.trim().split("\\s+"))))
        .isEqualTo(new TreeSet<>(options().stream().filter(o -> o.startsWith("--add-")).toList()));
  }

  @Test
  void theLimitsAreThoseAvroCodecSetsForItself() throws Exception {
    // Initialising AvroCodec sets each limit unless the JVM was started with it (this one is not).
    Class.forName(AvroCodec.class.getName(), true, AvroCodec.class.getClassLoader());
    Map<String, String> codec = new TreeMap<>();
    Map<String, String> file = new TreeMap<>();
    for (String limit : avroLimits()) {
      String[] kv = limit.substring(2).split("=", 2);
      file.put(kv[0], kv[1]);
      codec.put(kv[0], System.getProperty(kv[0]));
    }
    assertThat(file).isEqualTo(codec);
  }

  @Test
  void everyFlinkConfigurationGivesItsTaskManagersTheSameAvroLimits() throws Exception {
    List<String> sources = new ArrayList<>();
    for (Manifest d : Repository.manifests("FlinkDeployment")) {
      String opts =
          d.body().at("/spec/flinkConfiguration").path("env.java.opts.taskmanager").asText();
      assertThat(limitsIn(opts)).as("%s", d).isEqualTo(avroLimits());
      sources.add(d.toString());
    }
    JsonNode standalone =
        Repository.YAML.readTree(Repository.file("deploy/flink/config.yaml").toFile());
    assertThat(limitsIn(standalone.at("/env/java/opts/taskmanager").asText()))
        .as("deploy/flink/config.yaml")
        .isEqualTo(avroLimits());
    assertThat(sources).hasSize(3);
  }

  private static List<String> limitsIn(String opts) {
    return Arrays.stream(opts.trim().split("\\s+"))
        .filter(o -> o.startsWith(AVRO_LIMIT))
        .sorted()
        .toList();
  }
}
