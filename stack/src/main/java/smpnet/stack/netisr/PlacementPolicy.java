package smpnet.stack.netisr;

/** Which worker a packet goes to, and therefore which order is kept (DESIGN.md, "netisr"). */
public enum PlacementPolicy {
    /** The packet's source (interface, RX queue) id modulo the worker count: per-source order holds. */
    SOURCE,
    /** The packet's flow hash modulo the worker count: per-flow order holds, per-source order does not. */
    FLOW,
    /** The dispatching thread's current CPU: no order across dispatching CPUs is promised. */
    CPU
}
