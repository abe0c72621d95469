package org.signalbox.gateway;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.signalbox.stix.export.StixTime;

/**
 * The filters and paging parameters of a TAXII objects, manifest or versions request, validated.
 * Anything the gateway does not understand is rejected with 400 rather than ignored, so a client
 * never mistakes an unfiltered answer for a filtered one.
 */
public final class ObjectQuery {

  /** The server's page size when the client asks for none or for more. */
  public static final int MAX_PAGE = 1000;

  // Plain (trusted) patterns over bounded, server-side validation input; no untrusted regex.
  private static final Pattern TYPE = Pattern.compile("[a-z0-9][a-z0-9-]{1,249}");
  private static final Pattern ID =
      Pattern.compile("[a-z0-9][a-z0-9-]{1,249}--[A-Za-z0-9._-]{1,200}");
  private static final Pattern NEXT = Pattern.compile("[0-9]{1,18}");

  /** What {@code match[version]} selects. */
  enum VersionSelect {
    LAST,
    FIRST,
    ALL,
    AT
  }

  final Optional<Instant> addedAfter;
  final int limit;
  final long after;
  final Set<String> ids;
  final Set<String> types;
  final Set<VersionSelect> versionSelects;
  final Set<Instant> versions;

  private ObjectQuery(
      Optional<Instant> addedAfter,
      int limit,
      long after,
      Set<String> ids,
      Set<String> types,
      Set<VersionSelect> versionSelects,
      Set<Instant> versions) {
    this.addedAfter = addedAfter;
    this.limit = limit;
    this.after = after;
    this.ids = ids;
    this.types = types;
    this.versionSelects = versionSelects;
    this.versions = versions;
  }

  /**
   * Parses the query parameters (each given once; a repeated parameter is a 400).
   *
   * @param allowed which {@code match[...]} fields the endpoint takes
   * @param defaultVersion {@code last} for objects and manifest, {@code all} for versions
   */
  static ObjectQuery parse(
      Map<String, List<String>> params, Set<String> allowed, VersionSelect defaultVersion)
      throws TaxiiException {
    Optional<Instant> addedAfter = Optional.empty();
    int limit = MAX_PAGE;
    long after = -1;
    Set<String> ids = Set.of();
    Set<String> types = Set.of();
    Set<VersionSelect> selects = Set.of(defaultVersion);
    Set<Instant> versions = Set.of();
    for (Map.Entry<String, List<String>> e : params.entrySet()) {
      String name = e.getKey();
      if (e.getValue().size() != 1) {
        throw TaxiiException.badRequest("parameter " + name + " is given more than once");
      }
      String value = e.getValue().get(0);
      switch (name) {
        case "added_after":
          addedAfter =
              Optional.of(
                  StixTime.parse(value)
                      .orElseThrow(
                          () ->
                              TaxiiException.badRequest(
                                  "added_after is not an RFC 3339 timestamp: " + clip(value))));
          break;
        case "limit":
          limit = parseLimit(value);
          break;
        case "next":
          if (!NEXT.matcher(value).matches()) {
            throw TaxiiException.badRequest(
                "next is not a token this server issued: " + clip(value));
          }
          after = Long.parseLong(value);
          break;
        case "match[id]":
          ids = list(name, value, ID);
          break;
        case "match[type]":
          types = list(name, value, TYPE);
          break;
        case "match[version]":
          selects = new LinkedHashSet<>();
          Set<Instant> at = new LinkedHashSet<>();
          for (String v : split(name, value)) {
            switch (v) {
              case "last":
                selects.add(VersionSelect.LAST);
                break;
              case "first":
                selects.add(VersionSelect.FIRST);
                break;
              case "all":
                selects.add(VersionSelect.ALL);
                break;
              default:
                at.add(
                    StixTime.parse(v)
                        .orElseThrow(
                            () ->
                                TaxiiException.badRequest(
                                    "match[version] takes first, last, all or timestamps, not "
                                        + clip(v))));
                selects.add(VersionSelect.AT);
            }
          }
          versions = at;
          break;
        case "match[spec_version]":
          for (String v : split(name, value)) {
            if (!v.equals(StoredObject.SPEC_VERSION)) {
              // Every object here is STIX 2.1; another version matches nothing, which is an
              // answer, not an error.
              types = Set.of("-none-");
            }
          }
          break;
        default:
          throw TaxiiException.badRequest("unsupported parameter or filter: " + clip(name));
      }
      if (name.startsWith("match[") && !allowed.contains(name)) {
        throw TaxiiException.badRequest(name + " is not a filter of this endpoint");
      }
    }
    return new ObjectQuery(addedAfter, limit, after, ids, types, selects, versions);
  }

  private static int parseLimit(String value) throws TaxiiException {
    try {
      int n = Integer.parseInt(value);
      if (n < 1) {
        throw TaxiiException.badRequest("limit must be a positive integer, not " + clip(value));
      }
      return Math.min(n, MAX_PAGE);
    } catch (NumberFormatException e) {
      throw TaxiiException.badRequest("limit must be a positive integer, not " + clip(value));
    }
  }

  private static Set<String> list(String name, String value, Pattern shape) throws TaxiiException {
    Set<String> out = new LinkedHashSet<>();
    for (String v : split(name, value)) {
      if (!shape.matcher(v).matches()) {
        throw TaxiiException.badRequest(name + " has a malformed value: " + clip(v));
      }
      out.add(v);
    }
    return out;
  }

  private static List<String> split(String name, String value) throws TaxiiException {
    List<String> out = new ArrayList<>();
    for (String v : value.split(",", -1)) {
      String t = v.trim();
      if (t.isEmpty()) {
        throw TaxiiException.badRequest(name + " has an empty value");
      }
      out.add(t);
    }
    return out;
  }

  /** Error messages quote client input, but never much of it. */
  static String clip(String s) {
    return s.length() <= 80 ? "'" + s + "'" : "'" + s.substring(0, 80) + "...'";
  }
}
