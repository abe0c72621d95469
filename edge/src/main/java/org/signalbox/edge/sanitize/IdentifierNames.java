package org.signalbox.edge.sanitize;

import java.util.List;
import java.util.Locale;

/**
 * Field names that say the field identifies a person or a machine. A parser gives known fields
 * their kind (USER, IDENTIFIER, INTERNAL_HOST); this catches the fields no parser table knows, such
 * as a vendor's CEF custom key {@code adminUserName}, when a policy glob would let them pass as
 * text. The name's last segment is compared lower-cased and without separators.
 */
final class IdentifierNames {
  private static final List<String> PARTS =
      List.of(
          "user",
          "usr",
          "account",
          "login",
          "logon",
          "owner",
          "principal",
          "email",
          "mail",
          "hostname",
          "host",
          "computer",
          "workstation",
          "machine",
          "ntdom",
          "domain",
          "mac",
          "uid",
          "sid",
          "person",
          "employee",
          "phone",
          "msisdn",
          "imsi",
          "imei",
          "serial");

  private IdentifierNames() {}

  static boolean looksLikeIdentifier(String field) {
    int dot = field.lastIndexOf('.');
    String last = field.substring(dot + 1).toLowerCase(Locale.ROOT);
    StringBuilder sb = new StringBuilder(last.length());
    for (int i = 0; i < last.length(); i++) {
      char c = last.charAt(i);
      if (c != '_' && c != '-' && c != '[' && c != ']') {
        sb.append(c);
      }
    }
    String n = sb.toString();
    for (String p : PARTS) {
      if (n.contains(p)) {
        return true;
      }
    }
    return false;
  }
}
