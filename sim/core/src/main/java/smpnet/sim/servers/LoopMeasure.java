package smpnet.sim.servers;

import java.lang.management.GarbageCollectorMXBean;
import java.util.ArrayList;
import java.util.List;
import smpnet.locking.Processors;
import smpnet.sim.servers.LoopWindow.Mark;

/**
 * The event loop's measure (its thread's alone): the warm-up's steps and the window's parts, taken at the
 * polls where {@link #due} says one may be due, and the loop's running {@link Counts}. Kept out of
 * {@link EchoServer}'s loop method: inlined there, its branches first taken at the warm-up's end would
 * deoptimize the loop's compiled code in the window. The rules are {@link EchoServer}'s loop's comment.
 */
final class LoopMeasure {
    private final EchoServer s;
    final List<Mark> warmup = new ArrayList<>(), window = new ArrayList<>();
    final long part;
    long warmed, servedWithin = -1, collectedAt = -1, fullGcMillis = -1;
    boolean settled, collected;
    int repeats;
    /** Requests echoed at which a boundary may be due next; 0: at every poll (a step waits for a condition). */
    long next;

    LoopMeasure(EchoServer s) {
        this.s = s;
        this.part = Math.max(1, s.loopRequests / s.loopParts);
    }

    /**
     * Whether {@link #boundary} may have something to do at a poll where {@code echoed} requests were echoed:
     * past {@link #next}, or while the measured phase has not started, while the clients pause, or once it
     * has ended with the window open.
     */
    boolean due(long echoed) {
        return echoed >= next || !s.measuring;
    }

    /** Takes what is due before a poll whose CPU mark is {@code beforePoll}; the mark the poll is measured from. */
    long boundary(long beforePoll, Counts n) {
        boolean m = s.measuring;
        // Every request is in the measured phase: the clients send none before it.
        long echoed = s.requests.get();
        next = 0;
        if (window.isEmpty() && m && servedWithin >= 0 && !collected) {
            // the clients are pausing: once none has a request in flight, the collection, and the parts
            // judged settled start after it
            if (s.pause.allStopped()) {
                fullGcMillis = s.collect();
                collected = true;
                collectedAt = s.requests.get();
                warmup.clear();
                beforePoll = EchoServer.THREADS.getCurrentThreadCpuTime();
                warmup.add(mark(beforePoll, n));
                s.pause.release();
                next = warmupNext();
            }
            return beforePoll;
        }
        if (window.isEmpty() && m && (warmup.isEmpty() || echoed - warmup.getLast().requests() >= part
                || collected && echoed - collectedAt >= s.loopWarmup)) {
            // a part boundary of the warm-up; the compilers' queue is asked only where the parts since the
            // collection say settled (a command of a few ms); its time is the warm-up's: the mark and this
            // poll's measure start after it
            Mark k = mark(beforePoll, n);
            List<Mark> all = append(warmup, k);
            boolean byParts = collected && LoopWindow.settled(Mark.parts(all, false), Mark.compile(all));
            boolean idle = byParts && LoopWindow.compilersIdle();
            if (byParts) {
                beforePoll = EchoServer.THREADS.getCurrentThreadCpuTime();
                k = mark(beforePoll, n);
            }
            warmup.add(k);
            switch (LoopWindow.step(s.served.get(), s.active, collected, echoed - collectedAt, s.loopWarmup, idle)) {
                case COLLECT -> {
                    servedWithin = echoed;
                    s.pause.ask();
                }
                case END -> {
                    settled = idle;
                    window.add(k);
                    warmed = echoed;
                }
                case GO_ON -> { }
            }
        } else if (!window.isEmpty()) {
            // a part ends at the first poll past its share of the requests; the window, at the first poll
            // past all of them (with fewer parts where a poll's events are more than a part's requests)
            // (a part has an event at least: where one poll's events cross two parts' shares, the two are one)
            long done = echoed - window.getFirst().requests();
            boolean end = !m || done >= s.loopRequests;
            boolean moved = n.events > window.getLast().events() || window.size() == 1;
            if ((end || done >= (long) s.loopRequests * window.size() / s.loopParts) && moved) {
                window.add(mark(beforePoll, n));
            }
            if (end && m && EchoServer.measureAgain(window.getLast().compileMillis() - window.getFirst().compileMillis(), repeats)) {
                // the JIT compiled in the window: its parts may measure two versions of the loop's code;
                // it is measured again from here, its requests counted in the warm-up
                Mark last = window.getLast();
                window.clear();
                window.add(last);
                warmed = last.requests();
                repeats++;
            } else if (end) {
                s.loopCost = Mark.over(window, warmed, settled, repeats, servedWithin, fullGcMillis, s.placed);
                s.windowDone = true;
                return beforePoll;
            }
            if (!moved) return beforePoll; // the part ends at the next poll with an event
            Mark first = window.getFirst();
            next = first.requests() + Math.min(s.loopRequests, (long) s.loopRequests * window.size() / s.loopParts);
            return beforePoll;
        }
        if (m && window.isEmpty() && !(servedWithin >= 0 && !collected)) next = warmupNext();
        return beforePoll;
    }

    /** Requests echoed at the warm-up's next part boundary (or its longest, if sooner). */
    private long warmupNext() {
        if (warmup.isEmpty()) return 0;
        long at = warmup.getLast().requests() + part;
        return collected ? Math.min(at, collectedAt + s.loopWarmup) : at;
    }

    /** The loop's running counts (its thread's alone). */
    static final class Counts {
        /** The loop thread's CPU in the scheduler's parks and wake-ups ({@link ParkCounter#measureServerThread}). */
        final SchedulerCpu scheduler;
        long events, writeEvents, polls, queueCpu, sleepingPolls, sleepingCpu, sleepingEvents, migrations;
        /** Polls per CPU they ran on (as sched_getcpu said just before each: {@link Processors#current}). */
        final long[] cpuPolls = new long[64]; // the CPUs a mask of Posix.bindCurrentThread names
        int lastCpu = -1;

        Counts(SchedulerCpu scheduler) { this.scheduler = scheduler; }

        /** Counts a poll about to run on {@code cpu} (-1: not known). */
        void on(int cpu) {
            if (cpu < 0) return;
            if (cpu < cpuPolls.length) cpuPolls[cpu]++;
            if (lastCpu >= 0 && cpu != lastCpu) migrations++;
            lastCpu = cpu;
        }
    }

    private static List<Mark> append(List<Mark> marks, Mark m) {
        List<Mark> all = new ArrayList<>(marks);
        all.add(m);
        return all;
    }

    private Mark mark(long cpu, Counts c) {
        long gcs = 0, gcMillis = 0;
        for (GarbageCollectorMXBean gc : EchoServer.COLLECTORS) {
            gcs += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        return new Mark(cpu, c.queueCpu, c.events, s.requests.get(), c.writeEvents, c.polls, c.sleepingPolls, c.sleepingCpu,
                c.sleepingEvents, s.seam.parks(), s.seam.unparks(), gcs, gcMillis, LoopWindow.compileMillis(), System.nanoTime(),
                ServerCase.processCpu(), c.cpuPolls.clone(), c.migrations, ThreadSched.current(), s.segmentsSent.getAsLong(),
                s.acksSent.getAsLong(), ThreadSched.machineBusyNanos(), c.scheduler.waitNanos(), c.scheduler.wakeNanos());
    }
}
