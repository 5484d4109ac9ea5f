package smpnet.witness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import smpnet.witness.testing.SavedProperties;

/** Each witness property's default, and what a value given with -D makes of it. */
class WitnessSettingsTest {
    private final SavedProperties saved = new SavedProperties(Witness.PROPERTY, Witness.POLICY_PROPERTY,
            Witness.SITES_PROPERTY);

    @AfterEach
    void restore() {
        saved.close();
    }

    @Test
    void enabledByOnTrueOneOrEmpty() {
        for (String v : Arrays.asList("on", "true", "1", "")) {
            System.setProperty("smpnet.witness", v);
            assertTrue(WitnessSettings.enabled(), v);
        }
        System.setProperty("smpnet.witness", "off");
        assertFalse(WitnessSettings.enabled());
        System.clearProperty("smpnet.witness");
        assertFalse(WitnessSettings.enabled());
    }

    @Test
    void policyWarnByDefault() {
        System.clearProperty("smpnet.witness.policy");
        assertEquals(Policy.WARN, WitnessSettings.policy());
        System.setProperty("smpnet.witness.policy", " Count ");
        assertEquals(Policy.COUNT, WitnessSettings.policy());
        System.setProperty("smpnet.witness.policy", "throw");
        assertEquals(Policy.THROW, WitnessSettings.policy());
        System.setProperty("smpnet.witness.policy", "explode");
        assertThrows(IllegalArgumentException.class, WitnessSettings::policy);
    }

    @Test
    void sitesOffByDefault() {
        System.clearProperty("smpnet.witness.sites");
        assertFalse(WitnessSettings.recordSites());
        System.setProperty("smpnet.witness.sites", "ON");
        assertTrue(WitnessSettings.recordSites());
    }
}
