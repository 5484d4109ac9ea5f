package smpnet.witness.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import smpnet.witness.Policy;
import smpnet.witness.Witness;

/**
 * A lock made while witness was off stays unchecked; once witness is switched on, taking it is reported
 * (UNCHECKED_LOCK, once per class), so a test using it fails loudly instead of passing or failing by which
 * test ran first. Run in a child JVM: the test JVMs run with witness on from the start.
 */
class UncheckedLockTest {
    @Test
    void takingALockMadeWhileWitnessWasOffIsReportedOnce() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                UncheckedLockTest.class.getName())).redirectErrorStream(true).start();
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(true, done, out);
        assertEquals("[UNCHECKED_LOCK]\nlock class: early\n", out.replaceAll("(?s)(lock class: early\n).*", "$1"));
    }

    /** The child: a lock made with witness off, then witness switched on, then the lock taken twice. */
    public static void main(String[] args) {
        ReentrantLock early = WitnessLocks.reentrantLock("early");
        Witness w = Witness.enable();
        w.setPolicy(Policy.COUNT);
        early.lock();
        early.unlock();
        early.lock();
        early.unlock();
        System.out.println(w.reports().stream().map(r -> r.kind().name()).toList());
        System.out.print(w.reports().get(0).text().lines().filter(l -> l.startsWith("  lock class"))
                .map(l -> l.trim() + "\n").findFirst().orElse("none\n"));
    }
}
