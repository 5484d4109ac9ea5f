package smpnet.witness.testing;

/** The JVM properties that the tests of every module read, read here once (listed in the README). */
public final class TestSettings {
    /** {@code smpnet.lincheck}: {@code long} gives the Lincheck tests their large (slow) settings. */
    public static final String LINCHECK_PROPERTY = "smpnet.lincheck";
    /** Whether the Lincheck tests run with their large settings ({@code ./smpnet lincheck}). */
    public static final boolean LINCHECK_LONG = "long".equals(System.getProperty(LINCHECK_PROPERTY));

    private TestSettings() {}
}
