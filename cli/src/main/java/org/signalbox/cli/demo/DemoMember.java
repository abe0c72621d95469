package org.signalbox.cli.demo;

import org.signalbox.schema.Sector;

/** A generated member: its pseudonymous id (also its topic suffix) and sector. */
public record DemoMember(String id, Sector sector) {}
