package smpnet.stack.internal.wire;

/**
 * Thrown by a header view's constructor when the bytes are not a valid header; {@link #reason()} says
 * which rule failed. Instances are shared and carry no stack trace (see {@link Malformed}).
 */
public final class MalformedPacketException extends Exception {
    private final transient Malformed reason;

    MalformedPacketException(Malformed reason) {
        super(reason.name(), null, false, false);
        this.reason = reason;
    }

    public Malformed reason() { return reason; }
}
