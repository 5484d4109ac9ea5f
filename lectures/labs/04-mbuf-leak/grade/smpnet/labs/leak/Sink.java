package smpnet.labs.leak;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import smpnet.stack.mbuf.Mbuf;

/**
 * Where {@link Decap} sends what it decapsulates and counts what it drops (part of the lab's bench: do not
 * change it). {@link #deliver} takes the packet over: it reads the payload and frees the packet, as the
 * layer above would; the caller must not touch it afterwards. Not thread-safe: the lab runs on one thread.
 */
public final class Sink {
    private final List<String> delivered = new ArrayList<>();
    private final Map<DropReason, Integer> drops = new EnumMap<>(DropReason.class);

    /** Takes {@code payload} (the inner packet, header removed) of tunnel {@code tunnel}; frees it. */
    public void deliver(int tunnel, Mbuf payload) {
        delivered.add(tunnel + ":" + new String(payload.toBytes(), java.nio.charset.StandardCharsets.US_ASCII));
        payload.freeChain();
    }

    /** Counts one packet dropped for {@code why}. Counting does not free it. */
    public void count(DropReason why) {
        drops.merge(why, 1, Integer::sum);
    }

    List<String> delivered() { return delivered; }

    int drops(DropReason why) { return drops.getOrDefault(why, 0); }
}
