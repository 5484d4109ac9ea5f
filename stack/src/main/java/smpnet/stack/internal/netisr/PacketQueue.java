package smpnet.stack.internal.netisr;

/**
 * A bounded FIFO of (protocol, packet) pairs with the counters netisr reports. Not thread-safe: its owner
 * guards it (a workstream's netisr mutex).
 *
 * <pre>
 *   head                 head + size
 *    |  p0 | p1 | ... | pn-1 |   free   |     (a ring over two parallel arrays of capacity limit)
 * </pre>
 */
final class PacketQueue<P> {
    private final Object[] packets;
    private final NetisrProtocol[] protocols;
    private int head;
    private int size;
    private long queued;
    private long dropped;
    private int maxDepth;

    PacketQueue(int limit) {
        packets = new Object[limit];
        protocols = new NetisrProtocol[limit];
    }

    /** Appends a packet; false (and one drop counted) if the queue is full. */
    boolean offer(NetisrProtocol proto, P packet) {
        if (size == packets.length) {
            dropped++;
            return false;
        }
        int tail = (head + size) % packets.length;
        packets[tail] = packet;
        protocols[tail] = proto;
        size++;
        queued++;
        if (size > maxDepth) maxDepth = size;
        return true;
    }

    /** Moves up to {@code max} packets, oldest first, into the two arrays; returns how many. */
    int pollBatch(NetisrProtocol[] protoOut, Object[] packetOut, int max) {
        int n = Math.min(max, size);
        for (int i = 0; i < n; i++) {
            protoOut[i] = protocols[head];
            packetOut[i] = packets[head];
            packets[head] = null;
            protocols[head] = null;
            head = (head + 1) % packets.length;
        }
        size -= n;
        return n;
    }

    /** Counts a packet refused for another reason than a full queue (the workstream is stopping). */
    void countDrop() { dropped++; }

    boolean isEmpty() { return size == 0; }
    int size() { return size; }
    int limit() { return packets.length; }
    long queued() { return queued; }
    long dropped() { return dropped; }
    int maxDepth() { return maxDepth; }
}
