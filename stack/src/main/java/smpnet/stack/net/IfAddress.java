package smpnet.stack.net;

/**
 * An IPv4 address configured on an interface, with its prefix length (e.g. 10.0.0.1/24). Addresses are
 * kept as 32-bit ints in network order of significance (10.0.0.1 is 0x0a000001).
 */
public record IfAddress(int address, int prefixLength) {
    public IfAddress {
        if (prefixLength < 0 || prefixLength > 32) throw new IllegalArgumentException("prefix " + prefixLength);
    }

    /** Parses "10.0.0.1/24". */
    public static IfAddress parse(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("no prefix length: " + s);
        return new IfAddress(parseIpv4(s.substring(0, slash)), Integer.parseInt(s.substring(slash + 1)));
    }

    /** The network mask (0xffffff00 for /24). */
    public int netmask() { return prefixLength == 0 ? 0 : -1 << (32 - prefixLength); }

    /** The subnet's broadcast address. */
    public int broadcast() { return address | ~netmask(); }

    /** Parses a dotted quad. */
    public static int parseIpv4(String s) {
        String[] p = s.split("\\.");
        if (p.length != 4) throw new IllegalArgumentException("not an IPv4 address: " + s);
        int v = 0;
        for (String part : p) {
            int b = Integer.parseInt(part);
            if (b < 0 || b > 255) throw new IllegalArgumentException("not an IPv4 address: " + s);
            v = (v << 8) | b;
        }
        return v;
    }

    /** Formats a 32-bit address as a dotted quad. */
    public static String formatIpv4(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }

    @Override public String toString() { return formatIpv4(address) + "/" + prefixLength; }
}
