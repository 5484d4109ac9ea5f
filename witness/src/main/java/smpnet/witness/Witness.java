package smpnet.witness;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.SwitchPoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The lock-order verifier of one JVM (like a kernel's WITNESS). Lock implementations report events to it;
 * it learns the order of lock classes and reports reversals and misuse.
 *
 * <p>Hook contract for lock implementations (smpnet's {@code locking} module, or adapters):
 * <pre>
 *   blocking acquire:  checkOrder(lock, cls, excl, false); ...wait...; locked(lock, cls, excl, false)
 *   try acquire:       if (obtained) locked(lock, cls, excl, true)    (checkOrder is not called)
 *   release:           unlocked(lock, cls, excl)
 *   mode change:       upgraded(lock, cls) / downgraded(lock, cls)
 *   about to block:    sleeping(kind, interlockOrNull)
 *   handlers:          enterHandler(kind, name) ... leaveHandler(kind, name)
 * </pre>
 * A lock reads {@link #active()} once, when it is created, and keeps the result in a final field: when
 * witness is off that field is null and each hook costs one field read. The three acquisition hooks have
 * variants taking and returning the caller's {@link ThreadState}, which a lock may keep (the fast path).
 *
 * <p>Under {@link Policy#THROW} a hook throws {@link WitnessException}: checkOrder before the lock is
 * taken, unlocked after the lock's own state was released (witness's record of it is gone too), and
 * locked after a try before recording it (the lock then gives back what the try took).
 *
 * <p>Locking key: the order graph is guarded by its own monitor (see OrderGraph); per-thread state is
 * confined to its thread until the thread ends (then retired by whichever thread finds it ended, see
 * ThreadState#retire); listeners and allowances are copy-on-write lists.
 */
public final class Witness {
    /** System property that switches witness on at start-up: {@code -Dsmpnet.witness=on}. */
    public static final String PROPERTY = "smpnet.witness";
    /** System property for the policy: {@code throw}, {@code warn} (default) or {@code count}. */
    public static final String POLICY_PROPERTY = "smpnet.witness.policy";
    /** System property: {@code on} records the site of every acquisition for "show locks" (slower). */
    public static final String SITES_PROPERTY = "smpnet.witness.sites";

    private static volatile Witness instance;
    /** The report scope of each thread, inherited by the threads it starts (see {@link #enterScope}). */
    private static final InheritableThreadLocal<Object> SCOPE = new InheritableThreadLocal<>();
    private static final Object NO_SCOPE = new Object();
    /** Some lock asked for the JVM's witness while it was off (and stays unchecked). */
    private static volatile boolean askedWhileOff;
    /**
     * Valid until witness is switched on after a lock had been made unchecked (then such a lock's use is
     * reported). Every unchecked lock asks on every acquisition, so the question must cost nothing while the
     * answer is no: a SwitchPoint's guard compiles to no instruction at all, and switching it invalidates
     * the compiled code that asked (a volatile flag read here took about 5 % of the profile samples of nested
     * mutexes with witness off).
     */
    private static final SwitchPoint NOT_SWITCHED_ON_LATE = new SwitchPoint();
    private static final MethodHandle SWITCHED_ON_LATE = NOT_SWITCHED_ON_LATE.guardWithTest(
            MethodHandles.constant(boolean.class, false), MethodHandles.constant(boolean.class, true));
    private final java.util.Set<List<Object>> uncheckedSeen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final List<Consumer<Report>> LISTENERS = new CopyOnWriteArrayList<>();
    private static final List<Object[]> ALLOWANCES = new CopyOnWriteArrayList<>(); // a, b, reason, scope

    private final OrderGraph graph = new OrderGraph(this);
    private final Reporter reporter = new Reporter(this, WitnessSettings.policy());
    private final Checker checker = new Checker(graph, reporter);
    /**
     * The checker's {@code recordSites}, kept here too so that the entry fast paths ({@link #reacquired})
     * read it one indirection nearer the lock: written only with it, by {@link #setRecordSites}.
     */
    private volatile boolean recordSites;

    private Witness() {
        setRecordSites(WitnessSettings.recordSites());
    }

    /** A registration that ends when closed (a listener or an allowance). */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** The verifier if witness is on, else null. Locks call this once, at construction. */
    public static Witness active() {
        Witness w = instance;
        if (w == null && WitnessSettings.enabled()) {
            w = enable();
        }
        if (w == null && !askedWhileOff) {
            askedWhileOff = true;
        }
        return w;
    }

    /**
     * Switches witness on for this JVM (idempotent) and returns it. Locks created before stay unchecked;
     * each use of one is then reported (UNCHECKED_LOCK, once per class and scope), so a test cannot pass
     * only because an earlier test made the lock while witness was off.
     */
    public static synchronized Witness enable() {
        if (instance == null) {
            instance = new Witness();
            if (askedWhileOff) {
                SwitchPoint.invalidateAll(new SwitchPoint[] {NOT_SWITCHED_ON_LATE});
            }
        }
        return instance;
    }

    /** True once witness was switched on after some lock was made unchecked (free while false). */
    public static boolean switchedOnLate() {
        try {
            return (boolean) SWITCHED_ON_LATE.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError("a constant method handle threw", t);
        }
    }

    /**
     * A lock made while witness was off (so unchecked) was taken after witness was switched on: reported to
     * the JVM's witness as UNCHECKED_LOCK once per class and report scope. Lock implementations call it.
     */
    public static void uncheckedLockUsed(String className) {
        Witness w = instance;
        if (w != null && w.uncheckedSeen.add(Arrays.asList(className, scopeKey()))) {
            w.reporter.publish(w.checker.uncheckedLock(className));
        }
    }

    // ---- report scopes ----

    /**
     * Until the registration is closed, reports made by this thread, and by threads it starts meanwhile,
     * carry {@code scope} ({@link Report#scope()}), orders it learns are named "learned ... during " + scope,
     * and a reversal is reported again even if an earlier scope had it: the JUnit extension opens one scope
     * per test, so each test gets its own reports. The order graph stays shared.
     */
    public Registration enterScope(Object scope) {
        Object previous = SCOPE.get();
        SCOPE.set(scope);
        checker.forgetValidated(); // a chain validated in another scope may hold a reversal to report again
        return () -> {
            SCOPE.set(previous);
            checker.forgetValidated();
        };
    }

    /** The calling thread's report scope, or null. */
    public static Object currentScope() { return SCOPE.get(); }

    static Object scopeKey() {
        Object s = SCOPE.get();
        return s == null ? NO_SCOPE : s;
    }

    /**
     * A fresh, empty verifier that is not the JVM's one: for tests that need exact, isolated results
     * (report numbers, graph contents). Locks and adapters built with it report only to it; listeners
     * registered with {@link #listen} still hear it.
     */
    public static Witness newInstanceForTesting() {
        return new Witness();
    }

    // ---- classes ----

    /**
     * The class named {@code name}, registered on first use. Asking again with another kind or other flags
     * is a programming error (IllegalArgumentException), unless the class was only named so far by an
     * order, a blessing or an import: then this call fixes its kind and flags.
     */
    public LockClass lockClass(String name, LockKind kind, int flags) {
        return graph.lockClass(name, kind, flags, false);
    }

    /**
     * As {@link #lockClass}, but {@code flags} are a minimum, for lock wrappers that need some flags and
     * should not override the rest: a class an order file, a declaration or a blessing named first keeps the
     * flags given there (e.g. DUPOK) and gains these; a registered class is returned if it has this kind and
     * at least these flags, else IllegalArgumentException.
     */
    public LockClass lockClassAtLeast(String name, LockKind kind, int flags) {
        return graph.lockClassAtLeast(name, kind, flags);
    }

    /** The class of that name, or null if none was registered or named. */
    public LockClass findClass(String name) { return graph.find(name); }

    LockClass named(String name) {
        LockClass c = graph.find(name);
        return c != null ? c : graph.lockClass(name, LockKind.MUTEX, 0, true);
    }

    /** The class to check, or null if witness ignores it (NOWITNESS): one compare on the fast path. */
    private LockClass mine(LockClass c) {
        return c.checkedBy == this ? c : adopt(c);
    }

    /** A NOWITNESS class (null), or one of another witness instance: this instance's class of that name. */
    private LockClass adopt(LockClass c) {
        if (c.has(LockFlags.NOWITNESS)) {
            return null;
        }
        LockClass mine = c.owner == this ? c : graph.lockClass(c.name(), c.kind(), c.flags(), false);
        return mine.has(LockFlags.NOWITNESS) ? null : mine;
    }

    // ---- hooks ----

    /** Before a blocking acquisition: checks {@code cls} against every class the thread holds. */
    public void checkOrder(Object lock, LockClass cls, boolean exclusive, boolean tryLock) {
        if (!tryLock) {
            checkOrder(null, lock, cls, exclusive);
        }
    }

    /** After the lock was obtained (blocking or try). Records it as held; checks recursion. */
    public void locked(Object lock, LockClass cls, boolean exclusive, boolean tryLock) {
        locked(null, lock, cls, exclusive, tryLock);
    }

    /** On release. Reports a release of a lock the thread does not hold. */
    public void unlocked(Object lock, LockClass cls, boolean exclusive) {
        unlocked(null, lock, cls, exclusive);
    }

    // The same three hooks for locks that keep the state of the thread that last used them (see ThreadState):
    // {@code cached} may be null or any thread's; each returns the caller's state, for the lock to keep.

    /** {@link #checkOrder(Object, LockClass, boolean, boolean)} of a blocking acquisition, with a cached state. */
    public ThreadState checkOrder(ThreadState cached, Object lock, LockClass cls, boolean exclusive) {
        LockClass c = mine(cls);
        return c == null ? cached : checker.checkOrder(cached, lock, c, exclusive);
    }

    /**
     * {@link #locked(Object, LockClass, boolean, boolean)} with a cached state. After a try acquisition
     * under {@link Policy#THROW} it may throw (DUPLICATE, RECURSION): the hold is then not recorded, and the
     * lock must release what the try took before the exception reaches its caller, so a lock is never left
     * taken by a call that did not return true.
     */
    public ThreadState locked(ThreadState cached, Object lock, LockClass cls, boolean exclusive, boolean tryLock) {
        LockClass c = mine(cls);
        return c == null ? cached : checker.locked(cached, lock, c, exclusive, tryLock);
    }

    /**
     * A blocking acquisition that found the lock free and took it without waiting: {@code checkOrder} and
     * {@code locked} in one step, made after the lock was taken (it never waited, so no deadlock could
     * happen before the check). Validated chains cost one hash step, one cache probe and one push. Under
     * {@link Policy#THROW} it may throw as {@code checkOrder} would (order reversal, duplicate, sleep rules):
     * the hold is then not recorded, and the lock must give back what it took before rethrowing, as after
     * a try. A lock that must wait calls {@code checkOrder} before waiting and {@code locked} after instead.
     */
    public ThreadState acquired(ThreadState cached, Object lock, LockClass cls, boolean exclusive) {
        ThreadState again = checker.pushedAgain(cached, lock, cls, exclusive); // before mine(): see there
        if (again != null) {
            return again;
        }
        LockClass c = mine(cls);
        return c == null ? cached : checker.acquired(cached, lock, c, exclusive);
    }

    // The entry fast paths, for locks that keep, besides the state, the held-stack entry witness last pushed
    // them into (entryOf). Each is one level of loads from the lock's two hints (the state's depth and top
    // key, the entry's fields, this witness's fields, all read at once) and two stores: no walk from the
    // state to its stack and on to the entry, which is what a validated lock cost most (after the lock's own
    // atomic instruction nothing overlaps, so the cost is the length of the chain of dependent loads).

    /**
     * The commonest acquisition, {@link #acquired} of a lock taken again in the same nesting: {@code entry},
     * the one this lock was last pushed into, is the caller's and sits just above the top of its held stack,
     * with this lock, class and mode on the same chain, validated. It is pushed back as it is (no hash, no
     * probe, no report possible: the chain's verdict was "nothing to report") and true is returned; false
     * when any of that does not hold (nothing was done: call {@link #acquired}). Either hint may be null or
     * stale; a class of another witness or a NOWITNESS class never reaches an entry.
     */
    public boolean reacquired(ThreadState cached, ThreadState.Entry entry, Object lock, LockClass cls, boolean exclusive) {
        ThreadState ts = cached;
        long key;
        if (entry != null && entry.owner == ts && ts.thread == Thread.currentThread() && ts.checker == checker
                && entry.index == ts.depth && entry.lock == lock && entry.cls == cls && entry.below == ts.top
                && (key = entry.validKey) != 0 && entry.holds == ThreadState.Entry.once(exclusive)
                && ts.acquiring == ThreadState.NONE && !recordSites
                && (ts.handlers == 0 || cls.kind() != LockKind.SLEEPABLE)) {
            // (a validated key is set only on an entry pushed without a site, so none is left to clear)
            ts.top = key;
            ts.depth = entry.index + 1;
            return true;
        }
        return false;
    }

    /**
     * The commonest release, {@link #unlocked}: {@code entry} is the caller's, the top of its held stack,
     * this lock held once in this mode. It is popped and true returned; false when any of that does not hold
     * (nothing was done: call {@link #unlocked}).
     */
    public boolean releasedTop(ThreadState cached, ThreadState.Entry entry, Object lock, boolean exclusive) {
        ThreadState ts = cached;
        int i;
        if (entry != null && entry.owner == ts && ts.thread == Thread.currentThread() && ts.checker == checker
                && (i = entry.index) == ts.depth - 1 && entry.lock == lock && entry.heldOnce(exclusive)) {
            ts.top = entry.below;
            ts.depth = i;
            return true;
        }
        return false;
    }

    /**
     * The entry of {@code lock} at the top of the held stack of {@code ts} (a state an acquisition hook just
     * returned), or null if the top is another lock (a recursion, a refused hold): what a lock keeps for
     * {@link #reacquired} and {@link #releasedTop}.
     */
    public ThreadState.Entry entryOf(ThreadState ts, Object lock) {
        int top;
        ThreadState.Entry e;
        return ts != null && (top = ts.depth - 1) >= 0 && (e = ts.stack[top]).lock == lock ? e : null;
    }

    /** {@link #unlocked(Object, LockClass, boolean)} with a cached state. */
    public ThreadState unlocked(ThreadState cached, Object lock, LockClass cls, boolean exclusive) {
        ThreadState popped = checker.poppedTop(cached, lock, exclusive); // before mine(): see there
        if (popped != null) {
            return popped;
        }
        LockClass c = mine(cls);
        return c == null ? cached : checker.unlocked(cached, lock, c, exclusive);
    }

    /** A shared hold became exclusive (upgrade) or the reverse (downgrade). */
    public void upgraded(Object lock, LockClass cls) {
        LockClass c = mine(cls);
        if (c != null) {
            checker.changeMode(lock, c, true);
        }
    }

    public void downgraded(Object lock, LockClass cls) {
        LockClass c = mine(cls);
        if (c != null) {
            checker.changeMode(lock, c, false);
        }
    }

    /** The current thread is about to block; {@code interlock} is the lock the wait releases, or null. */
    public void sleeping(SleepKind kind, Object interlock) {
        checker.sleeping(kind, interlock);
    }

    /**
     * A condition-variable wait is about to take back {@code interlock}, which it released for the wait: the
     * next acquisition of it by this thread is no new order and is not checked again (the wait was checked,
     * by {@link #sleeping}). Without this, one wait with a spin lock held gave three reports.
     */
    public void retaking(Object interlock) {
        checker.retaking(interlock);
    }

    /** The current thread enters an ithread/netisr/callout handler. */
    public void enterHandler(HandlerKind kind, String name) {
        checker.enterHandler(kind, name);
    }

    /** The handler returned: reports any lock still held. */
    public void leaveHandler(HandlerKind kind, String name) {
        checker.leaveHandler(kind, name);
    }

    // ---- configuration ----

    public Policy policy() { return reporter.policy; }

    public void setPolicy(Policy policy) { reporter.policy = policy; }

    /** Where WARN prints report texts (default: System.err). */
    public void setSink(Consumer<String> sink) { reporter.sink = sink; }

    /** Records the site of every acquisition (for "show locks"); costs a stack walk per acquisition. */
    public void setRecordSites(boolean on) {
        checker.recordSites = on;
        recordSites = on;
    }

    /** Reports every newly learned edge as NEW_ORDER (start from an imported, reviewed order; flag the rest). */
    public void setReportNewOrders(boolean on) { graph.reportNewOrders = on; }

    /** Frames of classes whose name starts with {@code prefix} are left out of the top of report stacks. */
    public static void hideFrames(String prefix) { Frames.hide(prefix); }

    // ---- declared orders and blessings ----

    /** Declares that classes must be taken in this order (first to last); contradictions are reported. */
    public void declareOrder(String... classNames) {
        declareOrder(Arrays.asList(classNames), "by code");
    }

    void declareOrder(List<String> names, String where) {
        if (names.size() < 2) {
            throw new IllegalArgumentException("a declared order needs at least two classes: " + names);
        }
        graph.declared(names);
        String origin = "declared in order [" + String.join(", ", names) + "] " + where;
        StackTraceElement[] stack = where.equals("by code") ? Frames.capture() : Frames.NONE;
        List<Report> found = new ArrayList<>();
        for (int i = 0; i + 1 < names.size(); i++) {
            LockClass a = named(names.get(i));
            LockClass b = named(names.get(i + 1));
            OrderGraph.Finding f = graph.insert(a, b, Edge.ALL_TYPES, Edge.Origin.DECLARED, origin, stack);
            if (f != null) {
                found.add(OrderFile.declarationReport(reporter.nextSerial(), f, b, origin));
            }
        }
        reporter.publish(found);
    }

    /** Allows {@code a} and {@code b} to be taken in either order, for a written reason. */
    public void bless(String a, String b, String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a blessing needs a reason: " + a + " " + b);
        }
        graph.bless(named(a), named(b), reason.trim());
    }

    /** Loads an order file (README, "Order files"): class, order, bless and edge lines. */
    public void loadOrderFile(Path file) throws IOException {
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        String name = file.getFileName().toString();
        if (name.endsWith(".json")) {
            importJson(text, name);
        } else {
            importText(text, name);
        }
    }

    /** Imports the text order format; {@code source} names it in reports ("imported from source:line"). */
    public void importText(String text, String source) {
        OrderFile.importText(this, graph, text, source);
    }

    /** Imports the JSON order format written by {@link #exportJson()}. */
    public void importJson(String json, String source) {
        OrderFile.importJson(this, graph, json, source);
    }

    /** The learned order, declared orders and blessings, in the text order format. */
    public String exportText() { return OrderFile.exportText(graph); }

    /** The same as {@link #exportText()}, as JSON. */
    public String exportJson() { return OrderFile.exportJson(graph); }

    Reporter reporter() { return reporter; }

    // ---- show ----

    /**
     * Reports (once each) threads that ended while holding locks, and forgets the state of every ended
     * thread (the latest few that ended holding locks stay listed by {@link #showLocks()}). Witness also looks
     * on its own whenever a thread is about to wait for a lock owned by an ended thread, in
     * {@link #showLocks()}, and every 64th time a thread uses its first lock; Java has no thread-exit hook.
     */
    public void reportDeadThreads() { checker.reportDeadHolders(); }

    /** "Show locks": the locks every thread holds now, with where each was taken (a dead holder is marked). */
    public String showLocks() { return checker.showLocks(); }

    /** "Show witness": classes, edges, blessings and reported pairs as text. */
    public String showWitness() { return GraphText.text(graph); }

    /** "Show witness" as a Graphviz DOT digraph. */
    public String showWitnessDot() { return GraphText.dot(graph); }

    /** Names of the classes the calling thread holds, oldest first. */
    public List<String> heldLocks() { return checker.heldByCurrentThread(); }

    /** True if the order "from before to" is in the graph (learned, declared or imported). */
    public boolean hasOrder(String from, String to) {
        LockClass a = graph.find(from);
        LockClass b = graph.find(to);
        return a != null && b != null && graph.edge(a, b) != null;
    }

    /** Cycle searches made so far (a validated acquisition makes none): for tests and tuning. */
    long searchCount() { return graph.searches(); }

    /** Per-thread states listed now (threads that used a lock, ended ones not forgotten yet): for tests. */
    int trackedThreads() { return checker.trackedThreads(); }

    /** Chain keys the calling thread has validated. */
    int validatedChains() { return checker.validatedChains(); }

    /** Number of edges in the order graph. */
    public int orderCount() { return graph.edgeCount(); }

    /** Distinct reports so far (repeats of the same misuse are counted, not listed again). */
    public List<Report> reports() { return reporter.reports(); }

    /** All report occurrences so far, repeats included. */
    public long reportCount() { return reporter.total(); }

    // ---- listeners and allowances (all instances) ----

    /** Calls {@code listener} with every report of any witness instance, in the reporting thread. */
    public static Registration listen(Consumer<Report> listener) {
        LISTENERS.add(listener);
        return () -> LISTENERS.remove(listener);
    }

    static void notifyListeners(Report r) {
        for (Consumer<Report> l : LISTENERS) {
            l.accept(r);
        }
    }

    /**
     * Until closed, a reversal between classes {@code a} and {@code b} is reported as allowed (with this
     * reason): not thrown, not failing a test, and not consumed (it is found again after the close). Made
     * inside a report scope ({@link #enterScope}), it allows the pair in that scope only.
     */
    public static Registration allow(String a, String b, String reason) {
        Object[] entry = {a, b, reason, SCOPE.get()};
        ALLOWANCES.add(entry);
        return () -> ALLOWANCES.remove(entry);
    }

    /** The reason of an allowance for a and b registered outside any scope or in the caller's scope. */
    static String allowance(String a, String b) {
        Object scope = SCOPE.get();
        for (Object[] e : ALLOWANCES) {
            if (((e[0].equals(a) && e[1].equals(b)) || (e[0].equals(b) && e[1].equals(a)))
                    && (e[3] == null || e[3] == scope)) {
                return (String) e[2];
            }
        }
        return null;
    }
}
