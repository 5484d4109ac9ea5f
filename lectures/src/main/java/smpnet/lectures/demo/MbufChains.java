package smpnet.lectures.demo;

import java.io.PrintStream;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;

/**
 * Lecture 4: what packets are made of. A small packet in one mbuf, a large one in a chain of clusters, a
 * header prepended, a copy that shares the clusters instead of copying bytes, and the leak report naming
 * the line that allocated an mbuf nobody freed.
 */
public final class MbufChains {
    private MbufChains() {}

    public static void run(PrintStream out) {
        MbufAllocator a = new MbufAllocator(MbufAllocator.Config.defaults("demo").withTracking(true));

        Mbuf small = a.fromBytes(new byte[100], 0, 100, 40, Mbuf.M_NOWAIT);
        out.println("a 100-byte packet, 40 bytes reserved in front for headers:");
        show(out, small);
        small = small.prepend(14, Mbuf.M_NOWAIT);
        out.println("after prepend(14), an Ethernet header: the same mbuf, 14 bytes of its leading space used");
        show(out, small);
        small.freeChain();

        Mbuf big = a.fromBytes(new byte[3000], 0, 3000, Mbuf.M_NOWAIT);
        out.println("a 3000-byte packet: clusters of " + Mbuf.MCLBYTES + " bytes, chained");
        show(out, big);
        big = big.prepend(14, Mbuf.M_NOWAIT);
        out.println("after prepend(14): no leading space in the first cluster, so a new mbuf goes in front");
        show(out, big);

        Mbuf copy = big.copyRange(0, Mbuf.M_COPYALL, Mbuf.M_NOWAIT);
        out.println("copyRange of the whole packet: new mbuf headers, the same clusters (two references each)");
        show(out, copy);
        big.freeChain();
        out.println("the original freed: the copy's clusters are its own again (one reference each)");
        show(out, copy);
        copy.freeChain();

        Mbuf forgotten = a.fromBytes(new byte[60], 0, 60, Mbuf.M_NOWAIT);
        out.println("one packet never freed; the leak report (outstandingReport) says where it was allocated:");
        for (String line : a.outstandingReport()) {
            out.println("  " + line);
        }
        forgotten.freeChain();
        out.println("after its free: " + a.outstanding() + " mbufs and " + a.outstandingClusters() + " clusters outstanding");
    }

    private static void show(PrintStream out, Mbuf head) {
        out.printf("  pktLen %d%n", head.pktLen());
        for (Mbuf m = head; m != null; m = m.next()) {
            out.printf("  %-10s len %4d  leading %4d  trailing %4d  %s%n", m.name(), m.len(), m.leadingSpace(),
                    m.trailingSpace(), m.isExternal() ? (m.isWritable() ? "cluster, writable" : "cluster, shared: not writable")
                            : "internal storage");
        }
    }
}
