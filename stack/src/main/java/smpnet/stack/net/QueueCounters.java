package smpnet.stack.net;

import java.util.concurrent.atomic.LongAdder;

/** The counters of one RX or TX queue; adders, so the data path never takes a lock to count. */
final class QueueCounters {
    final LongAdder packets = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder drops = new LongAdder();
    final LongAdder errors = new LongAdder();

    void count(int len) {
        packets.increment();
        bytes.add(len);
    }

    IfCounters asReceive() {
        return new IfCounters(packets.sum(), bytes.sum(), drops.sum(), errors.sum(), 0, 0, 0, 0);
    }

    IfCounters asTransmit() {
        return new IfCounters(0, 0, 0, 0, packets.sum(), bytes.sum(), drops.sum(), errors.sum());
    }
}
