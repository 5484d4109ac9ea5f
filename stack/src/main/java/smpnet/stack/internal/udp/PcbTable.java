package smpnet.stack.internal.udp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import smpnet.locking.GuardedBy;
import smpnet.locking.SharedExclusiveLock;

/**
 * The UDP pcb hash tables of a host (FreeBSD's udbinfo): bound pcbs by local port, connected ones by
 * their 4-tuple as well, so input finds the most specific socket (RFC 1122 4.1.3.4 leaves the choice to us;
 * we prefer an exact connected match, then a bound local address, then a wildcard bind).
 *
 * <p>Locking key: {@code udbinfo} (rm, read-mostly; Giant in giant mode) guards both maps, the ephemeral
 * port range and cursor, and the address fields of every pcb in the maps; lookups hold it shared,
 * bind/connect/close exclusive. It is taken before any {@code inp}.
 */
final class PcbTable {
    /** The default ephemeral range, RFC 6335 6 (FreeBSD's net.inet.ip.portrange.first and .last). */
    static final int EPHEMERAL_FIRST = 49152;
    static final int EPHEMERAL_LAST = 65535;

    final SharedExclusiveLock udbinfo;
    @GuardedBy("udbinfo") private final Map<Integer, List<Inpcb>> byPort = new HashMap<>();
    @GuardedBy("udbinfo") private final Map<Long, Inpcb> connected = new HashMap<>();
    @GuardedBy("udbinfo") private int first = EPHEMERAL_FIRST;
    @GuardedBy("udbinfo") private int last = EPHEMERAL_LAST;
    @GuardedBy("udbinfo") private int nextEphemeral = EPHEMERAL_FIRST;

    PcbTable(SharedExclusiveLock udbinfo) { this.udbinfo = udbinfo; }

    /**
     * Binds {@code pcb} to {@code addr:port} (port 0: pick an ephemeral one). Returns the port, or -1 if the
     * address is in use (without SO_REUSEADDR, one pcb per local address and port; a wildcard conflicts
     * with every address).
     */
    int bindLocked(Inpcb pcb, int addr, int port) {
        udbinfo.assertOwned();
        pcb.lock.assertOwned();
        int p = port != 0 ? port : ephemeralLocked(addr);
        if (p < 0 || inUseLocked(addr, p)) return -1;
        pcb.localAddr = addr;
        pcb.localPort = p;
        byPort.computeIfAbsent(p, k -> new ArrayList<>(1)).add(pcb);
        return p;
    }

    /** Sets the foreign address of a bound pcb and files it under its 4-tuple. */
    void connectLocked(Inpcb pcb, int laddr, int faddr, int fport) {
        udbinfo.assertOwned();
        pcb.lock.assertOwned();
        if (pcb.isConnected()) connected.remove(Inpcb.connectedKey(pcb.localAddr, pcb.localPort, pcb.foreignAddr, pcb.foreignPort));
        pcb.localAddr = laddr;
        pcb.foreignAddr = faddr;
        pcb.foreignPort = fport;
        connected.put(Inpcb.connectedKey(laddr, pcb.localPort, faddr, fport), pcb);
    }

    /** Removes the pcb from every chain; input that finds it afterwards sees {@code detached}. */
    void removeLocked(Inpcb pcb) {
        udbinfo.assertOwned();
        pcb.lock.assertOwned();
        if (pcb.isConnected()) connected.remove(Inpcb.connectedKey(pcb.localAddr, pcb.localPort, pcb.foreignAddr, pcb.foreignPort));
        List<Inpcb> l = byPort.get(pcb.localPort);
        if (l != null) {
            l.remove(pcb);
            if (l.isEmpty()) byPort.remove(pcb.localPort);
        }
        pcb.detached = true;
    }

    /** The pcb a datagram to {@code dst:dport} from {@code src:sport} belongs to, or null. */
    Inpcb lookupLocked(int dst, int dport, int src, int sport) {
        udbinfo.assertLocked();
        Inpcb exact = connected.get(Inpcb.connectedKey(dst, dport, src, sport));
        if (exact != null) return exact;
        List<Inpcb> l = byPort.get(dport);
        if (l == null) return null;
        Inpcb wildcard = null;
        for (Inpcb p : l) {
            if (p.isConnected()) continue;
            if (p.localAddr == dst) return p;
            if (p.localAddr == 0) wildcard = p;
        }
        return wildcard;
    }

    /** The ephemeral port range: {first, last}. */
    int[] portRange() {
        udbinfo.lockShared();
        try {
            return new int[] {first, last};
        } finally {
            udbinfo.unlockShared();
        }
    }

    /** Sets the ephemeral port range (binds already made keep their ports). */
    void setPortRange(int newFirst, int newLast) {
        if (newFirst < 1 || newLast > 65535 || newFirst > newLast) {
            throw new IllegalArgumentException("ephemeral port range " + newFirst + ".." + newLast
                    + ": need 1 <= first <= last <= 65535");
        }
        udbinfo.lock();
        try {
            first = newFirst;
            last = newLast;
            nextEphemeral = newFirst;
        } finally {
            udbinfo.unlock();
        }
    }

    private boolean inUseLocked(int addr, int port) {
        udbinfo.assertLocked();
        List<Inpcb> l = byPort.get(port);
        if (l == null) return false;
        for (Inpcb p : l) if (p.localAddr == 0 || addr == 0 || p.localAddr == addr) return true;
        return false;
    }

    private int ephemeralLocked(int addr) {
        udbinfo.assertOwned();
        int span = last - first + 1;
        for (int i = 0; i < span; i++) {
            int p = nextEphemeral < first || nextEphemeral > last ? first : nextEphemeral;
            nextEphemeral = p == last ? first : p + 1;
            if (!inUseLocked(addr, p)) return p;
        }
        return -1;
    }
}
