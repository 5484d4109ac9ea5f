package smpnet.witness.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import smpnet.witness.Policy;

class AgentOptionsTest {
    @Test
    void noOptionsRewriteEverythingButTheJdkWitnessAndTheRunners() {
        AgentOptions o = AgentOptions.parse(null);
        assertNull(o.policy);
        assertNull(o.out);
        assertTrue(o.dupok);
        assertTrue(o.rewrites("org.apache.log4j.Category"));
        assertFalse(o.rewrites("java.util.ArrayList"));
        assertFalse(o.rewrites("smpnet.witness.Witness"));
        assertFalse(o.rewrites("org.junit.platform.launcher.core.DefaultLauncher"));
        assertFalse(o.rewrites("org.apache.maven.surefire.booter.ForkedBooter"));
    }

    @Test
    void everyOptionIsRead() {
        AgentOptions o = AgentOptions.parse("policy=throw,out=build/witness,include=org.app.:com.lib.,exclude=org.app.gen.,dupok=off");
        assertEquals(Policy.THROW, o.policy);
        assertEquals(Path.of("build/witness"), o.out);
        assertFalse(o.dupok);
        assertTrue(o.rewrites("org.app.Bank"));
        assertTrue(o.rewrites("com.lib.Pool"));
        assertFalse(o.rewrites("org.app.gen.Parser"));
        assertFalse(o.rewrites("net.other.Thing"));
    }

    @Test
    void aBadOptionIsAClearError() {
        assertEquals("witness agent: unknown option 'polcy' (policy, out, include, exclude, dupok)",
                assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("polcy=warn")).getMessage());
        assertEquals("witness agent: expected key=value, got 'warn'",
                assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("warn")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("policy=loud"));
    }
}
