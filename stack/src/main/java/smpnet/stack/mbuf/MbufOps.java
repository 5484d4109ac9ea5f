package smpnet.stack.mbuf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The chain operations behind {@link Mbuf}'s public methods, with FreeBSD's meaning (uipc_mbuf.c). Kept apart
 * so Mbuf itself stays a readable description of one buffer. Every method expects a live head mbuf.
 */
final class MbufOps {
    private MbufOps() {}

    /** Copies {@code n} bytes between the data of two mbufs (either may be internal or external). */
    private static void move(Mbuf src, int srcAt, Mbuf dst, int dstAt, int n) {
        MemorySegment.copy(src.buf, src.off + srcAt, dst.buf, dst.off + dstAt, n);
    }

    private static Mbuf last(Mbuf m) {
        while (m.next != null) {
            m = m.next;
            m.checkLive();
        }
        return m;
    }

    /** Room after the data start, for filling an mbuf that is writable. */
    private static int room(Mbuf m) { return m.bufEnd - m.off; }

    static Mbuf pullup(Mbuf m, int n) {
        if (n < 0 || n > Mbuf.MCLBYTES) throw new MbufMisuseException("pullup of " + n + " bytes (at most MCLBYTES)", m);
        if (m.len >= n) return m;
        if (m.length() < n) {
            m.freeChain();
            return null;
        }
        Mbuf dest = m;
        if (!m.isWritable() || room(m) < n) {
            int internalRoom = m.pkthdr != null ? Mbuf.MHLEN : Mbuf.MLEN;
            dest = n <= internalRoom ? newLike(m, Mbuf.M_NOWAIT) : newClusterLike(m, Mbuf.M_NOWAIT);
            if (dest == null) {
                m.freeChain();
                return null;
            }
            movePkthdr(m, dest);
            dest.next = m;
        }
        fillFrom(dest, n - dest.len);
        return dest;
    }

    /** Moves {@code need} bytes from the mbufs after {@code dest} to its end, freeing the ones emptied. */
    private static void fillFrom(Mbuf dest, int need) {
        while (need > 0) {
            Mbuf src = dest.next;
            int k = Math.min(need, src.len);
            move(src, 0, dest, dest.len, k);
            dest.len += k;
            src.off += k;
            src.len -= k;
            need -= k;
            if (src.len == 0) {
                dest.next = src.next;
                src.next = null;
                src.free();
            }
        }
    }

    private static Mbuf newLike(Mbuf m, int how) {
        return m.pkthdr != null ? m.allocator.getHeader(how) : m.allocator.get(how);
    }

    private static Mbuf newClusterLike(Mbuf m, int how) {
        return m.pkthdr != null ? m.allocator.getHeaderCluster(how) : m.allocator.getCluster(how);
    }

    /** The packet header moves to the new first mbuf (m_move_pkthdr). */
    private static void movePkthdr(Mbuf from, Mbuf to) {
        if (from.pkthdr == null) return;
        to.pkthdr = from.pkthdr;
        from.pkthdr = null;
    }

    static void adj(Mbuf m, int n) {
        if (n >= 0) {
            int left = n;
            for (Mbuf mp = m; mp != null && left > 0; mp = mp.next) {
                mp.checkLive();
                int k = Math.min(mp.len, left);
                mp.off += k;
                mp.len -= k;
                left -= k;
            }
            if (m.pkthdr != null) m.pkthdr.setPktLen(Math.max(0, m.pkthdr.pktLen() - (n - left)));
        } else {
            int keep = Math.max(0, m.length() + n);
            if (m.pkthdr != null) m.pkthdr.setPktLen(keep);
            Mbuf mp = m;
            while (keep > mp.len) {
                keep -= mp.len;
                mp = mp.next;
            }
            mp.len = keep;
            // FreeBSD frees the now-empty rest of the chain rather than keeping empty mbufs around.
            if (mp.next != null) {
                mp.next.freeChain();
                mp.next = null;
            }
        }
    }

    static Mbuf prepend(Mbuf m, int n, int how) {
        if (n < 0 || n > Mbuf.MHLEN) throw new MbufMisuseException("prepend of " + n + " bytes (at most MHLEN)", m);
        Mbuf head = m;
        if (m.leadingSpace() >= n) {
            m.off -= n;
            m.len += n;
        } else {
            head = newLike(m, how);
            if (head == null) {
                m.freeChain();
                return null;
            }
            movePkthdr(m, head);
            // Data at the end of the new mbuf, so later prepends (lower headers) find leading space.
            head.off = head.bufEnd - n;
            head.len = n;
            head.next = m;
        }
        if (head.pkthdr != null) head.pkthdr.setPktLen(head.pkthdr.pktLen() + n);
        return head;
    }

    static Mbuf copyRange(Mbuf m, int off, int len, int how) {
        if (off < 0 || len < 0) throw new MbufMisuseException("copy of " + len + " bytes at " + off, m);
        boolean copyHdr = off == 0 && m.pkthdr != null;
        Mbuf mp = m;
        while (mp != null && off > 0 && off >= mp.len) {
            off -= mp.len;
            mp = mp.next;
            if (mp != null) mp.checkLive();
        }
        if (mp == null && (off > 0 || (len > 0 && len != Mbuf.M_COPYALL))) {
            throw new MbufMisuseException("copy offset beyond chain length " + m.length(), m);
        }
        Mbuf head = copyHdr ? m.allocator.getHeader(how) : m.allocator.get(how);
        if (head == null) return null;
        if (copyHdr) head.pkthdr.copyFrom(m.pkthdr);
        int copied = copyInto(m, head, mp, off, len, how);
        if (copied < 0) return null;
        if (copyHdr) head.pkthdr.setPktLen(copied);
        return head;
    }

    /**
     * Fills the chain from {@code head} with {@code len} bytes starting at {@code off} in {@code mp}; shares
     * external storage, copies internal data. Returns the bytes copied, or -1 after freeing {@code head} when
     * memory ran out.
     */
    private static int copyInto(Mbuf orig, Mbuf head, Mbuf mp, int off, int len, int how) {
        Mbuf n = head;
        int remaining = len;
        int copied = 0;
        while (remaining > 0 && mp != null) {
            if (n == null) {
                n = orig.allocator.get(how);
                if (n == null) {
                    head.freeChain();
                    return -1;
                }
                last(head).next = n;
            }
            int k = Math.min(mp.len - off, remaining);
            if (mp.ext != null) {
                mp.ext.acquire(mp);
                n.attach(mp.ext, mp.bufStart, mp.bufEnd);
                n.off = mp.off + off;
            } else {
                k = Math.min(k, room(n));
                move(mp, off, n, 0, k);
            }
            n.len = k;
            copied += k;
            if (remaining != Mbuf.M_COPYALL) remaining -= k;
            off += k;
            if (off == mp.len) {
                mp = mp.next;
                off = 0;
                if (mp != null) mp.checkLive();
            }
            n = null;
        }
        if (remaining > 0 && remaining != Mbuf.M_COPYALL) {
            head.freeChain();
            throw new MbufMisuseException("copy length " + len + " beyond chain length " + orig.length(), orig);
        }
        return copied;
    }

    static void copyData(Mbuf m, int off, int len, byte[] dst, int dstOff) {
        if (off < 0 || len < 0) throw new MbufMisuseException("copy out of " + len + " bytes at " + off, m);
        int total = m.length();
        if (off + len > total || off + len < 0) {
            throw new MbufMisuseException("copy out of " + len + " bytes at " + off + " beyond chain length " + total, m);
        }
        Mbuf mp = m;
        while (off >= mp.len && len > 0) {
            off -= mp.len;
            mp = mp.next;
        }
        while (len > 0) {
            int k = Math.min(mp.len - off, len);
            MemorySegment.copy(mp.buf, ValueLayout.JAVA_BYTE, mp.off + off, dst, dstOff, k);
            dstOff += k;
            len -= k;
            off = 0;
            mp = mp.next;
        }
    }

    static boolean append(Mbuf m, byte[] src, int srcOff, int n, int how) {
        if (n < 0 || srcOff < 0 || srcOff + n > src.length) throw new IndexOutOfBoundsException("append of " + n + " at " + srcOff);
        // from the array itself: a segment over it (two objects) for every segment built was garbage per packet
        return append(m, src, null, srcOff, n, how);
    }

    /** m_append from any memory: fills the last mbuf's trailing space, then adds mbufs (clusters when large). */
    static boolean append(Mbuf m, MemorySegment src, long srcOff, int n, int how) { return append(m, null, src, srcOff, n, how); }

    /** Copies {@code k} bytes from {@code array}, or else from {@code segment}, at {@code srcOff} into {@code dst} at {@code dstOff}. */
    private static void copyIn(byte[] array, MemorySegment segment, long srcOff, MemorySegment dst, long dstOff, int k) {
        if (array != null) MemorySegment.copy(array, (int) srcOff, dst, ValueLayout.JAVA_BYTE, dstOff, k);
        else MemorySegment.copy(segment, srcOff, dst, dstOff, k);
    }

    /** m_append from {@code array}, or else from {@code segment}. */
    private static boolean append(Mbuf m, byte[] array, MemorySegment segment, long srcOff, int n, int how) {
        Mbuf tail = last(m);
        int k = Math.min(tail.trailingSpace(), n);
        copyIn(array, segment, srcOff, tail.buf, tail.off + tail.len, k);
        tail.len += k;
        int done = k;
        while (done < n) {
            Mbuf more = n - done > Mbuf.MLEN ? m.allocator.getCluster(how) : m.allocator.get(how);
            if (more == null) break;
            k = Math.min(room(more), n - done);
            copyIn(array, segment, srcOff + done, more.buf, more.off, k);
            more.len = k;
            done += k;
            tail.next = more;
            tail = more;
        }
        if (m.pkthdr != null) m.pkthdr.setPktLen(m.pkthdr.pktLen() + done);
        return done == n;
    }

    /** A copy of packet {@code m} in {@code target}'s memory, header included; null if memory ran out. */
    static Mbuf copyPacket(Mbuf m, MbufAllocator target, int how) {
        int len = m.length();
        Mbuf head = len > Mbuf.MHLEN ? target.getHeaderCluster(how) : target.getHeader(how);
        if (head == null) return null;
        if (m.pkthdr != null) {
            head.pkthdr.copyFrom(m.pkthdr);
            head.pkthdr.setPktLen(0);
        }
        for (Mbuf mp = m; mp != null; mp = mp.next) {
            if (!append(head, mp.buf, mp.off, mp.len, how)) {
                head.freeChain();
                return null;
            }
        }
        return head;
    }

    static void concat(Mbuf m, Mbuf tail) {
        if (tail == null) return;
        for (Mbuf mp = m; mp != null; mp = mp.next) {
            if (mp == tail) throw new MbufMisuseException("concat of a chain onto itself", m);
        }
        int added = tail.length();
        tail.pkthdr = null;
        Mbuf last = last(m);
        Mbuf n = tail;
        // m_cat: copy small internal data into the last mbuf while it fits, then link the rest as is.
        while (n != null) {
            if (n.ext != null || last.trailingSpace() < n.len) {
                last.next = n;
                break;
            }
            move(n, 0, last, last.len, n.len);
            last.len += n.len;
            n = n.free();
        }
        if (m.pkthdr != null) m.pkthdr.setPktLen(m.pkthdr.pktLen() + added);
    }

    static Mbuf split(Mbuf m, int off, int how) {
        int total = m.length();
        if (off < 0 || off > total) throw new MbufMisuseException("split at " + off + " beyond chain length " + total, m);
        Mbuf mp = m;
        int remain = off;
        while (remain > mp.len) {
            remain -= mp.len;
            mp = mp.next;
        }
        Mbuf n = m.pkthdr != null ? m.allocator.getHeader(how) : m.allocator.get(how);
        if (n == null) return null;
        int k = mp.len - remain;
        Mbuf data = n;
        if (k > 0 && mp.ext == null && k > room(n)) {
            data = m.allocator.get(how);
            if (data == null) {
                n.free();
                return null;
            }
            n.next = data;
        }
        if (k > 0 && mp.ext != null) {
            mp.ext.acquire(mp);
            data.attach(mp.ext, mp.bufStart, mp.bufEnd);
            data.off = mp.off + remain;
        } else if (k > 0) {
            move(mp, remain, data, 0, k);
        }
        data.len = k;
        data.next = mp.next;
        mp.next = null;
        mp.len = remain;
        if (m.pkthdr != null) {
            n.pkthdr.copyFrom(m.pkthdr);
            n.pkthdr.setPktLen(total - off);
            m.pkthdr.setPktLen(off);
        }
        return n;
    }

    static void sanity(Mbuf m) {
        int total = 0;
        for (Mbuf mp = m; mp != null; mp = mp.next) {
            mp.checkLive();
            if (mp.off < mp.bufStart || mp.off + mp.len > mp.bufEnd || mp.len < 0) {
                throw new MbufMisuseException("data [" + mp.off + ", +" + mp.len + ") outside its storage", mp);
            }
            if (mp != m && mp.pkthdr != null) throw new MbufMisuseException("packet header inside a chain", mp);
            total += mp.len;
        }
        if (m.pkthdr != null && m.pkthdr.pktLen() != total) {
            throw new MbufMisuseException("pktLen " + m.pkthdr.pktLen() + " but chain holds " + total, m);
        }
    }
}
