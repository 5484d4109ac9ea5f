package smpnet.stack.testing;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import smpnet.stack.internal.net.Ifnet;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.net.IfCounters;
import smpnet.stack.net.MacAddress;

/** An interface with no hardware behind it: it keeps the bytes of every frame it is asked to transmit. */
public final class RecordingIfnet extends Ifnet {
    public final List<byte[]> frames = new ArrayList<>();

    public RecordingIfnet(String name, int index, long mac, StackLocks locks) {
        super(name, index, new MacAddress(mac), 1500, false, locks);
    }

    @Override
    public boolean transmit(Mbuf frame) {
        synchronized (frames) {
            frames.add(frame.toBytes());
        }
        frame.freeChain();
        return true;
    }

    /** Frame {@code i} in hex. */
    public String hex(int i) { return HexFormat.of().formatHex(frames.get(i)); }

    @Override public int rxQueueCount() { return 0; }
    @Override public int txQueueCount() { return 0; }
    @Override public IfCounters rxCounters(int queue) { return IfCounters.ZERO; }
    @Override public IfCounters txCounters(int queue) { return IfCounters.ZERO; }
    @Override public void start() {}
    @Override public void stop() {}
    @Override public void awaitDrained() {}
}
