package smpnet.witness;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The order graph of one witness: lock classes and the edges "taken before" between them.
 *
 * <p>The graph is sparse, as lockdep's: each class keeps the list of its out-edges, and an open-addressing
 * table finds the edge between two classes; memory grows with the number of edges, and a cycle search costs
 * what it visits (its marks are stamped with a search number instead of cleared, so no search allocates or
 * clears anything per class). A dense class-by-class matrix, as this used to be, took quadratic memory:
 * 20,000 classes nested between two shared ones took over a gigabyte.
 *
 * <p>Locking key: every mutation (new class id slot, new edge, new type bit, reported pair, blessing)
 * happens under this object's monitor, and so does every cycle search, so "search, then insert" is one
 * atomic step: of two threads learning opposite edges at once, the second one finds the first's edge.
 * Readers of {@link #edge} take no lock; a stale answer only sends them to the locked slow path.
 */
final class OrderGraph {
    /** One edge of a found path, with the mode pair (an Edge type bit index) the path uses it in. */
    static final class Step {
        final Edge edge;
        final int type;

        Step(Edge edge, int type) {
            this.edge = edge;
            this.type = type;
        }

        boolean fromExclusive() { return (type & 2) != 0; }

        boolean toExclusive() { return (type & 1) != 0; }
    }

    /** What a learn or insert step found: a cycle (report it) or a new edge (report it if asked). */
    static final class Finding {
        final LockClass held;
        final boolean heldExclusive;
        /** The established path from the new class back to the held one; null for a NEW_ORDER finding. */
        final List<Step> path;
        final Edge newEdge;
        final String allowReason;

        Finding(LockClass held, boolean heldExclusive, List<Step> path, Edge newEdge, String allowReason) {
            this.held = held;
            this.heldExclusive = heldExclusive;
            this.path = path;
            this.newEdge = newEdge;
            this.allowReason = allowReason;
        }

        boolean declared() {
            if (path != null) {
                for (Step st : path) {
                    if (st.edge.origin == Edge.Origin.DECLARED) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    private final Witness owner;
    private final ConcurrentHashMap<String, LockClass> byName = new ConcurrentHashMap<>();
    // guarded by this (writes); read lock-free through the volatile array references
    private volatile LockClass[] byId = new LockClass[16];
    /** Every edge, by (from, to): open addressing, linear probing, at most half full. */
    private volatile Edge[] table = new Edge[64];
    private int edgeCount; // guarded by this
    /** Out-edges of each class by class id, in the order they were added; guarded by this. */
    private Edge[][] adjacency = new Edge[16][];
    private int[] degree = new int[16]; // guarded by this
    // Cycle-search scratch, one slot per (class, mode) state, guarded by this: a slot counts only when its
    // mark is the current search's number.
    private int[] mark = new int[0];
    private int[] parent = new int[0];
    private Edge[] via = new Edge[0];
    private byte[] viaType = new byte[0];
    private int[] queue = new int[0];
    private int searchNumber;
    /** One copy of each distinct first-seen stack (most edges are learned at a few sites); guarded by this. */
    private final Map<List<StackTraceElement>, StackTraceElement[]> stacks = new java.util.HashMap<>();
    private int classCount; // guarded by this
    private long searches; // guarded by this; for tests: the fast path must not search
    private final Map<Long, String> blessed = new ConcurrentHashMap<>();
    private final java.util.Set<Long> reported = new java.util.HashSet<>(); // guarded by this
    /** Reported (pair, scope) couples: a reversal is reported once per report scope (e.g. per test); guarded by this. */
    private final java.util.Set<List<Object>> reportedIn = new java.util.HashSet<>();
    private final List<List<String>> declaredOrders = new ArrayList<>(); // guarded by this
    /** When set, every learned edge that is not already in the graph is reported as NEW_ORDER. */
    volatile boolean reportNewOrders;

    OrderGraph(Witness owner) {
        this.owner = owner;
    }

    // ---- classes ----

    LockClass lockClass(String name, LockKind kind, int flags, boolean provisional) {
        LockClass c = byName.get(name);
        if (c == null) {
            c = register(name, kind, flags, provisional);
        }
        if (!provisional && (c.kind() != kind || c.flags() != flags)) {
            settleOrReject(c, kind, flags);
        }
        return c;
    }

    private synchronized LockClass register(String name, LockKind kind, int flags, boolean provisional) {
        LockClass c = byName.get(name);
        if (c != null) {
            return c;
        }
        if (name.isEmpty() || name.chars().anyMatch(ch -> Character.isWhitespace(ch) || ch == '"')) {
            throw new IllegalArgumentException("lock class name must be non-empty, without spaces or quotes: '" + name + "'");
        }
        int id = classCount++;
        c = new LockClass(owner, name, kind, flags, id, provisional);
        if (id >= byId.length) {
            byId = Arrays.copyOf(byId, byId.length * 2);
            adjacency = Arrays.copyOf(adjacency, byId.length);
            degree = Arrays.copyOf(degree, byId.length);
        }
        byId[id] = c;
        byName.put(name, c);
        return c;
    }

    /** As lockClass, but flags are a minimum: see {@link Witness#lockClassAtLeast}. */
    synchronized LockClass lockClassAtLeast(String name, LockKind kind, int flags) {
        LockClass c = byName.get(name);
        if (c == null) {
            return register(name, kind, flags, false);
        }
        if (c.provisional()) {
            c.settle(kind, c.flags() | flags);
        } else if (c.kind() != kind || (c.flags() & flags) != flags) {
            throw new IllegalArgumentException("lock class '" + c.name() + "' already registered as " + c.kind()
                    + " flags=" + LockFlags.names(c.flags()) + ", now asked as " + kind + " with at least flags="
                    + LockFlags.names(flags) + " (register it with those flags too, or ask with its own)");
        }
        return c;
    }

    private synchronized void settleOrReject(LockClass c, LockKind kind, int flags) {
        if (c.provisional()) {
            c.settle(kind, flags);
        } else if (c.kind() != kind || c.flags() != flags) {
            throw new IllegalArgumentException("lock class '" + c.name() + "' already registered as " + c.kind()
                    + " flags=" + LockFlags.names(c.flags()) + ", now asked as " + kind + " flags=" + LockFlags.names(flags));
        }
    }

    LockClass find(String name) { return byName.get(name); }

    synchronized List<LockClass> classes() {
        return new ArrayList<>(Arrays.asList(byId).subList(0, classCount));
    }

    // ---- edges ----

    Edge edge(LockClass from, LockClass to) {
        Edge[] t = table;
        int mask = t.length - 1;
        for (int i = slot(from.id(), to.id()) & mask; ; i = (i + 1) & mask) {
            Edge e = t[i];
            if (e == null || (e.from == from && e.to == to)) {
                return e;
            }
        }
    }

    private static int slot(int from, int to) {
        long h = (((long) from << 32) | (to & 0xFFFFFFFFL)) * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    private Edge putEdge(LockClass from, LockClass to, int types, Edge.Origin origin, String where, StackTraceElement[] stack) {
        if (stack != null && stack.length > 0) {
            StackTraceElement[] known = stacks.putIfAbsent(Arrays.asList(stack), stack);
            stack = known != null ? known : stack;
        }
        Edge e = new Edge(from, to, types, origin, where, stack);
        if ((edgeCount + 1) * 2 > table.length) {
            Edge[] bigger = new Edge[table.length * 2];
            for (Edge old : table) {
                if (old != null) {
                    place(bigger, old);
                }
            }
            table = bigger;
        }
        // Edge's from and to are final: a lock-free reader that sees the reference sees them too.
        place(table, e);
        edgeCount++;
        int a = from.id();
        Edge[] row = adjacency[a];
        if (row == null || degree[a] == row.length) {
            adjacency[a] = row = row == null ? new Edge[4] : Arrays.copyOf(row, row.length * 2);
        }
        row[degree[a]++] = e;
        return e;
    }

    private static void place(Edge[] t, Edge e) {
        int mask = t.length - 1;
        int i = slot(e.from.id(), e.to.id()) & mask;
        while (t[i] != null) {
            i = (i + 1) & mask;
        }
        t[i] = e;
    }

    /** Every edge, sorted by (from, to) class id. */
    synchronized List<Edge> edges() {
        List<Edge> all = new ArrayList<>(edgeCount);
        for (int a = 0; a < classCount; a++) {
            int start = all.size();
            for (int k = 0; k < degree[a]; k++) {
                all.add(adjacency[a][k]);
            }
            all.subList(start, all.size()).sort((x, y) -> Integer.compare(x.to.id(), y.to.id()));
        }
        return all;
    }

    synchronized int edgeCount() { return edgeCount; }

    /**
     * Atomically learns held[i] -> to for each given held entry, unless that closes a cycle (then the edge
     * is not added and a Finding is returned, once per pair of classes).
     */
    synchronized List<Finding> learn(LockClass[] held, boolean[] heldExclusive, int n, LockClass to, boolean toExclusive,
                                     String thread, StackTraceElement[] stack) {
        List<Finding> findings = Collections.emptyList();
        Object scope = Witness.currentScope();
        // one string for the edges of this acquisition; the scope (a test) names where the order came from
        String where = "learned in thread \"" + thread + "\"" + (scope == null ? "" : " during " + scope);
        for (int i = 0; i < n; i++) {
            Finding f = learnOne(held[i], heldExclusive[i], to, toExclusive, where, stack);
            if (f != null) {
                if (findings.isEmpty()) {
                    findings = new ArrayList<>();
                }
                findings.add(f);
            }
        }
        return findings;
    }

    private Finding learnOne(LockClass from, boolean fromEx, LockClass to, boolean toEx, String where, StackTraceElement[] stack) {
        if (!waitsFor(from, to)) {
            return null;
        }
        int bit = Edge.typeBit(fromEx, toEx);
        Edge e = edge(from, to);
        if (e != null && e.has(bit)) {
            return null;
        }
        long pair = pairKey(from, to);
        Edge excluded = blessed.containsKey(pair) ? edge(to, from) : null;
        List<Step> path = findPath(to, toEx, from, fromEx, excluded, false);
        if (path != null) {
            List<Object> inScope = Arrays.asList(pair, Witness.scopeKey());
            if (reportedIn.contains(inScope)) {
                return null;
            }
            List<Step> declared = findPath(to, toEx, from, fromEx, excluded, true);
            path = declared != null ? declared : path; // name the rule broken when there is one
            String allow = Witness.allowance(from.name(), to.name());
            if (allow == null) {
                reported.add(pair);
                reportedIn.add(inScope);
            }
            return new Finding(from, fromEx, path, null, allow);
        }
        if (e != null) {
            e.types |= bit;
            return null;
        }
        Edge added = putEdge(from, to, bit, Edge.Origin.LEARNED, where, stack);
        return reportNewOrders ? new Finding(from, fromEx, null, added, null) : null;
    }

    /**
     * Inserts a declared or imported edge (all modes for declared ones). If the reverse order is already
     * established, returns the Finding (the edge is inserted anyway: a declaration is the rule).
     */
    synchronized Finding insert(LockClass from, LockClass to, int types, Edge.Origin origin, String where, StackTraceElement[] stack) {
        Finding f = null;
        long pair = pairKey(from, to);
        Edge existing = edge(from, to);
        if (existing == null || (existing.types & types) != types || origin == Edge.Origin.DECLARED) {
            List<Step> path = findPath(to, true, from, true, blessed.containsKey(pair) ? edge(to, from) : null, false);
            if (path != null && reported.add(pair)) {
                f = new Finding(from, true, path, null, null);
            }
        }
        if (existing == null) {
            putEdge(from, to, types, origin, where, stack);
        } else {
            existing.types |= types;
            if (origin == Edge.Origin.DECLARED) {
                existing.origin = origin;
                existing.where = where;
            }
        }
        return f;
    }

    synchronized void declared(List<String> order) {
        declaredOrders.add(Collections.unmodifiableList(new ArrayList<>(order)));
    }

    synchronized List<List<String>> declaredOrders() { return new ArrayList<>(declaredOrders); }

    void bless(LockClass a, LockClass b, String reason) {
        blessed.put(pairKey(a, b), reason);
    }

    String blessing(LockClass a, LockClass b) { return blessed.get(pairKey(a, b)); }

    /** Blessed pairs as "a b" (names sorted) to reason, sorted. */
    Map<String, String> blessings() {
        Map<String, String> m = new TreeMap<>();
        for (Map.Entry<Long, String> en : blessed.entrySet()) {
            LockClass a = byId[(int) (en.getKey() >>> 32)];
            LockClass b = byId[(int) (long) en.getKey()];
            m.put(a.name() + " " + b.name(), en.getValue());
        }
        return m;
    }

    synchronized int reportedPairs() { return reported.size(); }

    /** The pairs reported as a reversal so far, as "a b" (names sorted), sorted. */
    synchronized List<String> reportedPairNames() {
        List<String> names = new ArrayList<>();
        for (long pair : reported) {
            String a = byId[(int) (pair >>> 32)].name();
            String b = byId[(int) pair].name();
            names.add(a.compareTo(b) <= 0 ? a + " " + b : b + " " + a);
        }
        Collections.sort(names);
        return names;
    }

    synchronized long searches() { return searches; }

    private static long pairKey(LockClass a, LockClass b) {
        int x = Math.min(a.id(), b.id());
        int y = Math.max(a.id(), b.id());
        return ((long) x << 32) | (y & 0xFFFFFFFFL);
    }

    /** False for "a SLEEP_DROPS class, then a sleepable one": waiting for the second releases the first. */
    static boolean waitsFor(LockClass from, LockClass to) {
        return !(from.has(LockFlags.SLEEP_DROPS) && to.kind() == LockKind.SLEEPABLE);
    }

    /** A thread asking for c in mode request blocks behind a holder in mode held (see README, "Read/write rules"). */
    static boolean conflicts(LockClass c, boolean request, boolean held) {
        return request || held || !c.has(LockFlags.READERS_PASS_WRITERS);
    }

    /**
     * Breadth-first search for a deadlocking path start ~> target: from the new class (asked in mode
     * startRequest) along edges whose holder mode conflicts with the request arriving at each class, to the
     * held class (held here in mode targetHeld). States are (class, mode asked in), so read rules hold.
     * With declaredOnly, only declared edges count (to tell a declared-order violation from a plain cycle).
     */
    private List<Step> findPath(LockClass start, boolean startRequest, LockClass target, boolean targetHeld, Edge excluded,
                                boolean declaredOnly) {
        searches++;
        int stamp = newSearch();
        int head = 0;
        int tail = 0;
        int s0 = start.id() * 2 + (startRequest ? 1 : 0);
        mark[s0] = stamp;
        parent[s0] = -1;
        queue[tail++] = s0;
        while (head < tail) {
            int s = queue[head++];
            LockClass c = byId[s >> 1];
            boolean in = (s & 1) != 0;
            if (c == target && conflicts(c, in, targetHeld)) {
                return pathTo(s);
            }
            Edge[] row = adjacency[c.id()];
            for (int k = 0, n = degree[c.id()]; k < n; k++) {
                Edge e = row[k];
                if (e == excluded || (declaredOnly && e.origin != Edge.Origin.DECLARED) || !waitsFor(e.from, e.to)) {
                    continue;
                }
                // Exclusive modes first: a declared edge has every mode, and a mutex's path must not read "shared".
                for (int t = 3; t >= 0; t--) {
                    if ((e.types & (1 << t)) == 0 || !conflicts(c, in, (t & 2) != 0)) {
                        continue;
                    }
                    int next = e.to.id() * 2 + (t & 1);
                    if (mark[next] != stamp) {
                        mark[next] = stamp;
                        parent[next] = s;
                        via[next] = e;
                        viaType[next] = (byte) t;
                        queue[tail++] = next;
                    }
                }
            }
        }
        return null;
    }

    /** Starts a search: sizes the scratch arrays to the classes and returns the new search's mark. */
    private int newSearch() {
        int states = classCount * 2;
        if (mark.length < states) {
            int n = Math.max(states, mark.length * 2);
            mark = Arrays.copyOf(mark, n);
            parent = Arrays.copyOf(parent, n);
            via = Arrays.copyOf(via, n);
            viaType = Arrays.copyOf(viaType, n);
            queue = Arrays.copyOf(queue, n);
        }
        if (++searchNumber == 0) { // wrapped: old marks could look current
            Arrays.fill(mark, 0);
            searchNumber = 1;
        }
        return searchNumber;
    }

    private List<Step> pathTo(int s) {
        List<Step> path = new ArrayList<>();
        for (int x = s; parent[x] != -1; x = parent[x]) {
            path.add(new Step(via[x], viaType[x]));
        }
        Collections.reverse(path);
        return path;
    }
}
