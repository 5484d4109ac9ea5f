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
        String len = s.substring(slash + 1);
        if (len.isEmpty() || len.length() > 2 || !len.chars().allMatch(Character::isDigit) || Integer.parseInt(len) > 32) {
            throw new IllegalArgumentException("not a prefix length (0 to 32): " + s);
        }
        return new IfAddress(parseIpv4(s.substring(0, slash)), Integer.parseInt(len));
    }

    /** The network mask (0xffffff00 for /24). */
    public int netmask() { return prefixLength == 0 ? 0 : -1 << (32 - prefixLength); }

    /** The subnet's broadcast address. */
    public int broadcast() { return address | ~netmask(); }

    /** Parses a dotted quad; anything else is an {@link IllegalArgumentException} naming it. */
    public static int parseIpv4(String s) { return smpnet.stack.internal.wire.Ipv4Header.parseAddress(s); }

    /** Formats a 32-bit address as a dotted quad. */
    public static String formatIpv4(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }

    @Override public String toString() { return formatIpv4(address) + "/" + prefixLength; }
}
