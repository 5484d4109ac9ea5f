package smpnet.stack.internal.tcp;

import static smpnet.stack.internal.tcp.TcpSeq.ge;
import static smpnet.stack.internal.tcp.TcpSeq.gt;
import static smpnet.stack.internal.tcp.TcpSeq.le;
import static smpnet.stack.internal.tcp.TcpSeq.lt;
import static smpnet.stack.internal.tcp.TcpSeq.max;
import static smpnet.stack.internal.tcp.TcpSeq.min;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The sender's SACK scoreboard and RFC 6675's loss-recovery rules (FreeBSD's {@code tcp_sack.c}): which bytes
 * above {@code snd_una} the peer holds, which of the rest are lost (IsLost), what to send next (NextSeg) and how
 * much is in flight (SetPipe).
 *
 * <pre>
 *  snd_una                                                             snd_max
 *     | hole |##SACKed##| hole |#SACKed#| hole |###SACKed###| not yet SACKed |
 *     ^--- lost if DupThresh blocks or more than (DupThresh-1)*SMSS bytes are SACKed above it
 * </pre>
 *
 * <p>Sequence numbers are kept as exclusive ends where the RFC names the last octet: {@code highRxt()} is the
 * sequence number after the highest retransmitted octet (RFC 6675 HighRxt + 1), the recovery point is
 * {@code snd_max} at the start of recovery (HighData + 1, FreeBSD's {@code snd_recover}).
 *
 * <p>SACK blocks are accepted as FreeBSD's {@code tcp_sack_doack} accepts them: start after the cumulative ACK,
 * end after start and not beyond {@code snd_max}. Anything else (a D-SACK block below the ACK, a block from
 * beyond what was sent, an empty or inverted block) is ignored; a D-SACK block inside already SACKed data adds
 * nothing.
 *
 * <p>Locking: not thread-safe; every method runs under the connection's pcb lock ({@code inp}, or Giant in
 * Giant mode) held by the caller, so no Lincheck test is needed.
 */
public final class SackScoreboard {
    /** RFC 6675 DupThresh. */
    public static final int DUP_THRESH = 3;

    /** Which rule of RFC 6675's NextSeg() chose a segment. */
    public enum Rule { LOST_HOLE, NEW_DATA, UNSACKED_HOLE, RESCUE }

    /** A segment NextSeg() chose: {@code len} bytes from {@code seq}. */
    public record Segment(int seq, int len, Rule rule) {}

    /** FreeBSD's {@code net.inet.tcp.sack.maxholes} default: the most separate SACKed ranges kept. */
    public static final int DEFAULT_MAX_BLOCKS = 128;

    private final int maxBlocks;
    private final AtomicInteger hostBlocks;
    private final IntSupplier hostMax;
    /** This scoreboard's share of {@link #hostBlocks}. */
    private int countedBlocks;
    private int smss;
    private long invalidBlocks;
    private long overflows;
    /** SACKed ranges [start, end), sorted, disjoint and not adjacent (adjacent ones are merged). */
    private final List<int[]> blocks = new ArrayList<>();
    private int sacked;
    /** snd_una at the last update; holes are counted from it. */
    private int sndUna;
    private boolean inRecovery;
    private int recoveryPoint;
    /** Sequence number after the highest octet retransmitted in this recovery (HighRxt + 1). */
    private int highRxt;
    /** Sequence number after the octet RescueRxt names; meaningful when {@link #rescueSet}. */
    private int rescueRxt;
    private boolean rescueSet;

    public SackScoreboard(int smss) { this(smss, DEFAULT_MAX_BLOCKS); }

    /**
     * A scoreboard keeping at most {@code maxBlocks} separate SACKed ranges: a peer splitting its SACKs into
     * ever more pieces cannot make it grow without bound (a block that would add one more range is ignored and
     * counted, as FreeBSD counts {@code tcps_sack_sboverflow}).
     */
    public SackScoreboard(int smss, int maxBlocks) { this(smss, maxBlocks, new AtomicInteger(), () -> Integer.MAX_VALUE); }

    /**
     * As {@link #SackScoreboard(int, int)}, its ranges also counted in {@code hostBlocks} with the host's other
     * scoreboards': none is added while they hold {@code hostMax} together (net.inet.tcp.sack.globalmaxholes).
     * The count is shared by connections under different locks, hence atomic; the limit is read, not reserved,
     * so scoreboards updated at the same moment may each pass it by a range.
     */
    public SackScoreboard(int smss, int maxBlocks, AtomicInteger hostBlocks, IntSupplier hostMax) {
        if (maxBlocks < 1) throw new IllegalArgumentException("maxBlocks must be positive: " + maxBlocks);
        this.maxBlocks = maxBlocks;
        this.hostBlocks = hostBlocks;
        this.hostMax = hostMax;
        setSmss(smss);
    }

    /** Brings the host-wide count up to date with this scoreboard's ranges. */
    private void countBlocks() {
        int now = blocks.size();
        if (now != countedBlocks) hostBlocks.addAndGet(now - countedBlocks);
        countedBlocks = now;
    }

    public void setSmss(int smss) {
        if (smss <= 0) throw new IllegalArgumentException("SMSS must be positive: " + smss);
        this.smss = smss;
    }

    /**
     * Updates from an ACK: cumulative {@code sndUna}, {@code blocks} (start, end pairs; null if none). Returns
     * the number of bytes newly SACKed (FreeBSD's "SACK changed" when positive).
     */
    public int update(int sndUna, int sndMax, int[] blocks) {
        dropBelow(sndUna);
        int added = 0;
        if (blocks != null) {
            for (int i = 0; i + 1 < blocks.length; i += 2) {
                int s = blocks[i];
                int e = blocks[i + 1];
                if (gt(e, s) && gt(s, sndUna) && le(e, sndMax)) added += insert(s, e);
                else invalidBlocks++;
            }
        }
        sacked += added;
        countBlocks();
        return added;
    }

    private void dropBelow(int una) {
        if (lt(una, sndUna) && !blocks.isEmpty()) return; // an old ACK: nothing to forget
        sndUna = una;
        while (!blocks.isEmpty()) {
            int[] b = blocks.getFirst();
            if (ge(b[0], una)) break;
            if (le(b[1], una)) {
                blocks.removeFirst();
                sacked -= b[1] - b[0];
            } else {
                sacked -= una - b[0];
                b[0] = una;
            }
        }
    }

    /** Adds [s, e) and returns how many of its bytes were not SACKed before. */
    private int insert(int s, int e) {
        int i = 0;
        while (i < blocks.size() && lt(blocks.get(i)[1], s)) i++;
        boolean touches = i < blocks.size() && le(blocks.get(i)[0], e);
        if (!touches && (blocks.size() >= maxBlocks || hostBlocks.get() >= hostMax.getAsInt())) {
            overflows++;
            return 0;
        }
        int before = 0;
        int ns = s;
        int ne = e;
        while (i < blocks.size() && le(blocks.get(i)[0], e)) {
            int[] b = blocks.remove(i);
            before += b[1] - b[0];
            ns = min(ns, b[0]);
            ne = max(ne, b[1]);
        }
        blocks.add(i, new int[] {ns, ne});
        return (ne - ns) - before;
    }

    /**
     * Starts loss recovery (RFC 6675 section 5 step 4): RecoveryPoint = {@code recoveryPoint} ({@code snd_max}),
     * and returns the first segment to retransmit, from {@code sndUna}; HighRxt and RescueRxt are set to its end
     * (step 4.3), so neither it nor a rescue is sent again too early.
     */
    public Segment enterRecovery(int sndUna, int recoveryPoint) {
        dropBelow(sndUna);
        inRecovery = true;
        this.recoveryPoint = recoveryPoint;
        int end = blocks.isEmpty() ? recoveryPoint : blocks.getFirst()[0];
        int len = Math.min(smss, end - sndUna);
        highRxt = sndUna + len;
        rescueRxt = highRxt;
        rescueSet = true;
        return new Segment(sndUna, len, Rule.LOST_HOLE);
    }

    /** Ends loss recovery; the SACK information stays. */
    public void exitRecovery() { inRecovery = false; }

    public boolean inRecovery() { return inRecovery; }

    public int recoveryPoint() { return recoveryPoint; }

    /**
     * RFC 6675 IsLost(seq): true when DupThresh or more SACKed blocks lie above {@code seq}, or more than
     * (DupThresh - 1) * SMSS SACKed bytes do. A SACKed octet is not lost.
     */
    public boolean isLost(int seq) {
        int count = 0;
        long bytes = 0;
        for (int i = blocks.size() - 1; i >= 0; i--) {
            int[] b = blocks.get(i);
            if (le(b[1], seq)) break;
            if (le(b[0], seq)) return false; // seq itself is SACKed
            count++;
            bytes += b[1] - b[0];
        }
        return count >= DUP_THRESH || bytes > (long) (DUP_THRESH - 1) * smss;
    }

    /**
     * RFC 6675 NextSeg(): rule 1, the first lost octet above HighRxt below the highest SACKed one; rule 2, new
     * data from {@code sndMax} (HighData + 1) if {@code sendLimit} (end of what the window and the send buffer
     * allow) is beyond it; rule 3, the first unSACKed octet above HighRxt below the highest SACKed one; rule 4,
     * once per recovery when snd_una has passed RescueRxt, a rescue segment ending at the highest unSACKed
     * octet. Returns null when no rule applies. Retransmissions never extend into SACKed data.
     */
    public Segment nextSeg(int sndUna, int sndMax, int sendLimit) {
        Segment hole = firstHoleAboveHighRxt(sndUna, true);
        if (hole != null) return hole;
        if (lt(sndMax, sendLimit)) return new Segment(sndMax, Math.min(smss, sendLimit - sndMax), Rule.NEW_DATA);
        hole = firstHoleAboveHighRxt(sndUna, false);
        if (hole != null) return hole;
        if (inRecovery && (!rescueSet || gt(sndUna, rescueRxt))) {
            int end;
            int floor;
            if (blocks.isEmpty() || lt(blocks.getLast()[1], sndMax)) {
                end = sndMax;
                floor = blocks.isEmpty() ? sndUna : max(sndUna, blocks.getLast()[1]);
            } else {
                end = blocks.getLast()[0];
                floor = blocks.size() > 1 ? blocks.get(blocks.size() - 2)[1] : sndUna;
                floor = max(floor, sndUna);
            }
            if (gt(end, floor)) {
                int start = max(floor, end - smss);
                return new Segment(start, end - start, Rule.RESCUE);
            }
        }
        return null;
    }

    private Segment firstHoleAboveHighRxt(int una, boolean lostOnly) {
        int from = inRecovery ? max(una, highRxt) : una;
        int holeStart = una;
        for (int[] b : blocks) {
            int s = max(holeStart, from);
            if (lt(s, b[0]) && (!lostOnly || isLost(s))) {
                return new Segment(s, Math.min(smss, b[0] - s), lostOnly ? Rule.LOST_HOLE : Rule.UNSACKED_HOLE);
            }
            holeStart = b[1];
        }
        return null;
    }

    /** Records that {@code s} (from {@link #nextSeg}) was sent: RFC 6675 steps C.2 and NextSeg rule 4. */
    public void sent(Segment s) {
        switch (s.rule()) {
            case LOST_HOLE, UNSACKED_HOLE -> highRxt = max(highRxt, s.seq() + s.len());
            case RESCUE -> {
                rescueRxt = recoveryPoint;
                rescueSet = true;
            }
            case NEW_DATA -> { }
        }
    }

    /**
     * RFC 6675 SetPipe(): over the unSACKed octets from {@code sndUna} to {@code sndMax}, one for each not
     * lost and one more for each retransmitted (below HighRxt) in this recovery.
     */
    public int pipe(int sndUna, int sndMax) {
        int rxtEnd = inRecovery ? min(max(highRxt, sndUna), sndMax) : sndUna;
        long pipe = 0;
        int holeStart = sndUna;
        for (int[] b : blocks) {
            if (le(b[1], sndUna)) continue;
            pipe += unsackedRange(holeStart, min(b[0], sndMax), rxtEnd);
            holeStart = max(b[1], sndUna);
        }
        pipe += unsackedRange(holeStart, sndMax, rxtEnd);
        return (int) pipe;
    }

    /** SetPipe's count for the unSACKed range [s, e): not-lost octets plus retransmitted ones (below rxtEnd). */
    private int unsackedRange(int s, int e, int rxtEnd) {
        if (ge(s, e)) return 0;
        int n = isLost(s) ? 0 : e - s;
        if (lt(s, rxtEnd)) n += min(e, rxtEnd) - s;
        return n;
    }

    /** Forgets everything (connection closed, or an RTO per RFC 6675 section 5.1 if the caller chooses). */
    public void clear() {
        blocks.clear();
        countBlocks();
        sacked = 0;
        inRecovery = false;
        rescueSet = false;
    }

    /** Unsacked ranges between snd_una and the highest SACKed octet. */
    public int holes() {
        int n = 0;
        int prev = sndUna;
        for (int[] b : blocks) {
            if (gt(b[0], prev)) n++;
            prev = b[1];
        }
        return n;
    }

    public int sackedBytes() { return sacked; }

    /** Blocks ignored as invalid: below or at the ACK, beyond snd_max, empty or inverted. */
    public long invalidBlocks() { return invalidBlocks; }

    /** Blocks ignored because the scoreboard already held its most ranges. */
    public long overflows() { return overflows; }

    public boolean isEmpty() { return blocks.isEmpty(); }

    /** The sequence number after the highest SACKed octet; meaningless if empty. */
    public int highestSacked() { return blocks.isEmpty() ? sndUna : blocks.getLast()[1]; }

    /** The sequence number after the highest octet retransmitted in this recovery (HighRxt + 1). */
    public int highRxt() { return highRxt; }

    /** SACKed blocks in sequence order, as start, end pairs. */
    public int[] blocks() {
        int[] out = new int[2 * blocks.size()];
        for (int i = 0; i < blocks.size(); i++) {
            out[2 * i] = blocks.get(i)[0];
            out[2 * i + 1] = blocks.get(i)[1];
        }
        return out;
    }
}
