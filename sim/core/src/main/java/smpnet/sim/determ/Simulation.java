package smpnet.sim.determ;

import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.ImpairedLink;
import smpnet.stack.dev.ImpairedLink.Impairments;
import smpnet.stack.dev.SimNic;

/**
 * What a scenario sees of the run it is part of, the same whether it runs deterministically
 * ({@link DeterministicRun}) or on free threads ({@link FreeRun}): hosts, links and application threads.
 * Hosts and links made here are closed by the run when its application threads have ended, and the run
 * checks that no mbuf leaked.
 */
public interface Simulation {
    /** The run's seed: links draw their fates from it; a deterministic run also its schedule. */
    long seed();

    /** A host on the run's scheduler; closed by the run at its end (closing it earlier is fine too). */
    Stack host(StackConfig config);

    /** An impaired link between two NICs, seeded from the run's seed (the n-th link of a run gets the n-th seed). */
    default ImpairedLink link(SimNic a, SimNic b, Impairments both) { return link(a, b, both, 0); }

    /** As {@link #link(SimNic, SimNic, Impairments)}, keeping a record of the first {@code recordFrames} frames each way. */
    ImpairedLink link(SimNic a, SimNic b, Impairments both, int recordFrames);

    /**
     * Starts an application thread; the run ends when every application thread has ended. The body may throw
     * (sockets throw {@code IOException}): an exception fails the run.
     */
    void spawn(String name, Body body);

    /** An application thread's code: ordinary blocking code that may throw. */
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    /** {@code body} as a Runnable: a checked exception is rethrown unchecked. */
    static Runnable unchecked(String name, Body body) {
        return () -> {
            try {
                body.run();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }
}
