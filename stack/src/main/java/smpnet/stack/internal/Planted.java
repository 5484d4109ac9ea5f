package smpnet.stack.internal;

/**
 * Bugs planted on purpose, one per fuzz target, to prove each target finds what it should within its
 * budget. The switch is read once, when this class is initialised, into static finals: off (the only
 * setting outside those tests) the JIT folds every guarded branch away, so the protocol code pays
 * nothing. Set the system property {@value #PROPERTY} to a target's name ({@code ether}, {@code arp},
 * {@code ipv4}, {@code reassembly}, {@code icmp}, {@code udp}, {@code tcp}) before the stack's classes load.
 */
public final class Planted {
    public static final String PROPERTY = "smpnet.fuzz.plant";
    private static final String BUG = System.getProperty(PROPERTY, "");
    /** Ethernet: a frame of an EtherType from 0x9000 up with less than 32 bytes of payload is never freed (a leak). */
    public static final boolean ETHER = BUG.equals("ether");
    /** ARP: a reply from a sender whose address ends in .240 or above throws in the receiving thread. */
    public static final boolean ARP = BUG.equals("arp");
    /** IPv4: a 24-byte header whose 4-byte option has its copied flag clear is counted as a bad option, and delivered. */
    public static final boolean IPV4 = BUG.equals("ipv4");
    /** Reassembly: a datagram completed from three fragments or more, the first with a 60-byte header, leaks an mbuf. */
    public static final boolean REASSEMBLY = BUG.equals("reassembly");
    /** ICMP: a message of a type it ignores with a code of 0x80 or above throws in the receiving thread. */
    public static final boolean ICMP = BUG.equals("icmp");
    /** UDP: a datagram to port 9 with an odd UDP length is counted twice. */
    public static final boolean UDP = BUG.equals("udp");
    /** TCP: a segment with URG and an urgent pointer of 0x8000 or more on an established connection throws. */
    public static final boolean TCP = BUG.equals("tcp");

    private Planted() {}
}
