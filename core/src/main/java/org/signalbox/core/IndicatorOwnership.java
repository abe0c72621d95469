package org.signalbox.core;

/**
 * Who may change an indicator: the one rule that the correlate job ({@code IndicatorLifecycle}) and
 * the TAXII gateway both apply, so that the gateway never serves a version the job refused.
 *
 * <p>An id belongs to its original source, the {@code source} of the first version accepted. A
 * later version, revocation or change of validity naming another source is refused ({@value
 * #REFUSED_REASON}) and the held version stays in force, whatever version number it claims (the
 * sender chooses it). The secretariat may change anyone's indicator; such a change is applied and
 * should be audited, and ownership stays with the original source.
 */
public final class IndicatorOwnership {
  private IndicatorOwnership() {}

  /** The reason of a refused change, as dead letters and metrics name it. */
  public static final String REFUSED_REASON = "not-original-source";

  /** The secretariat's source name unless configured otherwise. */
  public static final String DEFAULT_SECRETARIAT_SOURCE = "secretariat";

  /** What a change claiming a source comes to. */
  public enum Verdict {
    /** From the original source, or the first version of the id: apply; its source owns the id. */
    OWNER,
    /** From the secretariat to another source's indicator: apply and audit; ownership stays. */
    SECRETARIAT,
    /** From anyone else: refuse; the held version stays in force. */
    REFUSED
  }

  /**
   * @param original the id's original source, or null if none is known (a new id, or state written
   *     before sources were remembered: the claimed source then becomes the owner)
   * @param claimed the {@code source} the new record names
   */
  public static Verdict judge(String original, String claimed, String secretariatSource) {
    if (original == null || original.equals(claimed)) {
      return Verdict.OWNER;
    }
    return secretariatSource.equals(claimed) ? Verdict.SECRETARIAT : Verdict.REFUSED;
  }

  /** The owner after an accepted change: the original source, or the claimed one for a new id. */
  public static String ownerAfter(String original, String claimed) {
    return original == null ? claimed : original;
  }

  /** Why a {@link Verdict#REFUSED} change was refused, naming both sources. */
  public static String refusal(
      String id, String claimed, String original, String secretariatSource) {
    return "source '"
        + claimed
        + "' may not change "
        + id
        + ": its original source is '"
        + original
        + "' (only the original source and the secretariat '"
        + secretariatSource
        + "' may)";
  }
}
