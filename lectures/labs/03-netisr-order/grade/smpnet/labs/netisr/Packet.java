package smpnet.labs.netisr;

/**
 * One received packet, as the lab's bench sees it: the source it came from (an interface and its receive
 * queue, "em0/q1": what FreeBSD's netisr calls the packet's source) and its number within that source,
 * counted from 1 in the order the source received it.
 */
public record Packet(String source, int seq) {
    @Override
    public String toString() { return "packet " + seq + " of source " + source; }
}
