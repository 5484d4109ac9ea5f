package smpnet.witness.testing;

import java.util.LinkedHashMap;
import java.util.Map;

/** System properties saved when created and put back (or cleared again) when closed: for tests that set them. */
public final class SavedProperties implements AutoCloseable {
    private final Map<String, String> saved = new LinkedHashMap<>();

    /** Saves {@code names}' current values and clears them, so a test starts from the defaults. */
    public SavedProperties(String... names) {
        for (String n : names) {
            saved.put(n, System.getProperty(n));
            System.clearProperty(n);
        }
    }

    @Override
    public void close() {
        saved.forEach((n, v) -> {
            if (v == null) System.clearProperty(n); else System.setProperty(n, v);
        });
    }
}
