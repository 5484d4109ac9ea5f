package smpnet.labs.leak;

import static smpnet.labs.grading.Checks.check;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import smpnet.labs.grading.Checkpoint;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.mbuf.MbufMisuseException;

/**
 * Lab 4's checkpoints. Every packet is built from a seed; after each kind of packet the grader reads the
 * allocator's count of outstanding mbufs and its leak report, so a leak is pinned to the kind of packet
 * whose path forgot to free it.
 */
final class Lab04 {
    /** Misuses seen by the checkpoints so far (no-misuse reports them). */
    private static final List<String> MISUSES = new ArrayList<>();

    private Lab04() {}

    private static MbufAllocator allocator() {
        return new MbufAllocator(MbufAllocator.Config.defaults("lab04").withTracking(true));
    }

    /**
     * The driver: a received tunnel packet, as the NIC's ithread would allocate it. A {@code split} packet
     * is a chain whose first mbuf holds only the first 3 bytes, at the very end of a cluster: its header
     * is in two pieces, and {@code pullup} must put a new mbuf in front to join them.
     */
    private static Mbuf packet(MbufAllocator a, int magic, int length, int tunnel, int seq, String payload, int pad,
                               boolean split) {
        byte[] body = payload.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(Decap.HEADER + body.length + pad);
        b.putShort((short) magic).putShort((short) length).putShort((short) tunnel).putShort((short) seq).put(body);
        if (!split) {
            return a.fromBytes(b.array(), 0, b.capacity(), Mbuf.M_NOWAIT);
        }
        Mbuf head = a.fromBytes(b.array(), 0, 3, Mbuf.MCLBYTES - 3, Mbuf.M_NOWAIT);
        head.concat(a.fromBytes(b.array(), 3, b.capacity() - 3, Mbuf.M_NOWAIT));
        return head;
    }

    /** Runs {@code m} through the student's decapsulator, recording a misuse instead of stopping. */
    private static void input(Decap d, Mbuf m, String what) {
        try {
            d.input(m);
        } catch (MbufMisuseException e) {
            MISUSES.add(what + ": " + e.getMessage());
        }
    }

    @Checkpoint(order = 1, id = "delivers", points = 3,
            title = "30 good packets (some padded, some chains): each payload delivered once, in order, none left")
    static void delivers() {
        MbufAllocator a = allocator();
        Sink sink = new Sink();
        Decap d = new Decap(sink);
        Random r = new Random(404);
        List<String> want = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            int tunnel = 1 + r.nextInt(3);
            String payload = "payload-" + i + "-" + "x".repeat(r.nextInt(300));
            int pad = i % 4 == 0 ? 1 + r.nextInt(20) : 0;
            input(d, packet(a, Decap.MAGIC, payload.length(), tunnel, i, payload, pad, i % 3 == 0), "good packet " + i);
            want.add(tunnel + ":" + payload);
        }
        if (!MISUSES.isEmpty()) {
            check(false, "a good packet was used after it was freed (or freed twice): " + MISUSES.getFirst()
                    + "\nSink.deliver takes the packet over and frees it: after the call the packet is not yours.");
        }
        check(sink.delivered().equals(want), "the sink received " + sink.delivered().size() + " payloads, not the 30"
                + " sent, or not the same bytes (a padded packet must lose its pad, every packet its 8-byte header)");
        check(a.outstanding() == 0, a.outstanding() + " mbuf(s) outstanding after 30 good packets were delivered:\n  "
                + String.join("\n  ", a.outstandingReport()));
    }

    @Checkpoint(order = 2, id = "drops-free", points = 5,
            title = "40 bad packets of four kinds (half of them chains): each counted under its reason, and freed")
    static void dropsFree() {
        for (DropReason why : DropReason.values()) {
            MbufAllocator a = allocator();
            Sink sink = new Sink();
            Decap d = new Decap(sink);
            input(d, packet(a, Decap.MAGIC, 4, 7, 100, "seed", 0, false), "the first packet of tunnel 7");
            for (int i = 0; i < 10; i++) {
                input(d, bad(a, why, i), "a " + why + " packet");
            }
            check(sink.drops(why) == 10, "10 packets that should be dropped as " + why + " were counted "
                    + sink.drops(why) + " times under " + why);
            long left = a.outstanding();
            if (left > 0) {
                List<String> report = a.outstandingReport();
                check(false, left + " mbuf(s) of the 10 packets dropped as " + why + " were never freed (a chain"
                        + " leaks all its mbufs). The leak report:\n  "
                        + String.join("\n  ", report.subList(0, Math.min(3, report.size())))
                        + (report.size() > 3 ? "\n  ... (" + (report.size() - 3) + " more)" : "")
                        + "\nThe allocation sites say where the mbufs were made (the grader's driver, or a pullup"
                        + " that put a new head in front), not where the bug is: the counter that grew is " + why
                        + ", so some path that counts " + why + " returns without passing on or freeing the"
                        + " packet it owns (its head now, which pullup may have replaced).");
            }
        }
    }

    /**
     * The {@code i}-th bad packet of kind {@code why} (odd ones split); the decapsulator has seen seq 100 on
     * tunnel 7.
     */
    private static Mbuf bad(MbufAllocator a, DropReason why, int i) {
        return switch (why) {
            case TOO_SHORT -> a.fromBytes(new byte[i % Decap.HEADER], 0, i % Decap.HEADER, Mbuf.M_NOWAIT);
            case BAD_MAGIC -> packet(a, 0x4500 + i, 4, 7, 200 + i, "data", 0, i % 2 == 1);
            case TRUNCATED -> packet(a, Decap.MAGIC, 50 + i, 7, 200 + i, "only-this", 0, i % 2 == 1);
            case DUPLICATE -> packet(a, Decap.MAGIC, 3, 7, 90 + i, "old", 0, i % 2 == 1);
        };
    }

    @Checkpoint(order = 3, id = "no-misuse", points = 3,
            title = "no packet freed twice or used after its free, on any path of the runs above")
    static void noMisuse() {
        if (!MISUSES.isEmpty()) {
            check(false, MISUSES.size() + " misuse(s) of freed mbufs; the first, on " + MISUSES.getFirst()
                    + "\nA packet has one owner: whoever frees it (you, the sink, or pullup when it fails) ends it."
                    + " Find who freed it first (\"freed at\") and remove the other free.");
        }
    }
}
