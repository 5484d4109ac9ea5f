package smpnet.labs.leak;

/** Why {@link Decap} dropped a packet (part of the lab's bench: do not change it). */
public enum DropReason {
    /** Shorter than the tunnel header. */
    TOO_SHORT,
    /** The header's magic number is not {@link Decap#MAGIC}. */
    BAD_MAGIC,
    /** The header announces more payload than the packet carries. */
    TRUNCATED,
    /** A sequence number not above the last one seen on its tunnel. */
    DUPLICATE
}
