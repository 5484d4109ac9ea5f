package smpnet.stack.internal.tcp;

/**
 * The sequential specification of {@link TcpPcbTableLincheckTest}: FreeBSD's in_pcbbind for one port and
 * sockets that are all connected. A bind without SO_REUSEADDR fails while any other socket holds the port,
 * bound or closed with its connection still alive; with SO_REUSEADDR it fails only beside a listener, and
 * none listens here.
 */
public class PortModel {
    /** Where a socket is in its life. */
    enum Life { NEW, BOUND, LINGERING, GONE }

    private final Life[] life = new Life[5];

    public PortModel() { java.util.Arrays.fill(life, Life.NEW); }

    public boolean bind(int s, boolean reuse) {
        if (life[s] != Life.NEW || (!reuse && held())) return false;
        life[s] = Life.BOUND;
        return true;
    }

    public boolean close(int s) { return step(s, Life.BOUND, Life.LINGERING); }

    public boolean end(int s) { return step(s, Life.LINGERING, Life.GONE); }

    public boolean inUse() { return held(); }

    private boolean step(int s, Life from, Life to) {
        if (life[s] != from) return false;
        life[s] = to;
        return true;
    }

    private boolean held() {
        for (Life l : life) if (l == Life.BOUND || l == Life.LINGERING) return true;
        return false;
    }
}
