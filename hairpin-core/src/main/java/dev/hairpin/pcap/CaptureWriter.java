package dev.hairpin.pcap;

import dev.hairpin.packet.Ethernet;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.charset.StandardCharsets;

/**
 * Writes packets to a capture file ({@link PcapWriter}, {@link PcapngWriter}), with helpers that
 * wrap an IPv4 datagram in the link header of a cooked (SLL2), Ethernet or NFLOG record.
 * Records are assembled in one reusable output buffer and written to the file in large writes;
 * nothing is allocated per record except for NFLOG's prefix string.
 */
public abstract class CaptureWriter implements Closeable, Flushable {
    /** where records are assembled; large writes to the file */
    final ByteOutput out;
    /** the file's byte order (little endian, like tcpdump on x86, unless asked otherwise) */
    protected final boolean le;
    private byte[] frame = new byte[2048];
    private final byte[] macBytes = new byte[Ethernet.ADDR_LEN];

    protected CaptureWriter(OutputStream out, ByteOrder order) {
        this(new ByteOutput(out), order);
    }

    /** over a file opened by create(): large channel writes, no stream layers */
    CaptureWriter(ByteOutput out, ByteOrder order) {
        this.out = out;
        this.le = order == ByteOrder.LITTLE_ENDIAN;
    }

    /** a new (or truncated) file for writing */
    static ByteOutput file(Path file) throws IOException {
        return new ByteOutput(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE));
    }

    /** Writes one record of {@code linkType}: {@code len} captured bytes of an {@code origLen}-byte packet. */
    public abstract void write(int linkType, long tsNanos, byte[] b, int off, int len, int origLen) throws IOException;

    /**
     * A LINUX_SLL2 record as {@code tcpdump -i any} writes it: protocol 0x0800, the interface,
     * its ARPHRD type (1 Ethernet, 772 loopback), PACKET_HOST (0) or PACKET_OUTGOING (4), the
     * frame's source address, then the IPv4 datagram.
     */
    public void writeSll2(long tsNanos, int ifindex, int pkttype, int arphrd, byte[] addr, int addrLen,
            byte[] ip, int off, int len) throws IOException {
        byte[] f = frame(Sll2.HEADER + len);
        Sll2.encode(f, 0, Ethernet.ETH_P_IP, ifindex, arphrd, pkttype, addr, addrLen);
        System.arraycopy(ip, off, f, Sll2.HEADER, len);
        write(LinkType.LINUX_SLL2, tsNanos, f, 0, Sll2.HEADER + len, Sll2.HEADER + len);
    }

    /** {@link #writeSll2} with a 6-byte MAC given as a number */
    public void writeSll2(long tsNanos, int ifindex, int pkttype, int arphrd, long mac, byte[] ip, int off, int len)
            throws IOException {
        byte[] a = macBytes;
        Ethernet.putMac(a, 0, mac);
        writeSll2(tsNanos, ifindex, pkttype, arphrd, a, Ethernet.ADDR_LEN, ip, off, len);
    }

    /** An EN10MB record: an untagged Ethernet header, then the payload. */
    public void writeEthernet(long tsNanos, long dst, long src, int ethertype, byte[] payload, int off, int len)
            throws IOException {
        byte[] f = frame(Ethernet.HEADER + len);
        Ethernet.encode(f, 0, dst, src, ethertype);
        System.arraycopy(payload, off, f, Ethernet.HEADER, len);
        write(LinkType.EN10MB, tsNanos, f, 0, Ethernet.HEADER + len, Ethernet.HEADER + len);
    }

    /**
     * An NFLOG record like the kernel's for a packet logged at {@code hook} to group
     * {@code group}: AF_INET, TLVs packet header (0x0800, hook), prefix (NUL-terminated, none
     * if null), indev, outdev, uid, gid (each left out when -1), payload = the IPv4 packet.
     * TLV lengths and types are written in the file's byte order.
     */
    public void writeNflog(long tsNanos, int group, int hook, String prefix, int indev, int outdev, int uid, int gid,
            byte[] ip, int off, int len) throws IOException {
        byte[] p = prefix == null ? null : (prefix + "\0").getBytes(StandardCharsets.ISO_8859_1);
        int max = Nflog.HEADER + 8 + (p == null ? 0 : Bytes.pad4(4 + p.length)) + 4 * 8 + Bytes.pad4(4 + len);
        byte[] f = frame(max);
        int n = Nflog.encodeHeader(f, 0, Nflog.AF_INET, 0, group);
        n += Nflog.putPacketHdr(f, n, le, Ethernet.ETH_P_IP, hook);
        if (p != null) {
            n += Nflog.putTlv(f, n, le, Nflog.PREFIX, p, 0, p.length);
        }
        if (indev != -1) {
            n += Nflog.putTlv32(f, n, le, Nflog.IFINDEX_INDEV, indev);
        }
        if (outdev != -1) {
            n += Nflog.putTlv32(f, n, le, Nflog.IFINDEX_OUTDEV, outdev);
        }
        if (uid != -1) {
            n += Nflog.putTlv32(f, n, le, Nflog.UID, uid);
        }
        if (gid != -1) {
            n += Nflog.putTlv32(f, n, le, Nflog.GID, gid);
        }
        n += Nflog.putTlv(f, n, le, Nflog.PAYLOAD, ip, off, len);
        write(LinkType.NFLOG, tsNanos, f, 0, n, n);
    }

    private byte[] frame(int n) {
        if (frame.length < n) {
            frame = new byte[Math.max(n, frame.length * 2)];
        }
        return frame;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
