package smpnet.stack.netisr;

/** Where a dispatched packet's handler runs (DESIGN.md, "netisr"). */
public enum DispatchPolicy {
    /** In the caller's thread, at once. */
    DIRECT,
    /** Queued to the target worker, which runs it later. */
    DEFERRED,
    /**
     * In the caller's thread only when the target worker is bound to the caller's CPU, its queue is empty
     * and it is not running a packet; otherwise queued. So a packet never overtakes one still queued.
     */
    HYBRID
}
