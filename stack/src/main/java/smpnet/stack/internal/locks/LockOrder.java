package smpnet.stack.internal.locks;

import java.util.ArrayList;
import java.util.List;
import smpnet.stack.locks.LockInventory;

/**
 * The lock order of the stack as data: the one place where it is declared (DESIGN.md, "Lock inventory and
 * order"). Derived from {@link LockInventory#rank()}: every class comes before every class of a greater
 * rank; classes of equal rank (tcbinfo/udbinfo, txring/rxring, the leaves of row 13) are never held
 * together and are left unordered. {@link WitnessOrderLoader} hands it to witness when a stack starts.
 */
public final class LockOrder {
    private LockOrder() {}

    /** One declared edge: {@code first} may be held while taking {@code second}, never the reverse. */
    public record Edge(LockInventory first, LockInventory second) {
        @Override public String toString() { return first.className() + " -> " + second.className(); }
    }

    /** Every declared edge, in rank order of the first class then the second. */
    public static List<Edge> edges() {
        List<Edge> out = new ArrayList<>();
        for (LockInventory a : LockInventory.values()) {
            for (LockInventory b : LockInventory.values()) {
                if (a.rank() < b.rank()) out.add(new Edge(a, b));
            }
        }
        return List.copyOf(out);
    }

    /**
     * The order as a few chains of class names, each a list to be taken first to last; together (with
     * transitivity) they state exactly {@link #edges()}. This is the shape witness's declared-order API and
     * its text file take.
     */
    public static List<List<String>> chains() {
        List<List<String>> chains = new ArrayList<>();
        int maxPeers = 0;
        for (LockInventory c : LockInventory.values()) maxPeers = Math.max(maxPeers, peersOf(c).size());
        // Chain i takes the i-th class of every rank (or the last one if the rank has fewer): every pair of
        // consecutive ranks is then linked for every class, which with transitivity gives all edges.
        for (int i = 0; i < maxPeers; i++) {
            List<String> chain = new ArrayList<>();
            for (int rank = 0; rank <= maxRank(); rank++) {
                List<LockInventory> peers = ofRank(rank);
                if (!peers.isEmpty()) chain.add(peers.get(Math.min(i, peers.size() - 1)).className());
            }
            chains.add(List.copyOf(chain));
        }
        return List.copyOf(chains);
    }

    /** True if a lock of class {@code held} may be held while blocking on one of class {@code wanted}. */
    public static boolean allows(LockInventory held, LockInventory wanted) {
        return held.rank() < wanted.rank();
    }

    /** The order as text, one chain a line ("sblock -> Giant -> ..."), for documentation and lectures. */
    public static String describe() {
        StringBuilder sb = new StringBuilder();
        for (List<String> chain : chains()) sb.append(String.join(" -> ", chain)).append('\n');
        return sb.toString();
    }

    private static List<LockInventory> peersOf(LockInventory c) { return ofRank(c.rank()); }

    private static List<LockInventory> ofRank(int rank) {
        List<LockInventory> out = new ArrayList<>();
        for (LockInventory c : LockInventory.values()) if (c.rank() == rank) out.add(c);
        return out;
    }

    private static int maxRank() {
        int max = 0;
        for (LockInventory c : LockInventory.values()) max = Math.max(max, c.rank());
        return max;
    }
}
