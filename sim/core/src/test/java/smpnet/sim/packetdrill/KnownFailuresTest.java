package smpnet.sim.packetdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import smpnet.stack.locks.LockMode;

/** The KNOWN-FAILURES list: entries by path and mode ("all" covering every mode), and its format errors. */
class KnownFailuresTest {
    @TempDir Path dir;

    private KnownFailures read(String text) throws IOException {
        return KnownFailures.read(Files.writeString(dir.resolve("KNOWN-FAILURES"), text));
    }

    private String error(String text) {
        return assertThrows(IllegalArgumentException.class, () -> read(text)).getMessage();
    }

    @Test
    void entriesByPathAndMode() throws IOException {
        KnownFailures k = read("""
                # comment

                a/x.pkt giant PACKET the SYN-ACK lacks timestamps in Giant mode
                a/y.pkt all TIMING the RTO is 1 s late
                """);
        assertEquals(Outcome.Kind.PACKET, k.lookup("a/x.pkt", LockMode.GIANT).kind());
        assertEquals("the SYN-ACK lacks timestamps in Giant mode", k.lookup("a/x.pkt", LockMode.GIANT).reason());
        assertEquals(3, k.lookup("a/x.pkt", LockMode.GIANT).line());
        assertNull(k.lookup("a/x.pkt", LockMode.FINE));
        assertEquals(Outcome.Kind.TIMING, k.lookup("a/y.pkt", LockMode.GIANT_OVER_FINE).kind());
        assertNull(k.lookup("a/z.pkt", LockMode.FINE));
        assertEquals(0, KnownFailures.read(dir.resolve("none")).entries().size());
    }

    @Test
    void aBadLineIsAnErrorNamingIt() {
        assertEquals("KNOWN-FAILURES:1: expected PATH MODE KIND reason, found 'a.pkt fine PACKET'", error("a.pkt fine PACKET\n"));
        assertEquals("KNOWN-FAILURES:2: MODE must be fine, giant, giant-over-fine or all, found 'coarse'",
                error("# c\na.pkt coarse PACKET why\n"));
        assertEquals("KNOWN-FAILURES:1: KIND must be one of [PARSE, PACKET, TIMING, SYSCALL, ASSERT, COMMAND, ERROR], found 'WRONG'",
                error("a.pkt fine WRONG why\n"));
        assertEquals("KNOWN-FAILURES:2: a.pkt fine is listed twice", error("a.pkt fine PACKET why\na.pkt fine TIMING why\n"));
    }
}
