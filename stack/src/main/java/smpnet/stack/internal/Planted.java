package smpnet.stack.internal;

/**
 * Bugs planted on purpose, one per fuzz target, to prove each target finds what it should within its
 * budget. The switch is read once, when this class is initialised, into static finals: off (the only
 * setting outside those tests) the JIT folds every guarded branch away, so the protocol code pays
 * nothing. Set the system property {@value #PROPERTY} to a target's name ({@code ether}, {@code arp},
 * {@code ipv4}, {@code reassembly}, {@code icmp}, {@code udp}) before the stack's classes load.
 */
public final class Planted {
    public static final String PROPERTY = "smpnet.fuzz.plant";
    private static final String BUG = System.getProperty(PROPERTY, "");
    /** Ethernet: a frame of EtherType 0x0801 with 17 bytes of payload is never freed (a leak). */
    public static final boolean ETHER = BUG.equals("ether");
    /** ARP: a reply from a sender whose address ends in .90 throws in the receiving thread. */
    public static final boolean ARP = BUG.equals("arp");
    /** IPv4: a 24-byte header whose option is of type 0x99 is counted as a bad option and still delivered. */
    public static final boolean IPV4 = BUG.equals("ipv4");
    /** Reassembly: a datagram completed from four fragments leaks an mbuf. */
    public static final boolean REASSEMBLY = BUG.equals("reassembly");
    /** ICMP: a timestamp request (type 13) with code 7 throws in the receiving thread. */
    public static final boolean ICMP = BUG.equals("icmp");
    /** UDP: a datagram to port 9 whose UDP length is 13 is counted delivered twice. */
    public static final boolean UDP = BUG.equals("udp");

    private Planted() {}
}
