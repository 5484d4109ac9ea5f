package smpnet.witness;

/** Execution contexts that may never sleep and must return holding no lock. */
public enum HandlerKind {
    /** An interrupt thread draining a NIC receive ring. */
    ITHREAD,
    /** A netisr protocol handler. */
    NETISR,
    /** A callout (timer) handler. */
    CALLOUT
}
