package smpnet.sim.apps;

import smpnet.stack.socket.SocketError;
import smpnet.stack.socket.TcpSocket;

/** Fixed-size messages on a blocking TCP socket, as the example workloads exchange them. */
public final class Messages {
    private Messages() {}

    /**
     * Reads exactly {@code buf.length} bytes; false at end of stream before the first byte, an
     * {@link IllegalStateException} at end of stream in the middle of a message.
     */
    public static boolean readFully(TcpSocket s, byte[] buf) throws SocketError {
        int n = 0;
        while (n < buf.length) {
            int r = s.read(buf, n, buf.length - n);
            if (r < 0) {
                if (n == 0) return false;
                throw new IllegalStateException("connection closed in the middle of a message");
            }
            n += r;
        }
        return true;
    }
}
