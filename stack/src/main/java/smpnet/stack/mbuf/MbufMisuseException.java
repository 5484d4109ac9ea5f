package smpnet.stack.mbuf;

/**
 * A programming error on an mbuf: use after free, double free, a write into shared read-only storage, or
 * an offset or length beyond the data. The message names the mbuf and, when tracking is on, where it was
 * allocated (and freed).
 */
public final class MbufMisuseException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final String mbuf;

    MbufMisuseException(String what, Mbuf m) {
        super(what + ": " + m.describe());
        this.mbuf = m.name();
    }

    /** The name of the mbuf concerned, e.g. {@code mbuf#3.7}. */
    public String mbufName() { return mbuf; }
}
