package smpnet.witness;

import java.util.Locale;

/**
 * The JVM properties witness reads, all of them, here (the README lists them with their defaults; their
 * names are public as {@link Witness#PROPERTY}, {@link Witness#POLICY_PROPERTY} and
 * {@link Witness#SITES_PROPERTY}). Read when the JVM's verifier is first asked for, or created.
 */
final class WitnessSettings {
    private WitnessSettings() {}

    /** Whether {@code -Dsmpnet.witness} asks for the JVM's verifier: on, true, 1 or empty. Default: off. */
    static boolean enabled() {
        String v = System.getProperty(Witness.PROPERTY);
        return v != null && (v.equals("on") || v.equals("true") || v.equals("1") || v.isEmpty());
    }

    /** What a report does, from {@code -Dsmpnet.witness.policy}: throw, warn or count. Default: warn. */
    static Policy policy() {
        String p = System.getProperty(Witness.POLICY_PROPERTY);
        return p == null ? Policy.WARN : Policy.valueOf(p.trim().toUpperCase(Locale.ROOT));
    }

    /** Whether {@code -Dsmpnet.witness.sites=on} asks for the site of every acquisition. Default: off. */
    static boolean recordSites() {
        return "on".equalsIgnoreCase(System.getProperty(Witness.SITES_PROPERTY));
    }
}
