package org.signalbox.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.signalbox.core.IndicatorOwnership;
import org.signalbox.schema.AlertDigest;
import org.signalbox.schema.CampaignAlert;
import org.signalbox.schema.Indicator;
import org.signalbox.schema.Sighting;
import org.signalbox.schema.Tlp;
import org.signalbox.schema.support.AvroCodec;
import org.signalbox.stix.export.StixObjects;

/**
 * Turns one Kafka record value of a collection's topics into the STIX object its audience may see.
 *
 * <p>Records are recognized by the writer-schema fingerprint of the Avro single-object encoding, so
 * a feed topic may carry sightings, indicators, campaign alerts and alert digests mixed. Objects
 * marked more restrictively than the collection's {@code maxTlp} are withheld: that check is the
 * last line before a member, independent of what the router upstream decided.
 */
final class FeedRecordConverter {

  enum Outcome {
    CONVERTED,
    WITHHELD_TLP,
    /** An indicator change from another source than the id's original one (the job refuses it). */
    NOT_ORIGINAL_SOURCE,
    UNDECODABLE,
    TOMBSTONE
  }

  /**
   * The objects to store, in order: a sighting of a member named in this audience comes after its
   * member's {@code identity} the first time, so that a client reading in order can resolve it.
   */
  record Result(Outcome outcome, List<ObjectNode> objects, String reason) {
    /** The object the record became (the last), if it became one. */
    Optional<ObjectNode> object() {
      return objects.isEmpty() ? Optional.empty() : Optional.of(objects.get(objects.size() - 1));
    }
  }

  private final AvroCodec<Sighting> sightings = AvroCodec.sighting();
  private final AvroCodec<Indicator> indicators = AvroCodec.indicator();
  private final AvroCodec<CampaignAlert> alerts = AvroCodec.campaignAlert();
  private final AvroCodec<AlertDigest> digests = AvroCodec.alertDigest();
  private final StixObjects stix;
  private final Tlp maxTlp;
  private final String secretariatSource;

  /**
   * Per indicator id, its original source ({@link IndicatorOwnership}). Held as long as the
   * collection's objects are (all in memory); unlike the job, the gateway never frees an id, so an
   * id republished by another source after the job forgot it stays refused here until a restart.
   */
  private final Map<String, String> owners = new ConcurrentHashMap<>();

  /** Where referenced indicators come from; null when the gateway reads no indicators topic. */
  private final IndicatorShelf shelf;

  private final String audience;

  /**
   * Indicator ids that a sighting or alert served here refers to: their versions are served here as
   * they arrive, as far as {@link IndicatorReach} allows. Added to before the shelf is asked, while
   * the shelf stores a version before it tells this converter, so a version arriving at the same
   * moment as the first reference is served by one side or both (the store drops the duplicate),
   * never by neither.
   */
  private final Set<String> referenced = ConcurrentHashMap.newKeySet();

  FeedRecordConverter(StixObjects stix, Tlp maxTlp) {
    this(stix, maxTlp, IndicatorOwnership.DEFAULT_SECRETARIAT_SOURCE);
  }

  FeedRecordConverter(StixObjects stix, Tlp maxTlp, String secretariatSource) {
    this(stix, maxTlp, secretariatSource, null);
  }

  /**
   * @param shelf the indicators that sightings and alerts refer to, served beside them; null for
   *     none
   */
  FeedRecordConverter(
      StixObjects stix, Tlp maxTlp, String secretariatSource, IndicatorShelf shelf) {
    this.stix = stix;
    this.maxTlp = maxTlp;
    this.secretariatSource = secretariatSource;
    this.shelf = shelf;
    this.audience = stix.audience();
  }

  /**
   * The STIX object of a new indicator version on the shelf, when a sighting or alert served here
   * refers to that indicator and its marking allows this audience; empty otherwise.
   */
  Optional<ObjectNode> onIndicator(Indicator i) {
    if (!referenced.contains(i.getId())
        || IndicatorReach.withheldReason(i, audience, maxTlp).isPresent()) {
      return Optional.empty();
    }
    return Optional.of(stix.indicator(i));
  }

  /**
   * The indicators a sighting or alert refers to that may be served here (to be stored before it),
   * and on {@code object} the ones withheld with the reason: {@code x_signalbox_withheld_refs}, an
   * object from indicator id to reason. An indicator the shelf does not hold yet is served when it
   * arrives ({@link #onIndicator}).
   */
  private List<ObjectNode> resolve(List<String> refs, ObjectNode object) {
    if (shelf == null) {
      return List.of();
    }
    List<ObjectNode> served = new ArrayList<>();
    Map<String, String> withheld = new TreeMap<>();
    for (String ref : new LinkedHashSet<>(refs)) {
      referenced.add(ref);
      Indicator i = shelf.get(ref);
      if (i == null) {
        continue;
      }
      Optional<String> reason = IndicatorReach.withheldReason(i, audience, maxTlp);
      if (reason.isPresent()) {
        withheld.put(ref, reason.get());
      } else {
        served.add(stix.indicator(i));
      }
    }
    if (!withheld.isEmpty()) {
      ObjectNode w = object.putObject("x_signalbox_withheld_refs");
      withheld.forEach(w::put);
    }
    return served;
  }

  private static Result converted(List<ObjectNode> before, ObjectNode o) {
    List<ObjectNode> all = new ArrayList<>(before);
    all.add(o);
    return new Result(Outcome.CONVERTED, all, "");
  }

  Result convert(byte[] value) {
    if (value == null) {
      return new Result(Outcome.TOMBSTONE, List.of(), "tombstone");
    }
    String sightingError;
    try {
      Sighting s = sightings.decode(value);
      if (!withinTlp(s.getTlp())) {
        return withheld(s.getTlp());
      }
      ObjectNode sighting = stix.sighting(s);
      List<String> refs = new ArrayList<>();
      refs.add(s.getIndicatorId());
      refs.addAll(s.getMergedIndicatorIds());
      // Identity and indicators before the sighting, so a client reading in order resolves it.
      List<ObjectNode> before = new ArrayList<>();
      stix.firstNamedIdentity(s).ifPresent(before::add);
      before.addAll(resolve(refs, sighting));
      return converted(before, sighting);
    } catch (IOException e) {
      sightingError = e.getMessage();
    }
    String indicatorError;
    try {
      Indicator i = indicators.decode(value);
      // Ownership before TLP: a withheld first version still makes its source the owner.
      String original = owners.get(i.getId());
      if (IndicatorOwnership.judge(original, i.getSource(), secretariatSource)
          == IndicatorOwnership.Verdict.REFUSED) {
        return new Result(
            Outcome.NOT_ORIGINAL_SOURCE,
            List.of(),
            IndicatorOwnership.refusal(i.getId(), i.getSource(), original, secretariatSource));
      }
      owners.putIfAbsent(i.getId(), IndicatorOwnership.ownerAfter(original, i.getSource()));
      return withinTlp(i.getTlp()) ? converted(stix.indicator(i)) : withheld(i.getTlp());
    } catch (IOException e) {
      indicatorError = e.getMessage();
    } catch (IllegalArgumentException e) {
      return undecodable("an Indicator that cannot be served: " + e.getMessage());
    }
    String alertError;
    try {
      CampaignAlert a = alerts.decode(value);
      if (!withinTlp(a.getTlp())) {
        return withheld(a.getTlp());
      }
      ObjectNode grouping = stix.campaignAlert(a);
      List<String> refs = new ArrayList<>();
      grouping.path("object_refs").forEach(r -> refs.add(r.asText()));
      return converted(resolve(refs, grouping), grouping);
    } catch (IOException e) {
      alertError = e.getMessage();
    } catch (IllegalArgumentException e) {
      return undecodable("a CampaignAlert that cannot be served: " + e.getMessage());
    }
    try {
      AlertDigest d = digests.decode(value);
      return withinTlp(d.getTlp()) ? converted(stix.alertDigest(d)) : withheld(d.getTlp());
    } catch (IOException e) {
      return undecodable(
          "neither a Sighting ("
              + sightingError
              + "), an Indicator ("
              + indicatorError
              + "), a CampaignAlert ("
              + alertError
              + ") nor an AlertDigest ("
              + e.getMessage()
              + ")");
    } catch (IllegalArgumentException e) {
      return undecodable("an AlertDigest that cannot be served: " + e.getMessage());
    }
  }

  private static Result undecodable(String reason) {
    return new Result(Outcome.UNDECODABLE, List.of(), reason);
  }

  private boolean withinTlp(Tlp tlp) {
    return tlp.ordinal() <= maxTlp.ordinal();
  }

  private static Result converted(ObjectNode o) {
    return new Result(Outcome.CONVERTED, List.of(o), "");
  }

  private static Result withheld(Tlp tlp) {
    return new Result(Outcome.WITHHELD_TLP, List.of(), "TLP " + tlp);
  }
}
