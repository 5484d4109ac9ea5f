package smpnet.sim.bench.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChildLauncherTest {
    @Test
    void childrenGetTheFixedFlagsThenTheExtraOnes() {
        List<String> extra = List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+DumpPerfMapAtExit", "-Dsmpnet.x=1");
        List<String> all = ChildLauncher.jvmFlags(extra);
        assertEquals(ChildLauncher.JVM_FLAGS, all.subList(0, ChildLauncher.JVM_FLAGS.size()));
        assertEquals(extra, all.subList(ChildLauncher.JVM_FLAGS.size(), all.size()));
    }
}
