package smpnet.stack.internal.netisr;

/** The protocols netisr dispatches to, as FreeBSD's NETISR_* numbers: one handler each. */
public enum NetisrProtocol {
    /** IPv4 input ({@code ip_input}). */
    IP,
    /** ARP input ({@code arpintr}). */
    ARP,
    /** Whole Ethernet frames still to be demultiplexed ({@code ether_nh_input}). */
    ETHER,
    /** IPv4 reassembled or looped back packets re-entering input (kept apart from IP for statistics). */
    IP_DIRECT
}
