package org.signalbox.edge.sanitize;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The mapping every value goes through before the sanitizer decides on it, so that the decision is
 * taken on the same form that leaves (and that the observable normalizer and the correlate job
 * see). It follows the IDNA mapping step (UTS #46) where it matters for hiding a name: NFKC (full-
 * width letters and digits, ligatures, compatibility forms), removal of default-ignorable code
 * points (soft hyphen U+00AD, zero-width space and joiners U+200B..U+200D, word joiner U+2060, BOM
 * U+FEFF, variation selectors, bidi controls...), and the full stops IDNA treats as label
 * separators (U+3002, U+FF0E, U+FF61) mapped to '.'.
 */
final class Folding {
  private Folding() {}

  /** {@code s} folded; ASCII text without ignorables comes back as the same instance. */
  static String fold(String s) {
    boolean plain = true;
    for (int i = 0; i < s.length() && plain; i++) {
      plain = s.charAt(i) < 0x80;
    }
    if (plain) {
      return s;
    }
    String n = Normalizer.normalize(removeIgnorables(s), Normalizer.Form.NFKC);
    StringBuilder sb = new StringBuilder(n.length());
    for (int i = 0; i < n.length(); ) {
      int cp = n.codePointAt(i);
      i += Character.charCount(cp);
      if (isIgnorable(cp)) {
        continue;
      }
      if (cp == 0x3002 || cp == 0xFF0E || cp == 0xFF61) {
        sb.append('.');
      } else {
        sb.appendCodePoint(cp);
      }
    }
    return sb.toString();
  }

  /**
   * A host as written in a log, folded, trimmed, lower-cased and without its trailing dots (one is
   * the root label; more are a spelling the normalizer would refuse but a resolver forgives).
   */
  static String host(String raw) {
    String s = fold(raw).strip().toLowerCase(Locale.ROOT);
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '.') {
      end--;
    }
    return s.substring(0, end);
  }

  private static String removeIgnorables(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (!isIgnorable(cp)) {
        sb.appendCodePoint(cp);
      }
    }
    return sb.toString();
  }

  /** Unicode Default_Ignorable_Code_Point (DerivedCoreProperties.txt). */
  static boolean isIgnorable(int cp) {
    return cp == 0x00AD
        || cp == 0x034F
        || cp == 0x061C
        || cp == 0x115F
        || cp == 0x1160
        || cp == 0x17B4
        || cp == 0x17B5
        || (cp >= 0x180B && cp <= 0x180F)
        || (cp >= 0x200B && cp <= 0x200F)
        || (cp >= 0x202A && cp <= 0x202E)
        || (cp >= 0x2060 && cp <= 0x206F)
        || cp == 0x3164
        || (cp >= 0xFE00 && cp <= 0xFE0F)
        || cp == 0xFEFF
        || cp == 0xFFA0
        || (cp >= 0xFFF0 && cp <= 0xFFF8)
        || (cp >= 0x1BCA0 && cp <= 0x1BCA3)
        || (cp >= 0x1D173 && cp <= 0x1D17A)
        || (cp >= 0xE0000 && cp <= 0xE0FFF);
  }
}
