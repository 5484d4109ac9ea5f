package smpnet.stack.socket;

import java.net.InetSocketAddress;

/**
 * A received datagram: its sender and a copy of its payload.
 *
 * @param source the sender's address and port
 * @param data   the payload
 */
public record Datagram(InetSocketAddress source, byte[] data) {
    public Datagram {
        data = data.clone();
    }

    @Override public byte[] data() { return data.clone(); }

    /** The payload length. */
    public int length() { return data.length; }

    /** The payload as text (UTF-8), handy in tests and examples. */
    public String text() { return new String(data, java.nio.charset.StandardCharsets.UTF_8); }
}
