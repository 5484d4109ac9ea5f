package smpnet.sim.servers;

/**
 * The event loop's figures per event that the verdict judges, each from the same parts of its window: its own
 * work, its whole cost, and the event queue's part.
 */
enum LoopFigure {
    /**
     * The loop thread's CPU less its CPU inside the scheduler's parks and wake-ups ({@link SchedulerCpu}): what an
     * event costs the loop, apart from what the operating system charges it for running dry and for waking peers
     * that ran dry, which the load's shape decides (how often each side finds nothing to do), not the count.
     */
    WORK("Event loop work per event", "the loop thread's CPU less its CPU in the scheduler's parks and wake-ups"),
    /** The loop thread's CPU, all of it: the work and its sleeps and wake-ups. */
    WHOLE("Event loop cost per event", "the loop thread's CPU"),
    /** The loop's CPU in the event queue's poll (waiting, being woken, collecting the ready sockets). */
    QUEUE("Event queue cost per event", "the loop's CPU in poll");

    /** The verdict line's name, and what it measures. */
    final String title, what;

    LoopFigure(String title, String what) {
        this.title = title;
        this.what = what;
    }

    /** This figure's parts in {@code l}'s window, ns per event (NaN for a part without events). */
    double[] parts(ServerResult.LoopCost l) {
        return switch (this) {
            case WORK -> l.workParts();
            case WHOLE -> l.parts();
            case QUEUE -> l.queueParts();
        };
    }
}
