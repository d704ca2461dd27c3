package dev.hairpin.pcap;

import dev.hairpin.packet.Ipv4;

/**
 * LINKTYPE_NFLOG records: a netfilter log message as nfnetlink_log sends it to a group.
 * A 4-byte header (big-endian), then netlink attributes (TLVs) whose length and type are in the
 * byte order of the host that wrote the file (= the capture file's byte order: libpcap swaps
 * them along with the file), values in network order, each padded to 4 bytes.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------+---------------+-------------------------------+
 * |    Family     |    Version    |   Resource id (log group)     |  0
 * +---------------+---------------+-------------------------------+
 * |  TLV length (incl. these 4)   |          TLV type             |  4
 * +-------------------------------+-------------------------------+
 * |                 value ... padded to 4 bytes                   |  8
 * +---------------------------------------------------------------+
 * |                          next TLV ...                         |
 * </pre>
 * Types (enum nfulnl_attr_type) used here: {@link #PACKET_HDR} (hw protocol u16, hook u8, pad),
 * {@link #PAYLOAD} (the IP packet), {@link #PREFIX} (NUL-terminated), interface indexes, uid, gid.
 */
public final class Nflog {
    private Nflog() {}

    public static final int HEADER = 4;
    public static final int TLV_HEADER = 4;

    public static final int PACKET_HDR = 1;
    public static final int MARK = 2;
    public static final int TIMESTAMP = 3;
    public static final int IFINDEX_INDEV = 4;
    public static final int IFINDEX_OUTDEV = 5;
    public static final int IFINDEX_PHYSINDEV = 6;
    public static final int IFINDEX_PHYSOUTDEV = 7;
    public static final int HWADDR = 8;
    public static final int PAYLOAD = 9;
    public static final int PREFIX = 10;
    public static final int UID = 11;
    public static final int SEQ = 12;
    public static final int SEQ_GLOBAL = 13;
    public static final int GID = 14;
    public static final int HWTYPE = 15;
    public static final int HWHEADER = 16;
    public static final int HWLEN = 17;
    /** the netlink type bits (NLA_TYPE_MASK): the top two are the nested / byte-order flags */
    public static final int TYPE_MASK = 0x3fff;

    public static final int AF_INET = 2;

    public static int family(byte[] b, int off) {
        return b[off] & 0xff;
    }

    public static int version(byte[] b, int off) {
        return b[off + 1] & 0xff;
    }

    public static int resourceId(byte[] b, int off) {
        return Ipv4.u16(b, off + 2);
    }

    /** Writes the 4-byte header; returns 4. */
    public static int encodeHeader(byte[] b, int off, int family, int version, int resourceId) {
        b[off] = (byte) family;
        b[off + 1] = (byte) version;
        Ipv4.put16(b, off + 2, resourceId);
        return HEADER;
    }

    /**
     * Writes one TLV with {@code vlen} value bytes from {@code v}; returns its padded size. The
     * padding is zeroed.
     */
    public static int putTlv(byte[] b, int off, boolean littleEndian, int type, byte[] v, int voff, int vlen) {
        int len = TLV_HEADER + vlen;
        Bytes.put16(b, off, len, littleEndian);
        Bytes.put16(b, off + 2, type, littleEndian);
        System.arraycopy(v, voff, b, off + TLV_HEADER, vlen);
        for (int i = len; i < Bytes.pad4(len); i++) {
            b[off + i] = 0;
        }
        return Bytes.pad4(len);
    }

    /** a TLV holding a big-endian u32 (interface index, uid, gid, mark); returns 8 */
    public static int putTlv32(byte[] b, int off, boolean littleEndian, int type, int value) {
        Bytes.put16(b, off, TLV_HEADER + 4, littleEndian);
        Bytes.put16(b, off + 2, type, littleEndian);
        Ipv4.put32(b, off + TLV_HEADER, value);
        return TLV_HEADER + 4;
    }

    /** the PACKET_HDR TLV: hardware protocol, hook, one pad byte; returns 8 */
    public static int putPacketHdr(byte[] b, int off, boolean littleEndian, int hwProtocol, int hook) {
        Bytes.put16(b, off, TLV_HEADER + 4, littleEndian);
        Bytes.put16(b, off + 2, PACKET_HDR, littleEndian);
        Ipv4.put16(b, off + TLV_HEADER, hwProtocol);
        b[off + TLV_HEADER + 2] = (byte) hook;
        b[off + TLV_HEADER + 3] = 0;
        return TLV_HEADER + 4;
    }
}
