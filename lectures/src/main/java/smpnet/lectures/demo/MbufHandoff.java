package smpnet.lectures.demo;

import java.io.PrintStream;
import java.util.ArrayDeque;
import smpnet.locking.Scheduler;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.mbuf.MbufTransfer;

/**
 * Lecture 4: where memory goes when a packet crosses CPUs. A producer on CPU 0 allocates packets and
 * passes them to a consumer on CPU 1, which frees them: handed off, the mbufs are freed into CPU 1's cache
 * and CPU 0 must refill from the pool; copied, each CPU allocates and frees its own. The producer runs to
 * the end before the consumer starts, so the counts are the same on every run.
 */
public final class MbufHandoff {
    private static final int PACKETS = 1000;

    private MbufHandoff() {}

    public static void run(PrintStream out) throws InterruptedException {
        for (MbufTransfer how : MbufTransfer.values()) {
            MbufAllocator shared = new MbufAllocator(MbufAllocator.Config.defaults("one allocator").withCpus(2));
            MbufAllocator mine = how == MbufTransfer.COPY
                    ? new MbufAllocator(MbufAllocator.Config.defaults("consumer's").withCpus(2)) : shared;
            ArrayDeque<Mbuf> queue = new ArrayDeque<>();
            byte[] payload = new byte[100];
            join(Scheduler.current().startWorker("producer", 0, () -> {
                for (int i = 0; i < PACKETS; i++) {
                    queue.add(how.transfer(shared.fromBytes(payload, 0, payload.length, Mbuf.M_NOWAIT), mine, Mbuf.M_NOWAIT));
                }
            }));
            join(Scheduler.current().startWorker("consumer", 1, () -> {
                while (!queue.isEmpty()) {
                    queue.poll().freeChain();
                }
            }));
            out.println(how + ": " + PACKETS + " packets allocated on cpu0 and passed to cpu1, which frees what it gets");
            out.println("  the sender's allocator:");
            out.print(indent(shared.stats().mbufs().toString()));
            if (mine != shared) {
                out.println("  the receiver's allocator (the copies):");
                out.print(indent(mine.stats().mbufs().toString()));
            }
        }
    }

    private static void join(Thread t) throws InterruptedException {
        t.join();     // the join orders the queue's accesses: the consumer starts after the producer ended
    }

    private static String indent(String s) {
        return s.lines().map(l -> "  " + l + "\n").reduce("", String::concat);
    }
}
