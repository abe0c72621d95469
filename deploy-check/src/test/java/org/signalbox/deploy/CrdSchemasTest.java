package org.signalbox.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.signalbox.deploy.Repository.Manifest;

/**
 * Every manifest in deploy/kubernetes is valid against the CRD schema of its kind (Flink Kubernetes
 * Operator, Strimzi), and a broken one is refused with the path of the fault: the validation is a
 * real one, not a YAML syntax check.
 */
class CrdSchemasTest {

  private static final CrdSchemas SCHEMAS = CrdSchemas.load();

  @Test
  void everyManifestIsValidAgainstTheCrdOfItsKind() {
    List<Manifest> manifests = Repository.manifests();
    assertThat(manifests)
        .extracting(Manifest::kind)
        .contains("FlinkDeployment", "Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser");
    SoftAssertions soft = new SoftAssertions();
    for (Manifest m : manifests) {
      soft.assertThat(SCHEMAS.validate(m.body())).as("faults of %s", m).isEmpty();
    }
    soft.assertAll();
  }

  @Test
  void strimziServesOnlyV1AndTheManifestsUseIt() {
    for (String kind : List.of("Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser")) {
      assertThat(SCHEMAS.crds().get(kind).servedSchemas().keySet()).as(kind).containsExactly("v1");
      assertThat(Repository.manifests(kind))
          .as(kind)
          .allSatisfy(
              m ->
                  assertThat(m.body().path("apiVersion").asText())
                      .isEqualTo("kafka.strimzi.io/v1"));
    }
    assertThat(SCHEMAS.crds().get("FlinkDeployment").servedSchemas().keySet())
        .containsExactly("v1beta1");
  }

  @Test
  void strimziCrdsAreByteForByteThoseOfTheRelease() {
    assertThat(System.getProperty("signalbox.strimzi.version", StrimziCrds.RELEASED_VERSION))
        .as("the pom's strimzi.version: the checksums below are of one release")
        .isEqualTo(StrimziCrds.RELEASED_VERSION);
    Map<String, String> sums = new TreeMap<>();
    for (Path f : StrimziCrds.files()) {
      sums.put(f.getFileName().toString(), StrimziCrds.sha256(f));
    }
    assertThat(sums).isEqualTo(new TreeMap<>(StrimziCrds.RELEASED));
  }

  /** When this fails, the operator API jar knows Flink 2: drop CrdSchemas' overlay. */
  @Test
  void theFlinkVersionOverlayIsStillNeeded() {
    List<String> shipped = new ArrayList<>();
    for (JsonNode v : CrdSchemas.flinkOperatorCrdAsShipped().at("/spec/versions")) {
      v.at("/schema/openAPIV3Schema/properties/spec/properties/flinkVersion/enum")
          .forEach(e -> shipped.add(e.asText()));
    }
    assertThat(shipped)
        .contains("v1_20")
        .doesNotContainAnyElementsOf(CrdSchemas.FLINK_VERSIONS_ADDED);
  }

  static Stream<Arguments> brokenManifests() {
    return Stream.of(
        broken(
            "a misspelt field of the job",
            "correlate-flinkdeployment.yaml",
            0,
            d -> rename(obj(d, "/spec/job"), "entryClass", "entryClas"),
            "$.spec.job.entryClas"),
        broken(
            "parallelism as text",
            "correlate-flinkdeployment.yaml",
            0,
            d -> obj(d, "/spec/job").put("parallelism", "four"),
            "$.spec.job.parallelism"),
        broken(
            "an upgrade mode the operator does not have",
            "campaigns-flinkdeployment.yaml",
            0,
            d -> obj(d, "/spec/job").put("upgradeMode", "snapshot"),
            "$.spec.job.upgradeMode"),
        broken(
            "a Flink version the operator does not have",
            "trends-flinkdeployment.yaml",
            0,
            d -> obj(d, "/spec").put("flinkVersion", "v9_9"),
            "$.spec.flinkVersion"),
        broken(
            "a Flink setting that is not a string (the operator 1.10 schema)",
            "trends-flinkdeployment.yaml",
            0,
            d -> obj(d, "/spec/flinkConfiguration").put("taskmanager.numberOfTaskSlots", 2),
            "$.spec.flinkConfiguration['taskmanager.numberOfTaskSlots']"),
        broken(
            "a misspelt field deep in the pod template",
            "correlate-flinkdeployment.yaml",
            0,
            d ->
                rename(
                    obj(d, "/spec/podTemplate/spec/containers/0"), "volumeMounts", "volumeMount"),
            "$.spec.podTemplate.spec.containers[0].volumeMount"),
        broken(
            "a misspelt listener field",
            "kafka.yaml",
            2,
            d -> rename(obj(d, "/spec/kafka/listeners/1"), "authentication", "authentification"),
            "$.spec.kafka.listeners[1].authentification"),
        broken(
            "a listener type Strimzi does not have",
            "kafka.yaml",
            2,
            d -> obj(d, "/spec/kafka/listeners/0").put("type", "public"),
            "$.spec.kafka.listeners[0].type"),
        broken(
            "a node pool role Strimzi does not have",
            "kafka.yaml",
            0,
            d -> ((ArrayNode) d.at("/spec/roles")).set(0, d.textNode("leader")),
            "$.spec.roles[0]"),
        broken(
            "partitions as text",
            "kafka-topics.yaml",
            0,
            d -> obj(d, "/spec").put("partitions", "four"),
            "$.spec.partitions"),
        broken(
            "a misspelt ACL operation",
            "kafka-users.yaml",
            0,
            d ->
                ((ArrayNode) d.at("/spec/authorization/acls/0/operations"))
                    .set(0, d.textNode("Reed")),
            "$.spec.authorization.acls[0].operations[0]"),
        broken(
            "a field of the v1beta2 API that v1 dropped",
            "kafka-users.yaml",
            0,
            d -> obj(d, "/spec/authorization/acls/0").put("operation", "Read"),
            "$.spec.authorization.acls[0].operation"),
        broken(
            "the v1beta2 API, which Strimzi 1.x no longer serves",
            "kafka-topics.yaml",
            0,
            d -> d.put("apiVersion", "kafka.strimzi.io/v1beta2"),
            "$.apiVersion"),
        broken(
            "a resource name Kubernetes refuses",
            "kafka-topics.yaml",
            0,
            d -> obj(d, "/metadata").put("name", "Indicators_Topic"),
            "$.metadata.name"),
        broken(
            "a label that is not a string",
            "kafka-topics.yaml",
            0,
            d -> obj(d, "/metadata/labels").put("replicas", 3),
            "$.metadata.labels.replicas"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenManifests")
  void aBrokenManifestFailsWithThePathOfTheFault(
      String what, String file, int index, Consumer<ObjectNode> breakIt, String path) {
    Manifest m = Repository.documents(Repository.kubernetes().resolve(file)).get(index);
    assertThat(SCHEMAS.validate(m.body())).as("the manifest as it is (%s)", m).isEmpty();
    ObjectNode broken = m.body().deepCopy();
    breakIt.accept(broken);
    List<String> faults = SCHEMAS.validate(broken);
    assertThat(faults).as(what).isNotEmpty().anySatisfy(f -> assertThat(f).startsWith(path + ":"));
  }

  private static Arguments broken(
      String what, String file, int index, Consumer<ObjectNode> breakIt, String path) {
    return Arguments.of(what, file, index, breakIt, path);
  }

  private static ObjectNode obj(ObjectNode doc, String pointer) {
    JsonNode n = doc.at(pointer);
    assertThat(n.isObject()).as("%s is an object", pointer).isTrue();
    return (ObjectNode) n;
  }

  private static ObjectNode rename(ObjectNode node, String from, String to) {
    JsonNode value = node.remove(from);
    assertThat(value).as("field %s", from).isNotNull();
    node.set(to, value);
    return node;
  }
}
