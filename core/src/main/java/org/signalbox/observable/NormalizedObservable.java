package org.signalbox.observable;

import org.signalbox.schema.ObservableType;

/**
 * A value in canonical form with its (possibly corrected) type: an IPv4-mapped IPv6 address comes
 * back as {@link ObservableType#IPV4}.
 */
public record NormalizedObservable(ObservableType type, String value) {}
