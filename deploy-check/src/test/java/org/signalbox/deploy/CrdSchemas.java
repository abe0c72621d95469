package org.signalbox.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.path.PathType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code openAPIV3Schema} of each served version of the CRDs the manifests use (the Flink
 * Kubernetes Operator's FlinkDeployment, Strimzi's Kafka, KafkaNodePool, KafkaTopic and KafkaUser),
 * as JSON schemas a manifest is validated against, the way the API server would take it with {@code
 * kubectl apply} (whose field validation is {@code Strict}):
 *
 * <ul>
 *   <li>a field the schema does not declare is an error, not silently pruned: every object schema
 *       with {@code properties} and neither {@code additionalProperties} nor {@code
 *       x-kubernetes-preserve-unknown-fields} gets {@code additionalProperties: false}, along the
 *       structural schema only (never inside {@code oneOf}/{@code anyOf}/{@code allOf} branches,
 *       which in a structural schema only restate declared fields);
 *   <li>{@code apiVersion} must name a served version of the CRD's group, {@code kind} its kind;
 *   <li>{@code metadata} is checked as the API server checks it for these kinds: a name that is an
 *       RFC 1123 subdomain, labels and annotations as string maps, and no field it does not know.
 * </ul>
 *
 * Not checked: the CRDs' CEL rules ({@code x-kubernetes-validations}), which need a CEL engine, and
 * what only the operators check when they reconcile.
 *
 * <p>The Flink operator's CRD is the one in {@code flink-kubernetes-operator-api} 1.10.0, the
 * newest on the build's Maven repository. Its {@code flinkVersion} enum ends at {@code v1_20};
 * operator 1.11 added {@code v2_0}, 1.13 {@code v2_1} and {@code v2_2}, and the rest of the spec
 * the manifests use is unchanged since 1.10 (the one other change, {@code flinkConfiguration}
 * taking nested values, only widens it). {@link #FLINK_VERSIONS_ADDED} are added to that enum and
 * nothing else is changed; {@code CrdSchemasTest} fails once the jar has them itself, so the
 * overlay goes when the artifact is upgraded.
 */
final class CrdSchemas {

  /** Added to the FlinkDeployment CRD's flinkVersion enum (see the class comment). */
  static final List<String> FLINK_VERSIONS_ADDED = List.of("v2_0", "v2_1", "v2_2");

  static final Path FLINK_OPERATOR_CRD =
      Path.of(
          System.getProperty("signalbox.crds", "target/crds"),
          "flink-operator",
          "META-INF",
          "fabric8",
          "flinkdeployments.flink.apache.org-v1.yml");

  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Set<String> METADATA_FIELDS =
      Set.of("name", "namespace", "labels", "annotations");

  /** One CRD: group, kind, and the schema of each served version. */
  record Crd(String group, String kind, Map<String, JsonNode> servedSchemas) {}

  private static CrdSchemas instance;

  private final Map<String, Crd> byKind = new LinkedHashMap<>();
  private final Map<String, Schema> compiled = new LinkedHashMap<>();
  private final SchemaRegistry registry =
      SchemaRegistry.withDefaultDialect(
          Dialects.getDraft4(),
          b ->
              b.schemaRegistryConfig(
                  SchemaRegistryConfig.builder().pathType(PathType.JSON_PATH).build()));

  private CrdSchemas() {
    add(read(FLINK_OPERATOR_CRD), true);
    for (Path p : StrimziCrds.files()) {
      add(read(p), false);
    }
  }

  static synchronized CrdSchemas load() {
    if (instance == null) {
      instance = new CrdSchemas();
    }
    return instance;
  }

  Map<String, Crd> crds() {
    return byKind;
  }

  /** The CRD of a Flink operator release as its jar ships it, without the overlay. */
  static JsonNode flinkOperatorCrdAsShipped() {
    return read(FLINK_OPERATOR_CRD);
  }

  private static JsonNode read(Path file) {
    try {
      return Repository.YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the CRD "
              + file
              + " (the build unpacks and generates the CRDs at generate-test-resources)",
          e);
    }
  }

  private void add(JsonNode crd, boolean flinkOperator) {
    String group = crd.at("/spec/group").asText();
    String kind = crd.at("/spec/names/kind").asText();
    Map<String, JsonNode> served = new LinkedHashMap<>();
    for (JsonNode v : crd.at("/spec/versions")) {
      if (!v.path("served").asBoolean()) {
        continue;
      }
      ObjectNode schema = v.at("/schema/openAPIV3Schema").deepCopy();
      if (flinkOperator && kind.equals("FlinkDeployment")) {
        JsonNode values = schema.at("/properties/spec/properties/flinkVersion/enum");
        if (values instanceof ArrayNode e) {
          for (String added : FLINK_VERSIONS_ADDED) {
            if (!contains(e, added)) {
              e.add(added);
            }
          }
        }
      }
      strict(schema);
      ObjectNode properties = (ObjectNode) schema.path("properties");
      // Every object has these two; the operator's generated schema leaves them out.
      for (String field : List.of("apiVersion", "kind")) {
        if (!properties.has(field)) {
          properties.set(field, schema.objectNode().put("type", "string"));
        }
      }
      // metadata is ObjectMeta, which CRDs leave to the API server; checked in validate().
      properties.set("metadata", schema.objectNode().put("type", "object"));
      served.put(v.path("name").asText(), schema);
    }
    byKind.put(kind, new Crd(group, kind, served));
  }

  private static boolean contains(ArrayNode array, String value) {
    for (JsonNode n : array) {
      if (n.asText().equals(value)) {
        return true;
      }
    }
    return false;
  }

  /** additionalProperties: false on every object of the structural schema (see the class). */
  private static void strict(JsonNode node) {
    if (!(node instanceof ObjectNode schema)) {
      return;
    }
    JsonNode properties = schema.get("properties");
    if (properties instanceof ObjectNode props) {
      if (!schema.has("additionalProperties")
          && !schema.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
        schema.put("additionalProperties", false);
      }
      for (Iterator<JsonNode> it = props.elements(); it.hasNext(); ) {
        strict(it.next());
      }
    }
    strict(schema.get("items"));
    JsonNode additional = schema.get("additionalProperties");
    if (additional != null && additional.isObject()) {
      strict(additional);
    }
  }

  /**
   * The faults of a manifest, each as {@code path: message} (path from the document's root, e.g.
   * {@code $.spec.job.entryClas}); empty when it is valid.
   */
  List<String> validate(JsonNode manifest) {
    List<String> faults = new ArrayList<>();
    String kind = manifest.path("kind").asText();
    Crd crd = byKind.get(kind);
    if (crd == null) {
      faults.add("$.kind: no CRD for kind '" + kind + "' (known: " + byKind.keySet() + ")");
      return faults;
    }
    String apiVersion = manifest.path("apiVersion").asText();
    String version =
        apiVersion.startsWith(crd.group() + "/")
            ? apiVersion.substring(crd.group().length() + 1)
            : null;
    JsonNode schema = version == null ? null : crd.servedSchemas().get(version);
    if (schema == null) {
      faults.add(
          "$.apiVersion: '"
              + apiVersion
              + "' is not served for "
              + kind
              + "; served: "
              + crd.servedSchemas().keySet().stream().map(v -> crd.group() + "/" + v).toList());
      return faults;
    }
    metadata(manifest.path("metadata"), faults);
    Schema compiledSchema =
        compiled.computeIfAbsent(kind + "/" + version, k -> registry.getSchema(schema));
    for (Error e : compiledSchema.validate(manifest)) {
      String path = e.getInstanceLocation().toString();
      if ("additionalProperties".equals(e.getKeyword()) && e.getProperty() != null) {
        String p = e.getProperty();
        path += p.matches("[A-Za-z_][A-Za-z0-9_]*") ? "." + p : "['" + p + "']";
        faults.add(path + ": unknown field (not in the " + kind + " schema)");
      } else {
        faults.add(path + ": " + e.getMessage());
      }
    }
    return faults;
  }

  private static void metadata(JsonNode metadata, List<String> faults) {
    if (!metadata.isObject()) {
      faults.add("$.metadata: missing or not an object");
      return;
    }
    metadata
        .fieldNames()
        .forEachRemaining(
            f -> {
              if (!METADATA_FIELDS.contains(f)) {
                faults.add("$.metadata." + f + ": unknown field (not in ObjectMeta as used here)");
              }
            });
    String name = metadata.path("name").asText("");
    if (!metadata.path("name").isTextual()
        || name.length() > 253
        || !DNS_SUBDOMAIN.matcher(name).matches()) {
      faults.add("$.metadata.name: '" + name + "' is not an RFC 1123 subdomain");
    }
    for (String map : List.of("labels", "annotations")) {
      JsonNode m = metadata.get(map);
      if (m == null) {
        continue;
      }
      if (!m.isObject()) {
        faults.add("$.metadata." + map + ": not a map");
        continue;
      }
      m.fields()
          .forEachRemaining(
              e -> {
                if (!e.getValue().isTextual()) {
                  faults.add(
                      "$.metadata."
                          + map
                          + "."
                          + e.getKey()
                          + ": must be a string, not "
                          + e.getValue());
                }
              });
    }
  }
}
