package dev.hairpin.packet;

/**
 * Ethernet II header (IEEE 802.3) with an optional 802.1Q/802.1ad tag; absolute accessors over
 * a byte array, {@code off} = the frame's first byte. The frame check sequence is never
 * present (captures and AF_PACKET strip it).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                     Destination MAC ...                       |  0
 * +-------------------------------+-------------------------------+
 * |        ... Destination        |        Source MAC ...         |  4
 * +-------------------------------+-------------------------------+
 * |                        ... Source MAC                         |  8
 * +-------------------------------+-------------------------------+
 * |  EtherType (or TPID 0x8100)   |  [TCI: PCP|DEI|VLAN id]       | 12
 * +-------------------------------+-------------------------------+
 * |  [inner EtherType]            |  payload ...                    16
 * </pre>
 */
public final class Ethernet {
    private Ethernet() {}

    public static final int HEADER = 14;
    public static final int VLAN_HEADER = 18;
    public static final int DST = 0;
    public static final int SRC = 6;
    public static final int TYPE = 12;
    public static final int ADDR_LEN = 6;

    public static final int ETH_P_IP = 0x0800;
    public static final int ETH_P_ARP = 0x0806;
    public static final int ETH_P_8021Q = 0x8100;
    public static final int ETH_P_8021AD = 0x88a8;
    public static final int ETH_P_IPV6 = 0x86dd;

    /** the outer EtherType / TPID */
    public static int type(byte[] b, int off) {
        return Ipv4.u16(b, off + TYPE);
    }

    public static boolean isVlanTpid(int type) {
        return type == ETH_P_8021Q || type == ETH_P_8021AD;
    }

    /**
     * Offset of the payload past any VLAN tags (at most two, QinQ), relative to {@code off};
     * -1 when {@code len} is too short for the header it announces.
     */
    public static int headerLength(byte[] b, int off, int len) {
        int h = HEADER;
        for (int tags = 0; tags < 2 && len >= h && isVlanTpid(Ipv4.u16(b, off + h - 2)); tags++) {
            h += 4;
        }
        return len >= h ? h : -1;
    }

    /** the EtherType of the payload, past VLAN tags (needs {@link #headerLength} >= 0) */
    public static int payloadType(byte[] b, int off, int len) {
        return Ipv4.u16(b, off + headerLength(b, off, len) - 2);
    }

    /** MAC address as a long (48 bits, network order) */
    public static long mac(byte[] b, int i) {
        return ((long) Ipv4.u16(b, i) << 32) | (Ipv4.i32(b, i + 2) & 0xffffffffL);
    }

    public static void putMac(byte[] b, int i, long mac) {
        Ipv4.put16(b, i, (int) (mac >>> 32));
        Ipv4.put32(b, i + 2, (int) mac);
    }

    /** Writes an untagged header; returns its length. */
    public static int encode(byte[] b, int off, long dst, long src, int ethertype) {
        putMac(b, off + DST, dst);
        putMac(b, off + SRC, src);
        Ipv4.put16(b, off + TYPE, ethertype);
        return HEADER;
    }

    /** Writes a header with one 802.1Q tag; returns its length. */
    public static int encodeVlan(byte[] b, int off, long dst, long src, int tci, int ethertype) {
        putMac(b, off + DST, dst);
        putMac(b, off + SRC, src);
        Ipv4.put16(b, off + TYPE, ETH_P_8021Q);
        Ipv4.put16(b, off + TYPE + 2, tci);
        Ipv4.put16(b, off + TYPE + 4, ethertype);
        return VLAN_HEADER;
    }

    /** "02:00:00:00:00:01" */
    public static String macToString(long mac) {
        StringBuilder s = new StringBuilder(17);
        for (int i = 5; i >= 0; i--) {
            int v = (int) (mac >>> (i * 8)) & 0xff;
            s.append(Character.forDigit(v >> 4, 16)).append(Character.forDigit(v & 0xf, 16));
            if (i > 0) {
                s.append(':');
            }
        }
        return s.toString();
    }

    /** parses "02:00:00:00:00:01"; throws IllegalArgumentException otherwise */
    public static long parseMac(String s) {
        if (s.length() != 17) {
            throw new IllegalArgumentException("not a MAC address: " + s);
        }
        long v = 0;
        for (int i = 0; i < 6; i++) {
            int hi = Character.digit(s.charAt(i * 3), 16);
            int lo = Character.digit(s.charAt(i * 3 + 1), 16);
            if (hi < 0 || lo < 0 || (i < 5 && s.charAt(i * 3 + 2) != ':')) {
                throw new IllegalArgumentException("not a MAC address: " + s);
            }
            v = (v << 8) | (hi << 4) | lo;
        }
        return v;
    }
}
