package smpnet.stack.socket;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Conversions between the socket API's java.net addresses and the stack's int IPv4 addresses. */
final class Addresses {
    private Addresses() {}

    static int toInt(InetAddress a) {
        if (!(a instanceof Inet4Address)) throw new IllegalArgumentException("not an IPv4 address: " + a);
        byte[] b = a.getAddress();
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    static int toInt(InetSocketAddress a) {
        if (a.isUnresolved()) throw new IllegalArgumentException("unresolved address: " + a);
        return toInt(a.getAddress());
    }

    static InetSocketAddress of(int addr, int port) {
        byte[] b = {(byte) (addr >>> 24), (byte) (addr >>> 16), (byte) (addr >>> 8), (byte) addr};
        try {
            return new InetSocketAddress(InetAddress.getByAddress(b), port);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 bytes are always an address", e);
        }
    }
}
