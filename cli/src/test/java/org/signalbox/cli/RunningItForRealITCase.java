package org.signalbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.signalbox.gateway.Gateway;
import org.signalbox.gateway.GatewayConfig;
import org.signalbox.jobs.campaign.CampaignKafka;
import org.signalbox.jobs.campaign.CampaignOptions;
import org.signalbox.jobs.correlate.CorrelateJob;
import org.signalbox.jobs.correlate.CorrelateKafka;
import org.signalbox.jobs.correlate.CorrelateOptions;
import org.signalbox.jobs.sharing.MemberDirectory;
import org.signalbox.jobs.trends.TrendsKafka;
import org.signalbox.jobs.trends.TrendsOptions;
import org.signalbox.stix.export.StixObjects;
import org.signalbox.testkit.LocalKafkaBroker;

/**
 * The README's walkthrough "Running it for real", step by step on a real KRaft broker (which, like
 * the ISAC's, creates no topic on demand): the member directory's topics applied with {@code topics
 * apply}, the edge of two members writing telemetry with planted indicator values, a STIX bundle
 * imported with {@code indicators import}, the correlate, campaign and trends jobs started as
 * streaming jobs (on the MiniCluster instead of three {@code signalbox} processes), and the
 * gateway, configured as the README says, polled over HTTP as each member.
 *
 * <p>What must hold: each member sees its own sightings, with the matched value and an indicator
 * ref that resolves in its own collection, and never another member's individual sighting; the
 * campaign both members are part of reaches both without naming the one that did not opt in; the
 * other member's collection does not exist for it; and no exported object (collection or {@code
 * sightings export}) names a member that did not opt in to attribution outside its own feed.
 */
class RunningItForRealITCase {

  // Three streaming jobs at parallelism 1 run side by side, a slot each, and one to spare for the
  // bounded trends run at the end.
  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(4)
              .build());

  static final Duration WAIT = Duration.ofSeconds(60);

  static final String RAIL = "rail-operator-a"; // attribution: false
  static final String AIRLINE = "airline-a"; // attribution: true

  static final String MEMBERS =
      String.join(
          "\n",
          "secretariat: isac-secretariat",
          "partners: [national-cert]",
          "members:",
          "  - id: " + RAIL,
          "    sector: rail",
          "    groups: [isac, rail]",
          "    attribution: false",
          "    dailyCapacity: 15",
          "  - id: " + AIRLINE,
          "    sector: aviation",
          "    groups: [isac, aviation]",
          "    attribution: true",
          "    dailyCapacity: 500",
          "");

  // The README's logs, in Zeek's JSON format. Planted: the campaign's domain at both members, a
  // suffix match at the rail operator only, an exact domain at the airline only; the rest must not
  // match, and the internal names and addresses must not leave the edge.
  static final String RAIL_LOG =
      String.join(
          "\n",
          "{\"_path\":\"dns\",\"ts\":\"2026-12-03T03:53:20.1Z\",\"uid\":\"R1\",\"id.orig_h\":\"10.1.2.3\",\"id.orig_p\":5353,\"id.resp_h\":\"10.0.0.53\",\"id.resp_p\":53,\"proto\":\"udp\",\"query\":\"update.tarmac-panda.example\",\"qtype_name\":\"A\",\"answers\":[\"198.51.100.7\"]}",
          "{\"_path\":\"dns\",\"ts\":\"2026-12-03T03:53:21.1Z\",\"uid\":\"R2\",\"id.orig_h\":\"10.1.2.4\",\"id.orig_p\":5353,\"id.resp_h\":\"10.0.0.53\",\"id.resp_p\":53,\"proto\":\"udp\",\"query\":\"fileserver.corp.lan\",\"qtype_name\":\"A\",\"answers\":[\"10.9.9.9\"]}",
          "{\"_path\":\"dns\",\"ts\":\"2026-12-03T03:53:22.1Z\",\"uid\":\"R3\",\"id.orig_h\":\"10.1.2.5\",\"id.orig_p\":5353,\"id.resp_h\":\"10.0.0.53\",\"id.resp_p\":53,\"proto\":\"udp\",\"query\":\"cdn.signal-relay.example\",\"qtype_name\":\"A\",\"answers\":[\"203.0.113.80\"]}",
          "{\"_path\":\"dns\",\"ts\":\"2026-12-03T03:53:23.1Z\",\"uid\":\"R4\",\"id.orig_h\":\"10.1.2.6\",\"id.orig_p\":5353,\"id.resp_h\":\"10.0.0.53\",\"id.resp_p\":53,\"proto\":\"udp\",\"query\":\"www.example.org\",\"qtype_name\":\"A\",\"answers\":[\"192.0.2.10\"]}",
          "");
  static final String AIRLINE_LOG =
      String.join(
          "\n",
          "{\"_path\":\"dns\",\"ts\":\"2026-12-03T03:53:30.1Z\",\"uid\":\"A1\",\"id.orig_h\":\"172.16.4.10\",\"id.orig_p\":5353,\"id.resp_h\":\"172.16.0.53\",\"id.resp_p\":53,\"proto\":\"udp\",\"query\":\"update.tarmac-panda.example\",\"qtype_name\":\"A\",\"answers\":[\"198.51.100.7\"]}",
          "{\"_path\":\"dns\",\"ts\":\"2026-12-03T03:53:31.1Z\",\"uid\":\"A2\",\"id.orig_h\":\"172.16.4.11\",\"id.orig_p\":5353,\"id.resp_h\":\"172.16.0.53\",\"id.resp_p\":53,\"proto\":\"udp\",\"query\":\"crew-portal.example.net\",\"qtype_name\":\"A\",\"answers\":[\"192.0.2.99\"]}",
          "{\"_path\":\"dns\",\"ts\":\"2026-12-03T03:53:32.1Z\",\"uid\":\"A3\",\"id.orig_h\":\"172.16.4.12\",\"id.orig_p\":5353,\"id.resp_h\":\"172.16.0.53\",\"id.resp_p\":53,\"proto\":\"udp\",\"query\":\"baggage.intranet.lan\",\"qtype_name\":\"A\",\"answers\":[\"172.16.9.9\"]}",
          "");

  static final String CAMPAIGN = "indicator--1a2b3c4d-0001-4000-8000-000000000001";
  static final String RAIL_ONLY = "indicator--1a2b3c4d-0002-4000-8000-000000000002";
  static final String AIRLINE_ONLY = "indicator--1a2b3c4d-0003-4000-8000-000000000003";
  static final String GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
  static final String AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";

  static String indicator(String id, String name, String pattern, String marking) {
    return "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\""
        + id
        + "\",\"created\":\"2026-11-01T00:00:00.000Z\",\"modified\":\"2026-11-01T00:00:00.000Z\","
        + "\"name\":\""
        + name
        + "\",\"pattern\":\""
        + pattern
        + "\",\"pattern_type\":\"stix\",\"valid_from\":\"2026-11-01T00:00:00Z\","
        + "\"object_marking_refs\":[\""
        + marking
        + "\"]}";
  }

  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void fromAnEmptyBrokerToEachMemberPollingItsOwnCollection(@TempDir Path dir) throws Exception {
    Path members = Files.writeString(dir.resolve("members.yaml"), MEMBERS);
    try (LocalKafkaBroker broker = LocalKafkaBroker.start(new LocalKafkaBroker.Options())) {
      String bootstrap = broker.bootstrapServers();

      // 1. Topics, from the directory.
      EdgeCommandsTest.Result topics =
          EdgeCommandsTest.run(
              "",
              "topics",
              "apply",
              "--members",
              members.toString(),
              "--bootstrap",
              bootstrap,
              "--partitions",
              "2");
      assertThat(topics.exit()).as(topics.err()).isZero();
      assertThat(topics.out())
          .contains("+ telemetry." + RAIL, "+ telemetry." + AIRLINE)
          .contains("+ feed.member." + RAIL, "+ feed.member." + AIRLINE, "+ trends");

      // 2. The edge of each member, with its own policy (TLP:AMBER) and keys.
      edge(dir, RAIL, "rail", RAIL_LOG, bootstrap, 4);
      edge(dir, AIRLINE, "aviation", AIRLINE_LOG, bootstrap, 3);

      // 3. The secretariat's indicators.
      Path bundle = Files.writeString(dir.resolve("indicators.json"), bundle());
      EdgeCommandsTest.Result imported =
          EdgeCommandsTest.run(
              "",
              "indicators",
              "import",
              bundle.toString(),
              "--format",
              "stix",
              "--source",
              "isac-secretariat",
              "--kafka",
              bootstrap);
      assertThat(imported.exit()).as(imported.err()).isZero();
      assertThat(imported.out() + imported.err()).contains("imported 3,").contains("rejected 0");

      // 4. The three jobs, streaming, configured as their commands configure them.
      Path pseudonymKey =
          Files.writeString(dir.resolve("pseudonym.key"), "walkthrough-pseudonym-key-0123456789");
      List<JobClient> jobs = new ArrayList<>();
      Gateway gateway = null;
      try {
        jobs.add(startCorrelate(bootstrap, members));
        jobs.add(startCampaigns(bootstrap, members, pseudonymKey));
        jobs.add(startTrends(bootstrap, members));

        // 5. The gateway: each member its own collection, passwords hashed by the command.
        Map<String, String> passwords = Map.of(RAIL, "rail-secret-1", AIRLINE, "airline-secret-2");
        // As 'signalbox gateway --config F --members FILE' reads them.
        GatewayConfig conf = gatewayConfig(dir, passwords);
        MemberDirectory directory = MemberDirectory.load(members);
        GatewayCommand.addAttributed(conf, directory);
        GatewayCommand.secretariatFrom(conf, directory, "secretariatSource of the directory");
        assertThat(conf.attributedMembers).containsExactly(AIRLINE);
        gateway =
            Gateway.start(
                conf,
                bootstrap,
                "127.0.0.1",
                0,
                -1,
                org.signalbox.gateway.TaxiiTransport.plainLoopback());
        String root = "http://127.0.0.1:" + gateway.port() + "/";

        // 6. Each member polls its collection until its sightings and the campaign are there.
        Taxii rail = new Taxii(root, RAIL, passwords.get(RAIL));
        Taxii airline = new Taxii(root, AIRLINE, passwords.get(AIRLINE));
        String railCol = rail.onlyCollection();
        String airlineCol = airline.onlyCollection();
        assertThat(railCol).isNotEqualTo(airlineCol);

        List<JsonNode> railObjects =
            rail.objectsOnceThere(
                railCol,
                holds(Set.of("update.tarmac-panda.example", "cdn.signal-relay.example"), CAMPAIGN));
        List<JsonNode> airlineObjects =
            airline.objectsOnceThere(
                airlineCol,
                holds(Set.of("update.tarmac-panda.example", "crew-portal.example.net"), CAMPAIGN));

        assertOwnFeed(railObjects, RAIL, Set.of(CAMPAIGN, RAIL_ONLY));
        assertOwnFeed(airlineObjects, AIRLINE, Set.of(CAMPAIGN, AIRLINE_ONLY));
        // The one that did not opt in is named in its own collection only.
        assertThat(JSON.writeValueAsString(airlineObjects)).doesNotContain(RAIL);
        // Nothing internal to a member left its edge.
        for (List<JsonNode> objects : List.of(railObjects, airlineObjects)) {
          assertThat(JSON.writeValueAsString(objects))
              .doesNotContain("fileserver", "corp.lan", "baggage", "intranet")
              .doesNotContain("10.1.2.", "172.16.");
        }
        // The other member's collection does not exist for it.
        assertThat(airline.status(railCol + "objects/")).isEqualTo(404);
        assertThat(rail.status(airlineCol + "objects/")).isEqualTo(404);

        for (JobClient job : jobs) {
          assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS))
              .as("job %s still running", job.getJobID())
              .isEqualTo(JobStatus.RUNNING);
        }
      } finally {
        if (gateway != null) {
          gateway.close();
        }
        for (JobClient job : jobs) {
          job.cancel().get(60, TimeUnit.SECONDS);
        }
      }

      // 7. The community's export names the member that opted in and a pseudonym for the other.
      EdgeCommandsTest.Result export =
          EdgeCommandsTest.run(
              "",
              "sightings",
              "export",
              "--stix",
              "--kafka",
              bootstrap,
              "--audience",
              "community",
              "--members",
              members.toString(),
              "--out",
              dir.resolve("community.json").toString());
      assertThat(export.exit()).as(export.err()).isZero();
      String bundleText = Files.readString(dir.resolve("community.json"));
      assertThat(bundleText).doesNotContain(RAIL).contains(AIRLINE);
      Set<String> identityNames = new TreeSet<>();
      JSON.readTree(bundleText)
          .get("objects")
          .forEach(
              o -> {
                if (o.get("type").asText().equals("identity")) {
                  identityNames.add(o.get("name").asText());
                }
              });
      assertThat(identityNames).containsExactlyInAnyOrder(AIRLINE, "Pseudonymous ISAC member");

      // 8. The trends job's figures, recomputed from what the topics hold.
      EdgeCommandsTest.Result trends =
          EdgeCommandsTest.run(
              "", "trends", "--bootstrap", bootstrap, "--members", members.toString(), "--bounded");
      assertThat(trends.exit()).as(trends.err()).isZero();
      assertThat(trends.out())
          .containsPattern("sightings: +sightings +4 records")
          .containsPattern("indicators: +indicators +3 records")
          .containsPattern("campaign alerts: +campaign-alerts +[1-9]\\d* records");
    }
  }

  static void edge(Path dir, String member, String sector, String log, String bootstrap, int events)
      throws Exception {
    EdgeCommandsTest.Result r = sanitize(dir, member, sector, log, "--kafka", bootstrap);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out() + r.err()).as("edge of %s", member).contains("events out: " + events + " ");
  }

  /**
   * {@code signalbox sanitize} of {@code member}'s Zeek JSON {@code log} with its own policy
   * (TLP:AMBER) and keys in {@code dir}, to Kafka as {@code kafka} says ({@code --kafka ...}).
   */
  static EdgeCommandsTest.Result sanitize(
      Path dir, String member, String sector, String log, String... kafka) throws Exception {
    Path policy =
        Files.writeString(
            dir.resolve(member + "-policy.yaml"),
            String.join(
                "\n",
                "id: " + member + "-edge",
                "version: \"2026-12-1\"",
                "tlp: AMBER",
                "keyFile: " + member + ".keys.yaml",
                ""));
    Path in = Files.writeString(dir.resolve(member + "-dns.log"), log, StandardCharsets.UTF_8);
    List<String> args =
        new ArrayList<>(
            List.of(
                "sanitize",
                "--format",
                "zeek-json",
                "--member",
                member,
                "--sector",
                sector,
                "--policy",
                policy.toString(),
                "--in",
                in.toString()));
    args.addAll(List.of(kafka));
    return EdgeCommandsTest.run("", args.toArray(String[]::new));
  }

  /** The secretariat's bundle: the campaign's domain, a rail-only suffix, an airline-only name. */
  static String bundle() {
    return "{\"type\":\"bundle\",\"id\":\"bundle--6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b\","
        + "\"objects\":["
        + indicator(
            CAMPAIGN,
            "TARMAC PANDA C2",
            "[domain-name:value = 'update.tarmac-panda.example']",
            GREEN)
        + ","
        + indicator(
            RAIL_ONLY,
            "signal-relay infrastructure",
            "[domain-name:value LIKE '%.signal-relay.example']",
            AMBER)
        + ","
        + indicator(
            AIRLINE_ONLY,
            "crew portal phishing",
            "[domain-name:value = 'crew-portal.example.net']",
            AMBER)
        + "]}";
  }

  /** The gateway's configuration file, as the README writes it: a collection per member. */
  static GatewayConfig gatewayConfig(Path dir, Map<String, String> passwords) throws Exception {
    Path gatewayYaml = dir.resolve("gateway.yaml");
    Files.writeString(
        gatewayYaml,
        String.join(
            "\n",
            "title: Transport ISAC feed",
            "apiRoot: isac",
            "pseudonymKey: 00112233445566778899aabbccddeeff",
            "collections:",
            "  - audience: member:" + RAIL,
            "  - audience: member:" + AIRLINE,
            "members:",
            "  - name: " + RAIL,
            "    passwordHash: " + hashPassword(passwords.get(RAIL)),
            "    audiences: [member:" + RAIL + "]",
            "  - name: " + AIRLINE,
            "    passwordHash: " + hashPassword(passwords.get(AIRLINE)),
            "    audiences: [member:" + AIRLINE + "]",
            ""));
    return GatewayConfig.read(gatewayYaml);
  }

  static String hashPassword(String password) {
    EdgeCommandsTest.Result r = EdgeCommandsTest.run(password + "\n", "gateway", "hash-password");
    assertThat(r.exit()).as(r.err()).isZero();
    return r.out().strip();
  }

  static Configuration jobConf(String bootstrap, Path members) {
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    conf.set(CorrelateOptions.BOOTSTRAP_SERVERS, bootstrap);
    conf.set(CorrelateOptions.MEMBERS, members.toString());
    // The commands' RocksDB would cost three jobs' worth of native memory on a small CI machine
    // and prove nothing here; checkpoints often, so that what the sinks wrote is committed soon.
    conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
    conf.set(CorrelateOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
    return conf;
  }

  static JobClient submit(Configuration conf, Attach attach, String name) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    CorrelateJob.configure(env, conf);
    env.setParallelism(1);
    attach.to(env, conf);
    return env.executeAsync(name);
  }

  interface Attach {
    void to(StreamExecutionEnvironment env, Configuration conf) throws Exception;
  }

  static JobClient startCorrelate(String bootstrap, Path members) throws Exception {
    Configuration conf = jobConf(bootstrap, members);
    CorrelateOptions.secretariatSource(conf);
    return submit(
        conf,
        (env, c) -> {
          CorrelateJob.reuseObjects(env, c);
          CorrelateKafka.attach(env, c, false);
        },
        "walkthrough correlate");
  }

  static JobClient startCampaigns(String bootstrap, Path members, Path keyFile) throws Exception {
    Configuration conf = jobConf(bootstrap, members);
    conf.set(CampaignOptions.MEMBERS, members.toString());
    conf.set(CampaignOptions.PSEUDONYM_KEY, Files.readString(keyFile).strip());
    return submit(conf, (env, c) -> CampaignKafka.attach(env, c, false), "walkthrough campaigns");
  }

  static JobClient startTrends(String bootstrap, Path members) throws Exception {
    Configuration conf = jobConf(bootstrap, members);
    conf.set(TrendsOptions.MEMBERS, members.toString());
    return submit(conf, (env, c) -> TrendsKafka.attach(env, c, false), "walkthrough trends");
  }

  /** A collection's objects hold sightings of each value and the alert on {@code alertOf}. */
  static Predicate<List<JsonNode>> holds(Set<String> matchedValues, String alertOf) {
    return objects -> {
      Set<String> seen = new TreeSet<>();
      boolean alert = false;
      for (JsonNode o : objects) {
        if (o.get("type").asText().equals("sighting")) {
          seen.add(o.path("x_signalbox_matched_value").asText());
        }
        if (o.get("type").asText().equals("grouping")) {
          alert |= o.path("x_signalbox_key_value").asText().equals(alertOf);
        }
      }
      return seen.containsAll(matchedValues) && alert;
    };
  }

  /**
   * A member's own collection: its sightings only, each where-sighted its own named identity, with
   * what matched, and each indicator ref (of a sighting or the alert) served in the collection.
   */
  static void assertOwnFeed(List<JsonNode> objects, String member, Set<String> indicators) {
    Map<String, JsonNode> byId = new HashMap<>();
    objects.forEach(o -> byId.put(o.get("id").asText(), o));
    String self = StixObjects.namedIdentityId(member);
    assertThat(byId).as("%s names itself in its own feed", member).containsKey(self);
    assertThat(byId.get(self).get("name").asText()).isEqualTo(member);

    Set<String> identities = new TreeSet<>();
    Set<String> referred = new TreeSet<>();
    for (JsonNode o : objects) {
      switch (o.get("type").asText()) {
        case "identity" -> identities.add(o.get("id").asText());
        case "sighting" -> {
          assertThat(o.get("where_sighted_refs"))
              .as("%s's feed holds only its own sightings: %s", member, o)
              .extracting(JsonNode::asText)
              .containsExactly(self);
          assertThat(o.path("x_signalbox_matched_value").asText()).isNotEmpty();
          String ref = o.get("sighting_of_ref").asText();
          assertThat(byId)
              .as("%s: sighting_of_ref %s resolves in the collection", member, ref)
              .containsKey(ref);
          assertThat(byId.get(ref).get("type").asText()).isEqualTo("indicator");
          assertThat(o.has("x_signalbox_withheld_refs")).isFalse();
          referred.add(ref);
        }
        case "grouping" ->
            o.get("object_refs")
                .forEach(
                    r ->
                        assertThat(byId)
                            .as("%s: the alert's ref %s resolves", member, r.asText())
                            .containsKey(r.asText()));
        default -> {}
      }
    }
    assertThat(identities).as("%s's feed names nobody but itself", member).containsExactly(self);
    assertThat(referred).isEqualTo(indicators);
  }

  /** A TAXII 2.1 client of one member: basic auth, the TAXII media type, pages followed. */
  static final class Taxii {
    static final String MEDIA = "application/taxii+json;version=2.1";
    final HttpClient http = HttpClient.newHttpClient();
    final String root;
    final String auth;

    Taxii(String root, String user, String password) {
      this.root = root;
      this.auth =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> get(String path) throws Exception {
      return http.send(
          HttpRequest.newBuilder(URI.create(root + path))
              .header("Accept", MEDIA)
              .header("Authorization", auth)
              .timeout(Duration.ofSeconds(30))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }

    int status(String path) throws Exception {
      return get(path).statusCode();
    }

    JsonNode json(String path) throws Exception {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
      return JSON.readTree(r.body());
    }

    /** The path of the only collection this member may read, found from discovery. */
    String onlyCollection() throws Exception {
      String apiRoot = URI.create(json("taxii2/").get("api_roots").get(0).asText()).getPath();
      String collections = apiRoot.substring(1) + "collections/";
      JsonNode list = json(collections).get("collections");
      assertThat(list).hasSize(1);
      return collections + list.get(0).get("id").asText() + "/";
    }

    List<JsonNode> objects(String collection) throws Exception {
      List<JsonNode> all = new ArrayList<>();
      String next = null;
      do {
        JsonNode page = json(collection + "objects/" + (next == null ? "" : "?next=" + next));
        page.path("objects").forEach(all::add);
        next = page.path("more").asBoolean() ? page.path("next").asText() : null;
      } while (next != null);
      return all;
    }

    /** Polls the collection as a member would until {@code done} holds, at most {@link #WAIT}. */
    List<JsonNode> objectsOnceThere(String collection, Predicate<List<JsonNode>> done)
        throws Exception {
      long deadline = System.nanoTime() + WAIT.toNanos();
      List<JsonNode> objects = objects(collection);
      while (!done.test(objects) && System.nanoTime() < deadline) {
        Thread.sleep(500);
        objects = objects(collection);
      }
      assertThat(done.test(objects))
          .as(
              "within %s the collection %s held its sightings and the campaign alert; it held %s",
              WAIT, collection, objects)
          .isTrue();
      return objects;
    }
  }
}
