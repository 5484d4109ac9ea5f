package smpnet.stack.net;

/** A 48-bit Ethernet (IEEE 802) address, kept in the low 48 bits of a long. */
public record MacAddress(long bits) {
    public static final MacAddress BROADCAST = new MacAddress(0xffff_ffff_ffffL);
    public static final MacAddress ZERO = new MacAddress(0);

    public MacAddress {
        if ((bits >>> 48) != 0) throw new IllegalArgumentException("more than 48 bits: " + Long.toHexString(bits));
    }

    /** Parses "02:00:00:00:00:01". */
    public static MacAddress parse(String s) {
        String[] parts = s.split(":");
        if (parts.length != 6) throw new IllegalArgumentException("not a MAC address: " + s);
        long v = 0;
        for (String p : parts) v = (v << 8) | Integer.parseInt(p, 16);
        return new MacAddress(v);
    }

    /** The address from 6 bytes at {@code off}. */
    public static MacAddress of(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 6; i++) v = (v << 8) | (b[off + i] & 0xff);
        return new MacAddress(v);
    }

    /** A locally administered unicast address (02:...) numbered {@code n}, for simulated hosts. */
    public static MacAddress local(int n) { return new MacAddress(0x0200_0000_0000L | (n & 0xffff_ffffL)); }

    /** Writes the 6 bytes at {@code off}. */
    public void write(byte[] b, int off) {
        for (int i = 0; i < 6; i++) b[off + i] = (byte) (bits >>> (40 - 8 * i));
    }

    public byte[] bytes() {
        byte[] b = new byte[6];
        write(b, 0);
        return b;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < 6; i++) {
            if (i > 0) sb.append(':');
            sb.append(String.format("%02x", (bits >>> (40 - 8 * i)) & 0xff));
        }
        return sb.toString();
    }
}
