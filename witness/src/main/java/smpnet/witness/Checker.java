package smpnet.witness;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * The hook logic of one witness: per-thread held stacks, the validated-chain fast path, misuse rules.
 *
 * <p>Fast path (an acquisition whose "held chain + new class + mode" this thread validated before): one
 * ThreadLocal read, two array reads and one probe of the thread's chain-key set; no graph search, no
 * stack capture, no shared write. A stack is captured only the first time a thread meets a chain (that
 * is when an edge can be learned; the stack becomes the edge's first-seen stack and the lock's site).
 *
 * <p>Locking key: {@code threads} is a copy-on-write list; each ThreadState is written only by its thread,
 * and once that thread has ended, by {@link ThreadState#retire} (under the state's monitor).
 */
final class Checker {
    private final OrderGraph graph;
    private final Reporter reporter;
    private final ThreadLocal<ThreadState> state = ThreadLocal.withInitial(this::newState);
    /** Every thread's state, in the order threads first used a lock (a list: scans run in a fixed order). */
    private final List<ThreadState> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Capture the site of every acquisition (costly; off by default: sites then come from slow paths only). */
    volatile boolean recordSites;
    private int created; // racy counter: only paces pruning

    Checker(OrderGraph graph, Reporter reporter) {
        this.graph = graph;
        this.reporter = reporter;
    }

    private ThreadState newState() {
        ThreadState ts = new ThreadState(Thread.currentThread(), this);
        threads.add(ts);
        if ((++created & 63) == 0) {
            try {
                reportDeadHolders();
            } catch (WitnessException e) {
                // THROW: recorded and told to the listeners already; this thread did nothing wrong
            }
        }
        return ts;
    }

    /**
     * Reports, once each, the threads that ended holding locks (a kernel reports it at thread exit; Java has
     * no exit hook, so witness looks when a lock sees its owner is dead (see Witness#reportDeadThreads),
     * shows locks, or a thread uses its first lock), then forgets ended threads (see {@link #forgetEnded}).
     * The scan has no clock and a fixed order, so model checkers replay it.
     */
    void reportDeadHolders() {
        List<Report> out = new ArrayList<>(0);
        for (ThreadState ts : threads) {
            if (ts.depth > 0 && !ts.deathReported && !ts.alive()) {
                ts.deathReported = true;
                List<ThreadState.Held> held = Arrays.asList(ts.snapshot());
                String name = ts.threadName();
                ReportWriter w = new ReportWriter(ReportKind.THREAD_DIED_HOLDING, reporter.nextSerial(), name)
                        .scope(ts.scope)
                        .locks("offending lock", held)
                        .line("detail", "thread \"" + name + "\" ended holding " + held.size()
                                + (held.size() == 1 ? " lock" : " locks") + ": no thread can take them again")
                        .held(ts.snapshot());
                boolean quiet = false;
                for (ThreadState.Held h : held) {
                    quiet |= h.cls.has(LockFlags.QUIET);
                }
                out.add(w.build(quiet, null));
            }
        }
        forgetEnded();
        reporter.publish(out);
    }

    /**
     * Per-thread state must not outlive its thread: an ended thread's state leaves the list and keeps
     * nothing but its name (a lock's cached state may still point at it: {@link ThreadState#retire}). A
     * thread that ended holding locks stays listed, once reported, for "show locks" ({@code (ended)}), with
     * only its held entries; the {@value #ENDED_HOLDERS_KEPT} most recent such threads are kept.
     */
    private void forgetEnded() {
        List<ThreadState> gone = new ArrayList<>(0);
        int holders = 0;
        Object[] all = threads.toArray();
        for (int i = all.length - 1; i >= 0; i--) {
            ThreadState ts = (ThreadState) all[i];
            if (ts.alive() || (ts.depth > 0 && !ts.deathReported)) {
                continue; // running, or ended after the scan above: reported next time
            }
            ts.retire();
            if (ts.depth == 0 || ++holders > ENDED_HOLDERS_KEPT) {
                gone.add(ts);
            }
        }
        if (!gone.isEmpty()) {
            threads.removeAll(gone);
        }
    }

    /** How many reported threads that ended holding locks "show locks" keeps listing. */
    static final int ENDED_HOLDERS_KEPT = 64;

    /** Per-thread states witness lists now (live threads, ended ones not yet forgotten): for tests. */
    int trackedThreads() { return threads.size(); }

    /** The caller's state: {@code cached} if it is the caller's (one compare), else the ThreadLocal's. */
    ThreadState current(ThreadState cached) {
        ThreadState ts = mineCached(cached);
        return ts != null ? ts : state.get();
    }

    /** {@code cached} if it is the calling thread's state in this checker, else null (no ThreadLocal read). */
    private ThreadState mineCached(ThreadState cached) {
        return cached != null && cached.thread == Thread.currentThread() && cached.checker == this ? cached : null;
    }

    // ---- acquisition ----

    /**
     * The commonest acquisition, taken before witness looks at the class at all: with the caller's cached
     * state, the entry just above the top of its held stack is this class, in this mode, on this chain, and
     * validated (the same nesting, again): it is pushed back as it is, with no hash and no probe. Only a
     * class this checker accepted (not NOWITNESS, its own) ever reaches an entry, so finding it there is the
     * answer {@link Witness#mine} would give, without reading the class (one cache line less per lock).
     * Returns the state, or null when the caller must take the full path.
     */
    ThreadState pushedAgain(ThreadState cached, Object lock, LockClass cls, boolean exclusive) {
        ThreadState ts = mineCached(cached);
        if (ts == null || ts.acquiring != ThreadState.NONE || recordSites
                || (ts.handlers != 0 && cls.kind() == LockKind.SLEEPABLE)) {
            return null;
        }
        int d = ts.depth;
        ThreadState.Entry[] stack = ts.stack;
        ThreadState.Entry e;
        long key;
        if (d < stack.length && (e = stack[d]).cls == cls && e.below == ts.top && (key = e.validKey) != 0
                && e.holds == ThreadState.Entry.once(exclusive)) {
            // (an entry with a validated key has no site: only pushes without a site set one)
            if (e.lock != lock) {
                e.lock = lock;
            }
            ts.top = key;
            ts.depth = d + 1;
            return ts;
        }
        return null;
    }

    /**
     * A blocking acquisition that did not wait (the lock was free and is now taken): checkOrder and locked in
     * one step. Validated chain: one hash step, one probe of the chain cache, one push.
     */
    ThreadState acquired(ThreadState cached, Object lock, LockClass cls, boolean exclusive) {
        ThreadState ts = current(cached);
        if (cached != ts && pushedAgain(ts, lock, cls, exclusive) != null) {
            return ts; // the state came from the ThreadLocal: Witness#acquired could not try this yet
        }
        // acquiring is NONE unless an acquisition is under way (then pendingSite may be set) or a cv wait's
        // retake is due: either way checkOrder below handles it.
        if (ts.acquiring == ThreadState.NONE && (ts.handlers == 0 || cls.kind() != LockKind.SLEEPABLE) && !recordSites) {
            long key = ThreadState.extend(ts.top, cls, exclusive);
            if (ts.isValidated(key)) {
                ts.pushKeyed(lock, cls, exclusive, null, key, key);
                return ts;
            }
        }
        checkOrder(ts, lock, cls, exclusive); // under THROW an order problem throws here, nothing recorded
        return locked(ts, lock, cls, exclusive, false);
    }

    ThreadState checkOrder(ThreadState cached, Object lock, LockClass cls, boolean exclusive) {
        ThreadState ts = current(cached);
        long key = ThreadState.extend(ts.top, cls, exclusive);
        // A key is validated only when cls was not held: the same key (same held classes) means it still
        // is not, so no recursion or duplicate check is needed here.
        if (ts.isValidated(key) && (ts.handlers == 0 || cls.kind() != LockKind.SLEEPABLE) && !recordSites) {
            ts.acquiring = ThreadState.VALIDATED; // locked() needs only to push
            ts.pendingKey = key;
            if (ts.pendingSite != null) {
                ts.pendingSite = null; // left by an acquisition that never completed (interrupted)
            }
            if (ts.retake != null) {
                ts.retake = null; // a cv wait's retake on a validated chain: nothing left to skip later
            }
            return ts;
        }
        ts.acquiring = ThreadState.CHECKED;
        ts.pendingSite = null;
        if (ts.retake == lock) {
            ts.retake = null; // a cv wait retakes its interlock: the wait itself was checked, once
            return ts;
        }
        slowCheckOrder(ts, lock, cls, exclusive);
        return ts;
    }

    private void slowCheckOrder(ThreadState ts, Object lock, LockClass cls, boolean exclusive) {
        List<Report> out = new ArrayList<>(1);
        boolean sameClassHeld = ts.holds(cls);
        if (sameClassHeld) {
            int i = ts.find(lock);
            if (i >= 0) {
                recursion(ts, i, cls, exclusive, out);
                reporter.publish(out);
                return; // a recursive acquisition does not wait, so it adds no order
            }
            if (!cls.has(LockFlags.DUPOK)) {
                out.add(misuse(ReportKind.DUPLICATE, ts, cls, exclusive, "another lock of class " + cls.name()
                        + " is already held and the class is not DUPOK"));
            }
        }
        if (ts.handlers > 0 && cls.kind() == LockKind.SLEEPABLE) {
            out.add(misuse(ReportKind.SLEEP_IN_HANDLER, ts, cls, exclusive, "acquiring a sleepable lock in "
                    + handler(ts)));
        }
        long key = ThreadState.extend(ts.top, cls, exclusive);
        if (!ts.isValidated(key)) {
            kindRules(ts, cls, exclusive, out);
            if (learnOrder(ts, cls, exclusive, out) && !sameClassHeld) {
                ts.addValidated(key);
            }
        }
        try {
            reporter.publish(out);
        } catch (WitnessException e) {
            ts.acquiring = ThreadState.NONE; // THROW: this acquisition ends here
            ts.pendingSite = null;
            throw e;
        }
    }

    private void recursion(ThreadState ts, int i, LockClass cls, boolean exclusive, List<Report> out) {
        if (exclusive && !ts.exclusive(i)) {
            out.add(misuse(ReportKind.RECURSION, ts, cls, true,
                    "exclusive request for a lock this thread holds shared: it would wait for itself"));
        } else if (!cls.has(LockFlags.RECURSABLE)) {
            out.add(misuse(ReportKind.RECURSION, ts, cls, exclusive, "lock already held by this thread and class "
                    + cls.name() + " is not RECURSABLE"));
        }
    }

    /** Who may be held while taking a lock of this kind (DESIGN.md, "Lock kinds, and who may sleep"). */
    private void kindRules(ThreadState ts, LockClass cls, boolean exclusive, List<Report> out) {
        if (cls.kind() == LockKind.SPIN) {
            return;
        }
        List<ThreadState.Held> spins = heldOfKinds(ts, null, true, false);
        if (!spins.isEmpty()) {
            out.add(misuseWith(ReportKind.BLOCK_WITH_SPIN, ts, cls, exclusive, spins, "acquiring a "
                    + ReportWriter.kindName(cls) + " lock while holding a spin lock"));
        } else if (cls.kind() == LockKind.SLEEPABLE) {
            List<ThreadState.Held> mutexes = heldOfKinds(ts, null, false, true);
            if (!mutexes.isEmpty()) {
                out.add(misuseWith(ReportKind.SLEEP_WITH_LOCK, ts, cls, exclusive, mutexes,
                        "acquiring a sleepable lock while holding a mutex"));
            }
        }
    }

    /** Learns held -> cls for every held class lacking that edge; returns false if the step must be re-checked. */
    private boolean learnOrder(ThreadState ts, LockClass cls, boolean exclusive, List<Report> out) {
        int d = ts.depth;
        LockClass[] from = null;
        boolean[] fromEx = null;
        int n = 0;
        for (int i = 0; i < d; i++) {
            LockClass h = ts.cls(i);
            if (h == cls) {
                continue;
            }
            Edge e = graph.edge(h, cls);
            if (e == null || !e.has(Edge.typeBit(ts.exclusive(i), exclusive))) {
                if (from == null) {
                    from = new LockClass[d];
                    fromEx = new boolean[d];
                }
                from[n] = h;
                fromEx[n++] = ts.exclusive(i);
            }
        }
        StackTraceElement[] stack = Frames.capture();
        ts.pendingSite = stack; // the first acquisition of a chain in a thread records its site
        if (n == 0) {
            return true;
        }
        String thread = Thread.currentThread().getName();
        boolean validated = true;
        for (OrderGraph.Finding f : graph.learn(from, fromEx, n, cls, exclusive, thread, stack)) {
            validated &= f.allowReason == null;
            out.add(orderReport(ts, f, cls, exclusive, stack));
        }
        return validated;
    }

    private Report orderReport(ThreadState ts, OrderGraph.Finding f, LockClass cls, boolean exclusive, StackTraceElement[] stack) {
        String thread = Thread.currentThread().getName();
        if (f.path == null) {
            ReportWriter w = new ReportWriter(ReportKind.NEW_ORDER, reporter.nextSerial(), thread).involve(f.held)
                    .lock("acquiring", cls, exclusive).lock("while holding", f.held, f.heldExclusive)
                    .line("new edge", f.held.name() + " -> " + cls.name() + " (" + Edge.typeNames(f.newEdge.types) + ")")
                    .stack("at", stack).held(ts.snapshot());
            return w.build(quiet(cls, f.held), null);
        }
        ReportKind kind = f.declared() ? ReportKind.DECLARED_ORDER_VIOLATION : ReportKind.LOCK_ORDER_REVERSAL;
        ReportWriter w = new ReportWriter(kind, reporter.nextSerial(), thread).involve(f.held).involve(cls)
                .lock("acquiring", cls, exclusive).lock("while holding", f.held, f.heldExclusive)
                .cycle(f.held, cls, f.path)
                .stack("reversing acquisition " + f.held.name() + " -> " + cls.name() + " at", stack)
                .interleaving(f.held, f.heldExclusive, cls, exclusive, f.path)
                .held(ts.snapshot());
        boolean quiet = quiet(cls, f.held);
        for (OrderGraph.Step st : f.path) {
            quiet |= st.edge.from.has(LockFlags.QUIET);
        }
        return w.build(quiet, f.allowReason);
    }

    private static boolean quiet(LockClass a, LockClass b) {
        return a.has(LockFlags.QUIET) || b.has(LockFlags.QUIET);
    }

    ThreadState locked(ThreadState cached, Object lock, LockClass cls, boolean exclusive, boolean tryLock) {
        ThreadState ts = current(cached);
        byte checked = ts.acquiring;
        ts.acquiring = ThreadState.NONE;
        if (checked == ThreadState.VALIDATED && !tryLock) {
            ts.pushKeyed(lock, cls, exclusive, null, ts.pendingKey, ts.pendingKey);
        } else if (ts.pendingSite == null && !recordSites && !ts.holds(cls)) {
            ts.push(lock, cls, exclusive, null);
        } else {
            lockedSlow(ts, lock, cls, exclusive, tryLock);
        }
        return ts;
    }

    private void lockedSlow(ThreadState ts, Object lock, LockClass cls, boolean exclusive, boolean tryLock) {
        StackTraceElement[] site = ts.pendingSite;
        ts.pendingSite = null;
        if (ts.holds(cls) && heldAgain(ts, lock, cls, exclusive, tryLock)) {
            return;
        }
        if (recordSites && site == null) {
            site = Frames.capture();
        }
        ts.push(lock, cls, exclusive, site);
    }

    /**
     * A lock of a class already held: counts a recursion (true) or lets a duplicate be pushed (false). A
     * try's report is published first: under THROW nothing is recorded, and the lock undoes its try.
     */
    private boolean heldAgain(ThreadState ts, Object lock, LockClass cls, boolean exclusive, boolean tryLock) {
        int i = ts.find(lock);
        List<Report> out = new ArrayList<>(1);
        if (tryLock && i < 0 && !cls.has(LockFlags.DUPOK)) {
            out.add(misuse(ReportKind.DUPLICATE, ts, cls, exclusive, "another lock of class " + cls.name()
                    + " is already held and the class is not DUPOK"));
        } else if (tryLock && i >= 0) {
            recursion(ts, i, cls, exclusive, out);
        }
        reporter.publish(out);
        if (i >= 0) {
            boolean wasExclusive = ts.exclusive(i);
            ts.stack[i].addHolds(exclusive, 1);
            if (wasExclusive != ts.exclusive(i)) {
                ts.rehashFrom(i);
            }
        }
        return i >= 0;
    }

    // ---- release and mode changes ----

    /**
     * The commonest release, made before witness looks at the class: with the caller's cached state, the
     * lock is the top of the held stack, held once in this mode; it is popped. Only locks of classes this
     * checker accepted are on the stack, so the class need not be read. Null: take the full path.
     */
    ThreadState poppedTop(ThreadState cached, Object lock, boolean exclusive) {
        ThreadState ts = mineCached(cached);
        if (ts == null) {
            return null;
        }
        int top = ts.depth - 1;
        ThreadState.Entry e;
        if (top >= 0 && (e = ts.stack[top]).lock == lock && e.heldOnce(exclusive)) {
            ts.top = e.below; // ts.pop() with the entry at hand
            ts.depth = top;
            return ts;
        }
        return null;
    }

    ThreadState unlocked(ThreadState cached, Object lock, LockClass cls, boolean exclusive) {
        ThreadState ts = current(cached);
        if (poppedTop(ts, lock, exclusive) == null) {
            unlockedSlow(ts, lock, cls, exclusive);
        }
        return ts;
    }

    private void unlockedSlow(ThreadState ts, Object lock, LockClass cls, boolean exclusive) {
        int top = ts.depth - 1;
        int i = top >= 0 && ts.lock(top) == lock ? top : ts.find(lock);
        if (i < 0) {
            reporter.publish(misuse(ReportKind.UNLOCK_NOT_HELD, ts, cls, exclusive, "this thread does not hold the lock"));
            return;
        }
        ThreadState.Entry e = ts.stack[i];
        boolean fromExclusive = exclusive;
        Report mismatch = null;
        if ((exclusive ? e.exclusiveHolds() : e.sharedHolds()) == 0) {
            mismatch = misuse(ReportKind.MODE_MISMATCH, ts, cls, exclusive, "released " + ReportWriter.mode(exclusive)
                    + " but held " + ReportWriter.mode(!exclusive));
            fromExclusive = !exclusive;
        }
        boolean wasExclusive = ts.exclusive(i);
        e.addHolds(fromExclusive, -1);
        if (e.holds == 0) {
            ts.remove(i);
        } else if (wasExclusive != ts.exclusive(i)) {
            ts.rehashFrom(i);
        }
        if (mismatch != null) {
            reporter.publish(mismatch);
        }
    }

    void changeMode(Object lock, LockClass cls, boolean toExclusive) {
        ThreadState ts = state.get();
        int i = ts.find(lock);
        String what = toExclusive ? "upgrade" : "downgrade";
        if (i < 0) {
            reporter.publish(misuse(ReportKind.MODE_MISMATCH, ts, cls, !toExclusive, what + " of a lock this thread does not hold"));
            return;
        }
        ThreadState.Entry e = ts.stack[i];
        if ((toExclusive ? e.sharedHolds() : e.exclusiveHolds()) == 0) {
            reporter.publish(misuse(ReportKind.MODE_MISMATCH, ts, cls, toExclusive, what + " of a lock held "
                    + ReportWriter.mode(toExclusive)));
            return;
        }
        e.addHolds(!toExclusive, -1);
        e.addHolds(toExclusive, 1);
        ts.rehashFrom(i);
    }

    // ---- sleeping and handlers ----

    void sleeping(SleepKind kind, Object interlock) {
        ThreadState ts = state.get();
        if (ts.depth == 0 && ts.handlers == 0) {
            return;
        }
        boolean contention = kind == SleepKind.MUTEX_CONTENTION;
        if (ts.acquiring != ThreadState.NONE && (contention || kind == SleepKind.SX_ACQUIRE)) {
            return; // checkOrder of this acquisition already applied the kind rules
        }
        List<Report> out = new ArrayList<>(2);
        List<ThreadState.Held> bad = heldOfKinds(ts, interlock, true, !contention);
        String detail = kind + (interlock == null ? "" : " releasing its interlock");
        if (!bad.isEmpty()) {
            out.add(misuseWith(contention ? ReportKind.BLOCK_WITH_SPIN : ReportKind.SLEEP_WITH_LOCK, ts, null, false,
                    bad, detail));
        }
        if (!contention && ts.handlers > 0) {
            out.add(misuseWith(ReportKind.SLEEP_IN_HANDLER, ts, null, false, Collections.emptyList(),
                    detail + " in " + handler(ts)));
        }
        reporter.publish(out);
    }

    /** The calling thread's next acquisition of {@code interlock} retakes it after a cv wait. */
    void retaking(Object interlock) {
        ThreadState ts = state.get();
        ts.retake = interlock;
        ts.acquiring = ThreadState.RETAKING;
    }

    void enterHandler(HandlerKind kind, String name) {
        state.get().enterHandler(kind, name);
    }

    void leaveHandler(HandlerKind kind, String name) {
        ThreadState ts = state.get();
        int h = ts.handlers - 1;
        if (h < 0 || ts.handlerKinds[h] != kind || !ts.handlerNames[h].equals(name)) {
            reporter.publish(misuseWith(ReportKind.HANDLER_MISMATCH, ts, null, false, Collections.emptyList(),
                    "leaving " + kind + " " + name + " but " + (h < 0 ? "no handler was entered" : "inside " + handler(ts))));
            return;
        }
        String where = handler(ts);
        int base = ts.handlerBase[h];
        ts.handlers--;
        if (ts.depth > base) {
            List<ThreadState.Held> still = Arrays.asList(ts.snapshot()).subList(base, ts.depth);
            reporter.publish(misuseWith(ReportKind.HELD_AT_HANDLER_EXIT, ts, null, false, still,
                    where + " returned with locks it took still held"));
        }
    }

    private static String handler(ThreadState ts) {
        int h = ts.handlers - 1;
        return ts.handlerKinds[h] + " handler " + ts.handlerNames[h];
    }

    private static List<ThreadState.Held> heldOfKinds(ThreadState ts, Object except, boolean spin, boolean mutex) {
        List<ThreadState.Held> out = new ArrayList<>();
        ThreadState.Held[] all = ts.snapshot();
        for (int i = 0; i < all.length; i++) {
            LockKind k = all[i].cls.kind();
            if (ts.lock(i) != except && ((spin && k == LockKind.SPIN) || (mutex && k == LockKind.MUTEX))) {
                out.add(all[i]);
            }
        }
        return out;
    }

    // ---- reports ----

    private Report misuse(ReportKind kind, ThreadState ts, LockClass cls, boolean exclusive, String detail) {
        return misuseWith(kind, ts, cls, exclusive, Collections.emptyList(), detail);
    }

    private Report misuseWith(ReportKind kind, ThreadState ts, LockClass cls, boolean exclusive,
                              List<ThreadState.Held> offenders, String detail) {
        ReportWriter w = new ReportWriter(kind, reporter.nextSerial(), Thread.currentThread().getName());
        boolean quiet = false;
        if (cls != null) {
            w.lock("lock", cls, exclusive);
            quiet = cls.has(LockFlags.QUIET);
        }
        if (!offenders.isEmpty()) {
            w.locks("offending lock", offenders);
            for (ThreadState.Held h : offenders) {
                quiet |= h.cls.has(LockFlags.QUIET);
            }
        }
        w.line("detail", detail).stack("at", Frames.capture()).held(ts.snapshot());
        return w.build(quiet, null);
    }

    /** "Show locks": every thread's held locks, threads sorted by name; a dead holder is marked and reported. */
    String showLocks() {
        reportDeadHolders();
        List<ThreadState> live = new ArrayList<>();
        for (ThreadState ts : threads) {
            if (ts.depth > 0) {
                live.add(ts);
            }
        }
        live.sort(Comparator.comparing(Checker::threadName));
        StringBuilder sb = new StringBuilder("witness: show locks\n");
        if (live.isEmpty()) {
            sb.append("  no locks held\n");
        }
        for (ThreadState ts : live) {
            sb.append("  thread \"").append(threadName(ts)).append(ts.alive() ? "\":\n" : "\" (ended):\n");
            ThreadState.Held[] held = ts.snapshot();
            for (int i = 0; i < held.length; i++) {
                sb.append("    ").append(i + 1).append(". ").append(ReportWriter.heldLine(held[i])).append('\n');
            }
        }
        return sb.toString();
    }

    private static String threadName(ThreadState ts) {
        return ts.threadName();
    }

    /** Held locks of the calling thread (for tests and assertions). */
    List<String> heldByCurrentThread() {
        List<String> names = new ArrayList<>();
        for (ThreadState.Held h : state.get().snapshot()) {
            names.add(h.cls.name());
        }
        return names;
    }

    int validatedChains() { return state.get().validated.size(); }

    /** The calling thread starts a new report scope: its validated chains are checked again. */
    void forgetValidated() { state.get().clearValidated(); }

    Report uncheckedLock(String className) {
        ThreadState ts = state.get();
        return new ReportWriter(ReportKind.UNCHECKED_LOCK, reporter.nextSerial(), Thread.currentThread().getName())
                .line("lock class", className)
                .line("detail", "a lock of class " + className + " was made while witness was off, so it is not checked;"
                        + " switch witness on before any lock is made (-D" + Witness.PROPERTY + "=on)")
                .stack("at", Frames.capture()).held(ts.snapshot()).build(false, null);
    }
}
