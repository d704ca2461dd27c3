package dev.hairpin.pcap;

import java.nio.charset.StandardCharsets;

/**
 * One captured packet, filled in place by {@link CaptureReader#next} or
 * {@link CaptureReader#nextView}: a reusable holder, so a reader allocates nothing per record
 * (its own array only grows). The link-layer header is decoded into the fields below; -1 marks
 * a field the link type does not carry.
 *
 * <pre>
 *  data: [ @offset link header | network header @networkOffset ... networkOffset+networkLength ] offset+length
 * </pre>
 * {@link #offset} is 0 after {@code next} (the record's own array); after {@code nextView} data
 * is the reader's buffer and the record starts wherever it lies there.
 */
public final class CaptureRecord {
    /** PACKET_* values of {@link #pkttype} (include/uapi/linux/if_packet.h) */
    public static final int PACKET_HOST = 0;
    public static final int PACKET_BROADCAST = 1;
    public static final int PACKET_MULTICAST = 2;
    public static final int PACKET_OTHERHOST = 3;
    public static final int PACKET_OUTGOING = 4;

    /** capture time, nanoseconds since the Unix epoch (0 for a pcapng simple packet block) */
    public long timestampNanos;
    /** the packet's length on the wire; {@link #length} is less when the snap length cut it */
    public int originalLength;
    /** captured bytes, {@code [offset, offset + length)} */
    public byte[] data;
    /** index in {@link #data} of the first captured byte */
    public int offset;
    public int length;
    /** {@link LinkType} of the record */
    public int linkType;
    /** pcapng interface id within its section; 0 in classic pcap */
    public int interfaceId;
    /** 1-based number of the record in its file */
    public long number;
    /** byte offset of the record (pcap record header, pcapng block) in its file */
    public long fileOffset;

    /** EtherType of the network layer (0x0800 IPv4), -1 unknown */
    public int protocol;
    /** index of the network header in {@link #data} (from the array's start, not from offset), -1 when there is none */
    public int networkOffset;
    /**
     * bytes of network-layer data from {@link #networkOffset}; may include link padding (short
     * Ethernet frames are padded to 60 bytes): the IPv4 total length says what is the datagram
     */
    public int networkLength;
    /** interface index (SLL2), -1 unknown */
    public int ifindex;
    /** packet type (SLL, SLL2): {@link #PACKET_HOST} incoming, {@link #PACKET_OUTGOING} sent, -1 unknown */
    public int pkttype;
    /** ARPHRD_ hardware type (1 Ethernet, 772 loopback), -1 unknown */
    public int arphrd;
    /** link-layer address: the source MAC of the frame for Ethernet and cooked captures */
    public final byte[] addr = new byte[8];
    public int addrLen;
    /** 802.1Q tag control of the outer VLAN tag, -1 untagged */
    public int vlanTci;

    /** NFLOG: header fields and attributes (-1 when absent) */
    public int nflogFamily;
    public int nflogResourceId;
    public int hook;
    public int mark;
    public int indev;
    public int outdev;
    public int uid;
    public int gid;
    /** NFLOG prefix bytes in {@link #data} (index from the array's start, without the NUL), length -1 when absent */
    public int prefixOffset;
    public int prefixLength;

    public CaptureRecord() {
        this(2048);
    }

    /** the array {@code next} copies into (data may be a reader's buffer instead) */
    private byte[] own;

    public CaptureRecord(int capacity) {
        own = new byte[capacity];
        data = own;
        clearLink();
    }

    /** resets every decoded link field to "unknown" */
    public void clearLink() {
        protocol = -1;
        networkOffset = -1;
        networkLength = 0;
        ifindex = -1;
        pkttype = -1;
        arphrd = -1;
        addrLen = 0;
        vlanTci = -1;
        nflogFamily = -1;
        nflogResourceId = -1;
        hook = -1;
        mark = -1;
        indev = -1;
        outdev = -1;
        uid = -1;
        gid = -1;
        prefixOffset = 0;
        prefixLength = -1;
    }

    /** makes {@link #data} the record's own array, of at least n bytes (contents not kept), offset 0 */
    void ensureCapacity(int n) {
        if (own.length < n) {
            own = new byte[Math.max(n, own.length * 2)];
        }
        data = own;
        offset = 0;
    }

    /** makes {@link #data} the record's own array, of at least n bytes, keeping its contents; offset 0 */
    void grow(int n) {
        if (own.length < n) {
            own = java.util.Arrays.copyOf(own, Math.max(n, 1));
        }
        data = own;
        offset = 0;
    }

    /** points the record at a reader's buffer (nextView) */
    void view(byte[] buf, int at) {
        data = buf;
        offset = at;
    }

    /** the link-layer address as a big-endian number (a MAC in its low 48 bits) */
    public long address() {
        long v = 0;
        for (int i = 0; i < addrLen && i < addr.length; i++) {
            v = (v << 8) | (addr[i] & 0xff);
        }
        return v;
    }

    /** the NFLOG prefix ("socket"), null when absent; allocates */
    public String prefix() {
        return prefixLength < 0 ? null : new String(data, prefixOffset, prefixLength, StandardCharsets.ISO_8859_1);
    }

    /** a copy of the network-layer bytes (e.g. the IPv4 datagram); allocates */
    public byte[] networkCopy() {
        byte[] c = new byte[Math.max(networkLength, 0)];
        if (networkOffset >= 0) {
            System.arraycopy(data, networkOffset, c, 0, c.length);
        }
        return c;
    }

    /** the timestamp as "seconds.nanoseconds" */
    public String timestampString() {
        long s = Math.floorDiv(timestampNanos, 1_000_000_000L);
        long ns = Math.floorMod(timestampNanos, 1_000_000_000L);
        return s + "." + String.format("%09d", ns);
    }
}
