package smpnet.stack.internal.tcp;

import static smpnet.stack.internal.tcp.TcpSeq.ge;
import static smpnet.stack.internal.tcp.TcpSeq.gt;
import static smpnet.stack.internal.tcp.TcpSeq.le;
import static smpnet.stack.internal.tcp.TcpSeq.lt;
import static smpnet.stack.internal.tcp.TcpSeq.max;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import smpnet.stack.mbuf.Mbuf;

/**
 * The receive side's out-of-order queue (FreeBSD's {@code tcp_reass}): segments that arrive beyond
 * {@code rcv_nxt} wait here until the hole at {@code rcv_nxt} is filled and the in-order prefix can be appended
 * to the socket buffer.
 *
 * <pre>
 *   rcv_nxt
 *     |  hole   | entry  | entry |  hole  |   entry    |        (entries sorted by sequence number,
 *     v         [seq,end)[seq,end)        [ seq,  end  )         never overlapping; each owns one chain)
 *               \_____ run _____/         \___ run ___/          a run of adjacent entries = one SACK block
 * </pre>
 *
 * <p>Overlaps are resolved in favour of the data already queued (RFC 9293 leaves the choice open; FreeBSD
 * keeps the old bytes): an arriving segment is cut into the pieces that fill holes, and everything else of it is
 * freed at once. The queue is bounded by a segment count and a byte count given to the constructor, and by
 * FreeBSD's limits the caller sets before each segment ({@link #setLimits}): separate runs, storage, and runs
 * of the whole host; a segment that would exceed any is dropped and counted, unless it starts at
 * {@code rcv_nxt} (it ends the wait, and its data leaves the queue right away, as FreeBSD exempts it). A FIN is remembered as a sequence number,
 * delivered with the data that reaches it; data beyond a known FIN is dropped.
 *
 * <p>The queue also remembers the order segments arrived in, for SACK blocks per RFC 2018 section 4: the first
 * block holds the most recently received segment, the next ones repeat the most recently reported blocks; and
 * the latest duplicate, reported once as an RFC 2883 D-SACK block in front of them (FreeBSD 14 sends D-SACK).
 *
 * <p>Mbufs: {@link #add} takes ownership of the chain; every piece it does not keep is freed before it returns.
 * {@link #pullInOrder} hands ownership of the delivered chain to the caller; {@link #drain} frees the rest.
 *
 * <p>Locking: not thread-safe. Every method runs under the connection's pcb lock ({@code inp} in fine mode,
 * Giant in Giant mode), held by the caller, so the queue needs no lock of its own (and no Lincheck test). The
 * one thing it shares is the host-wide count of runs, an atomic counter every queue adds its changes to; the
 * host limit is read before a run is added, not reserved, so connections adding at the same moment may pass it
 * by one run each (a bound on memory, not an exact quota; FreeBSD's zone limit is as loose per CPU cache).
 */
public final class TcpReassemblyQueue {
    /** Returned by {@link #add} when the queue's limits made it drop the segment. */
    public static final int DROPPED = -1;
    /** Returned by {@link #add} when the host-wide limit on queued runs made it drop the segment. */
    public static final int DROPPED_HOST_LIMIT = -2;

    /** How many recent arrivals are remembered for ordering SACK blocks (more than any option holds). */
    private static final int RECENT = 8;

    /**
     * How many SACK blocks fit in an ACK's 40 option bytes (RFC 2018 section 3): 3 next to timestamps, 4
     * without.
     */
    public static int maxSackBlocks(boolean timestamps) { return timestamps ? 3 : 4; }

    /** In-order data taken off the queue: {@code data} (null if only a FIN), its length, the new rcv_nxt. */
    public record Delivery(Mbuf data, int length, int rcvNxt, boolean fin) {}

    /** One queued piece: {@code len} bytes from {@code seq} held by {@code data}. */
    private static final class Entry {
        int seq;
        int len;
        Mbuf data;

        Entry(int seq, int len, Mbuf data) {
            this.seq = seq;
            this.len = len;
            this.data = data;
        }

        int end() { return seq + len; }
    }

    private final int maxSegments;
    private final int maxBytes;
    /**
     * FreeBSD's per-queue limits, set by the caller before each {@link #add} ({@link #setLimits}): the most
     * separate runs (tcp_reass's t_segqlen, whose entries are merged runs) and the most storage the queued
     * chains may hold (its sb_mbmax check, charged as sballoc charges). Unlimited until set.
     */
    private int maxRuns = Integer.MAX_VALUE;
    private long maxStorage = Long.MAX_VALUE;
    /** The most runs all the host's queues may hold together (net.inet.tcp.reass.maxsegments). */
    private int hostMaxRuns = Integer.MAX_VALUE;
    /**
     * Runs queued by every queue of the host (FreeBSD's tcp_reass_zone in use), shared by connections under
     * different locks, hence atomic; this queue's share is {@link #countedRuns}.
     */
    private final AtomicInteger hostRuns;
    private int countedRuns;
    /** Sorted by sequence number, pairwise disjoint. */
    private final List<Entry> entries = new ArrayList<>();
    private int bytes;
    private long drops;
    private boolean haveFin;
    /** Sequence number of the FIN (the byte after the last data byte) when {@link #haveFin}. */
    private int finSeq;
    /** A duplicate not yet reported as a D-SACK block ({@link #noteDuplicate}). */
    private boolean haveDsack;
    private int dsackStart;
    private int dsackEnd;
    /** A sequence number from each recent arrival, most recent first ({@link #recentCount} valid). */
    private final int[] recent = new int[RECENT];
    private int recentCount;

    /** A queue holding at most {@code maxSegments} segments and {@code maxBytes} bytes. */
    public TcpReassemblyQueue(int maxSegments, int maxBytes) { this(maxSegments, maxBytes, new AtomicInteger()); }

    /** As {@link #TcpReassemblyQueue(int, int)}, its runs counted in {@code hostRuns} with the host's other queues'. */
    public TcpReassemblyQueue(int maxSegments, int maxBytes, AtomicInteger hostRuns) {
        this.hostRuns = hostRuns;
        if (maxSegments < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("reassembly limits must be positive: " + maxSegments + " segments, "
                    + maxBytes + " bytes");
        }
        this.maxSegments = maxSegments;
        this.maxBytes = maxBytes;
    }

    /**
     * Queues a segment of {@code data} (may be null or empty if {@code fin} alone) starting at {@code seq}; the
     * caller's receive point is {@code rcvNxt}. The queue owns {@code data} afterwards (stored, trimmed or
     * freed). Returns the number of new bytes stored (0 for a complete duplicate), or {@link #DROPPED} if the
     * limits dropped the segment.
     */
    public int add(int seq, Mbuf data, boolean fin, int rcvNxt) {
        int r = addPiece(seq, data, fin, rcvNxt);
        countRuns();
        return r;
    }

    /** Brings the host-wide count of runs up to date with this queue's. */
    private void countRuns() {
        int now = runs();
        if (now != countedRuns) hostRuns.addAndGet(now - countedRuns);
        countedRuns = now;
    }

    private int addPiece(int seq, Mbuf data, boolean fin, int rcvNxt) {
        int len = data == null ? 0 : data.length();
        // A FIN below rcvNxt is a retransmission of one already taken.
        if (fin && ge(seq + len, rcvNxt)) noteFin(seq + len);
        if (len == 0) {
            if (data != null) data.freeChain();
            return 0;
        }
        int end = seq + len;
        if (haveFin && gt(end, finSeq)) {
            // Data past the FIN cannot be delivered (the peer contradicts itself): keep only what precedes it.
            int keep = lt(seq, finSeq) ? finSeq - seq : 0;
            if (keep == 0) {
                data.freeChain();
                return 0;
            }
            data.adj(keep - len);
            len = keep;
            end = seq + len;
        }
        if (le(end, rcvNxt)) {
            noteDuplicate(seq, end);
            data.freeChain();
            return 0;
        }
        boolean oldPart = lt(seq, rcvNxt);
        int oldStart = seq;
        if (oldPart) {
            data.adj(rcvNxt - seq);
            len = end - rcvNxt;
            seq = rcvNxt;
        }
        int[] holes = holesIn(seq, end);
        int newBytes = 0;
        for (int i = 0; i < holes.length; i += 2) newBytes += holes[i + 1] - holes[i];
        // As tcp_reass, the segment at rcv_nxt always passes: it ends the wait. Any other is dropped when its
        // storage would exceed the queue's share of the socket buffer, or when it would open one more run
        // beyond min(hiwat / maxseg + 1, net.inet.tcp.reass.maxqueuelen): tiny segments with a hole between
        // each ("many holes") stop there, and tiny adjacent ones at the storage limit.
        if (seq != rcvNxt && (entries.size() + holes.length / 2 > maxSegments || bytes + newBytes > maxBytes
                || storage() + chargeOf(data) > maxStorage || (runs() >= maxRuns && !touchesQueued(seq, end)))) {
            data.freeChain();
            drops++;
            return DROPPED;
        }
        // tcp_reass's zone: a new run needs an entry, which fails once the host's queues hold the most
        if (seq != rcvNxt && hostRuns.get() >= hostMaxRuns && !touchesQueued(seq, end)) {
            data.freeChain();
            drops++;
            return DROPPED_HOST_LIMIT;
        }
        if (oldPart) {
            noteDuplicate(oldStart, rcvNxt);
        } else if (!(haveDsack && dsackEnd == seq)) {
            // The caller's D-SACK for the part it trimmed below rcv_nxt, right before this one, stays the one
            // reported (FreeBSD's tcp_do_segment: "partial overlap, recorded at todrop"); otherwise the first
            // queued range this segment covers again is
            noteFirstCovered(seq, end, holes);
        }
        noteArrival(seq);
        if (newBytes == 0) {
            data.freeChain();
            return 0;
        }
        int stored = storePieces(seq, data, holes);
        bytes += stored;
        return stored;
    }

    /**
     * Sets FreeBSD's limits for the segments that follow: at most {@code maxRuns} separate runs of queued data
     * and {@code maxStorage} bytes of storage ({@link #storage()}), and no new run once the host's queues hold
     * {@code hostMaxRuns} together.
     */
    public void setLimits(int maxRuns, long maxStorage, int hostMaxRuns) {
        this.maxRuns = maxRuns;
        this.maxStorage = maxStorage;
        this.hostMaxRuns = hostMaxRuns;
    }

    /** The storage a chain holds, as sballoc charges it: MSIZE per mbuf and a cluster's size per cluster. */
    private static long chargeOf(Mbuf m) {
        long c = 0;
        for (Mbuf x = m; x != null; x = x.next()) c += Mbuf.MSIZE + (x.isExternal() ? Mbuf.MCLBYTES : 0);
        return c;
    }

    /** The storage the queued chains hold (FreeBSD's t_segqmbuflen). */
    public long storage() {
        long c = 0;
        for (Entry e : entries) c += chargeOf(e.data);
        return c;
    }

    /** Separate runs of queued data (adjacent entries make one): what FreeBSD's queue entries are. */
    public int runs() {
        int n = 0;
        int prevEnd = 0;
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (i == 0 || e.seq != prevEnd) n++;
            prevEnd = e.end();
        }
        return n;
    }

    /** Whether [seq, end) overlaps or adjoins queued data (then tcp_reass merges it into an existing entry). */
    private boolean touchesQueued(int seq, int end) {
        for (Entry e : entries) {
            if (le(e.seq, end) && ge(e.end(), seq)) return true;
        }
        return false;
    }

    /** The parts of [seq, end) no entry covers, as start, end pairs in order. */
    private int[] holesIn(int seq, int end) {
        int[] out = new int[4];
        int n = 0;
        int cur = seq;
        for (Entry e : entries) {
            if (le(e.end(), cur)) continue;
            if (ge(e.seq, end)) break;
            if (gt(e.seq, cur)) {
                if (n == out.length) out = Arrays.copyOf(out, n * 2);
                out[n++] = cur;
                out[n++] = e.seq;
            }
            cur = max(cur, e.end());
        }
        if (lt(cur, end)) {
            if (n == out.length) out = Arrays.copyOf(out, n + 2);
            out[n++] = cur;
            out[n++] = end;
        }
        return Arrays.copyOf(out, n);
    }

    /** Notes as D-SACK the first part of [seq, end) that is not one of {@code holes} (already queued), if any. */
    private void noteFirstCovered(int seq, int end, int[] holes) {
        int cur = seq;
        for (int i = 0; i < holes.length; i += 2) {
            if (gt(holes[i], cur)) {
                noteDuplicate(cur, holes[i]);
                return;
            }
            cur = holes[i + 1];
        }
        if (lt(cur, end)) noteDuplicate(cur, end);
    }

    /**
     * Notes that [start, end) arrived again (RFC 2883): the next {@link #sackOption} reports it first, as a
     * D-SACK block. The queue notes duplicates of what it holds or was told is below rcv_nxt itself; the caller
     * notes those it drops before they reach the queue. The latest duplicate replaces an unreported one.
     */
    public void noteDuplicate(int start, int end) {
        if (le(end, start)) return;
        haveDsack = true;
        dsackStart = start;
        dsackEnd = end;
    }

    /**
     * Cuts {@code data} (bytes from {@code seq}) into the pieces listed by {@code holes} and inserts each as an
     * entry; the bytes between and around the pieces are freed. Returns the bytes stored: all the holes' bytes,
     * unless no mbuf was left to split the chain (then the pieces after that point are given up).
     */
    private int storePieces(int seq, Mbuf data, int[] holes) {
        Mbuf rest = data;
        int restSeq = seq;
        int stored = 0;
        for (int i = 0; i < holes.length && rest != null; i += 2) {
            int a = holes[i];
            int b = holes[i + 1];
            if (a != restSeq) {
                rest.adj(a - restSeq);
                restSeq = a;
            }
            Mbuf piece = rest;
            rest = i + 2 == holes.length ? null : piece.split(b - a, Mbuf.M_NOWAIT);
            // With the last piece, or when no mbuf was left for the split, the piece keeps the tail; cut it off.
            if (rest == null) trimTail(piece, b - a);
            restSeq = b;
            insert(new Entry(a, b - a, piece));
            stored += b - a;
        }
        return stored;
    }

    /** Cuts {@code m} down to its first {@code keep} bytes, freeing the mbufs emptied. */
    private static void trimTail(Mbuf m, int keep) {
        int extra = m.length() - keep;
        if (extra > 0) m.adj(-extra);
    }

    private void insert(Entry e) {
        int i = entries.size();
        while (i > 0 && gt(entries.get(i - 1).seq, e.seq)) i--;
        entries.add(i, e);
    }

    private void noteFin(int seq) {
        if (haveFin) return; // the first FIN seen stands: old information wins, as for data
        haveFin = true;
        finSeq = seq;
        // Queued data beyond the FIN can never be delivered.
        for (int i = entries.size() - 1; i >= 0; i--) {
            Entry e = entries.get(i);
            if (ge(e.seq, seq)) {
                e.data.freeChain();
                bytes -= e.len;
                entries.remove(i);
            } else if (gt(e.end(), seq)) {
                int cut = e.end() - seq;
                e.data.adj(-cut);
                e.len -= cut;
                bytes -= cut;
            }
        }
    }

    private void noteArrival(int seq) {
        int n = Math.min(recentCount, RECENT - 1);
        System.arraycopy(recent, 0, recent, 1, n);
        recent[0] = seq;
        recentCount = n + 1;
    }

    /**
     * Takes the in-order prefix starting at {@code rcvNxt} (first freeing anything the caller has already
     * received below it), or returns null if there is none. The caller owns the returned chain.
     */
    public Delivery pullInOrder(int rcvNxt) {
        Delivery d = pull(rcvNxt);
        countRuns();
        return d;
    }

    private Delivery pull(int rcvNxt) {
        dropBelow(rcvNxt);
        Mbuf head = null;
        int cur = rcvNxt;
        while (!entries.isEmpty() && entries.getFirst().seq == cur) {
            Entry e = entries.removeFirst();
            if (head == null) head = e.data;
            else head.concat(e.data);
            cur += e.len;
            bytes -= e.len;
        }
        boolean fin = haveFin && finSeq == cur;
        if (head == null && !fin) return null;
        if (fin) haveFin = false;
        return new Delivery(head, cur - rcvNxt, cur, fin);
    }

    private void dropBelow(int rcvNxt) {
        while (!entries.isEmpty()) {
            Entry e = entries.getFirst();
            if (ge(e.seq, rcvNxt)) break;
            if (le(e.end(), rcvNxt)) {
                entries.removeFirst();
                e.data.freeChain();
                bytes -= e.len;
            } else {
                int cut = rcvNxt - e.seq;
                e.data.adj(cut);
                e.seq = rcvNxt;
                e.len -= cut;
                bytes -= cut;
            }
        }
    }

    /**
     * SACK blocks (start, end pairs) per RFC 2018 section 4, at most {@code max} blocks: first the block holding
     * the most recently received segment, then the blocks holding earlier arrivals, most recent first (the
     * blocks reported first in earlier ACKs), each block once; blocks no remembered arrival falls in come last,
     * in sequence order.
     */
    public int[] sackBlocks(int rcvNxt, int max) {
        int[] runs = runs(rcvNxt);
        int nRuns = runs.length / 2;
        boolean[] used = new boolean[nRuns];
        int[] out = new int[2 * Math.min(max, nRuns)];
        int n = 0;
        for (int r = 0; r < recentCount && n < out.length; r++) {
            int k = runContaining(runs, recent[r]);
            if (k >= 0 && !used[k]) {
                used[k] = true;
                out[n++] = runs[2 * k];
                out[n++] = runs[2 * k + 1];
            }
        }
        for (int k = 0; k < nRuns && n < out.length; k++) {
            if (!used[k]) {
                out[n++] = runs[2 * k];
                out[n++] = runs[2 * k + 1];
            }
        }
        return out;
    }

    /**
     * The SACK option's blocks for the next ACK, at most {@code max}: with a duplicate noted since the last call,
     * RFC 2883's D-SACK block first (the duplicate range), then the queued block containing it if any, then the
     * other blocks in {@link #sackBlocks(int, int)}'s order; without one, just {@link #sackBlocks(int, int)}.
     * A D-SACK block is reported once.
     */
    public int[] sackOption(int rcvNxt, int max) {
        if (!haveDsack) return sackBlocks(rcvNxt, max);
        haveDsack = false;
        if (max < 1) return new int[0];
        int[] runs = runs(rcvNxt);
        int k = runContaining(runs, dsackStart);
        int[] ordered = sackBlocks(rcvNxt, runs.length / 2);
        int[] out = new int[2 * Math.min(max, 1 + runs.length / 2)];
        int n = 0;
        out[n++] = dsackStart;
        out[n++] = dsackEnd;
        if (k >= 0 && n < out.length) {
            out[n++] = runs[2 * k];
            out[n++] = runs[2 * k + 1];
        }
        for (int i = 0; i < ordered.length && n < out.length; i += 2) {
            if (k >= 0 && ordered[i] == runs[2 * k]) continue;
            out[n++] = ordered[i];
            out[n++] = ordered[i + 1];
        }
        return out;
    }

    /** As {@link #sackBlocks(int, int)}, with the block containing {@code lastSeqReceived} first. */
    public int[] sackBlocks(int rcvNxt, int lastSeqReceived, int max) {
        if (recentCount == 0 || recent[0] != lastSeqReceived) noteArrival(lastSeqReceived);
        return sackBlocks(rcvNxt, max);
    }

    /** Contiguous runs of queued data above {@code rcvNxt}, as start, end pairs in order. */
    private int[] runs(int rcvNxt) {
        int[] out = new int[2 * entries.size()];
        int n = 0;
        for (Entry e : entries) {
            if (le(e.end(), rcvNxt)) continue;
            int s = max(e.seq, rcvNxt);
            if (n > 0 && out[n - 1] == s) out[n - 1] = e.end();
            else {
                out[n++] = s;
                out[n++] = e.end();
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static int runContaining(int[] runs, int seq) {
        for (int k = 0; k < runs.length / 2; k++) {
            if (ge(seq, runs[2 * k]) && lt(seq, runs[2 * k + 1])) return k;
        }
        return -1;
    }

    public boolean isEmpty() { return entries.isEmpty(); }

    /** Queued pieces (each the part of one arriving segment that filled a hole). */
    public int segments() { return entries.size(); }

    public int bytes() { return bytes; }

    /** Segments dropped because of the limits. */
    public long drops() { return drops; }

    /** Whether a duplicate noted by {@link #noteDuplicate} waits to be reported by {@link #sackOption}. */
    public boolean hasDsack() { return haveDsack; }

    /** Whether a FIN has been received and not yet delivered. */
    public boolean hasFin() { return haveFin; }

    /** Frees every queued mbuf and forgets the FIN and the arrival history. */
    public void drain() {
        for (Entry e : entries) e.data.freeChain();
        entries.clear();
        countRuns();
        bytes = 0;
        haveFin = false;
        haveDsack = false;
        recentCount = 0;
    }
}
