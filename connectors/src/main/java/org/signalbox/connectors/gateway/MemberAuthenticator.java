package org.signalbox.connectors.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * HTTP basic authentication of members against the PBKDF2 hashes of the config file.
 *
 * <p>PBKDF2 is slow on purpose (hundreds of milliseconds), and TAXII clients poll; a verified
 * password is therefore remembered as a SHA-256 of it, salted with a per-process random value, so
 * later requests cost one hash. A wrong password never enters that memory.
 */
public final class MemberAuthenticator {

  /** An authenticated member and the audiences it may read. */
  public record Member(String name, Set<String> audiences) {}

  private final Map<String, GatewayConfig.Member> members;
  private final Map<String, byte[]> verified = new ConcurrentHashMap<>();
  private final byte[] processSalt = new byte[16];

  public MemberAuthenticator(java.util.List<GatewayConfig.Member> members) {
    this.members = members.stream().collect(Collectors.toUnmodifiableMap(m -> m.name, m -> m));
    new java.security.SecureRandom().nextBytes(processSalt);
  }

  /** The member an {@code Authorization} header proves, or empty for anything else. */
  public Optional<Member> authenticate(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(authorization.substring(6).trim()),
              StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    String name = decoded.substring(0, colon);
    String password = decoded.substring(colon + 1);
    GatewayConfig.Member m = members.get(name);
    if (m == null) {
      // Spend the same work as for a known member, so timing does not tell names apart.
      PasswordHash.verify(password.toCharArray(), DUMMY_HASH);
      return Optional.empty();
    }
    byte[] quick = quickHash(name, password);
    byte[] known = verified.get(name);
    boolean ok =
        known != null && MessageDigest.isEqual(known, quick)
            || PasswordHash.verify(password.toCharArray(), m.passwordHash);
    if (!ok) {
      return Optional.empty();
    }
    verified.put(name, quick);
    return Optional.of(new Member(name, Set.copyOf(m.audiences)));
  }

  private static final String DUMMY_HASH = PasswordHash.hash("not-a-member".toCharArray());

  private byte[] quickHash(String name, String password) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(processSalt);
      d.update(name.getBytes(StandardCharsets.UTF_8));
      d.update((byte) 0);
      return d.digest(password.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
