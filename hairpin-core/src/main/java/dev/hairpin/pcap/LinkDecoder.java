package dev.hairpin.pcap;

import dev.hairpin.packet.Ethernet;
import dev.hairpin.packet.Ipv4;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Decodes a record's link-layer header into its {@link CaptureRecord} fields. */
final class LinkDecoder {
    private LinkDecoder() {}

    /**
     * Fills the link fields of {@code r} from its data. {@code littleEndian}: the file's byte
     * order (NFLOG TLV headers follow it). A link header shorter than its format → exception.
     */
    static void decode(CaptureRecord r, String file, boolean littleEndian) {
        if (r.linkType == LinkType.LINUX_SLL2 && r.length >= Sll2.HEADER) {
            sll2(r); // tcpdump -i any, the conformance captures, the replay workload: small enough to inline
            return;
        }
        decodeAny(r, file, littleEndian);
    }

    /** a LINUX_SLL2 record of at least the header's 20 bytes: what the switch below does for it */
    private static void sll2(CaptureRecord r) {
        r.clearLink();
        byte[] b = r.data;
        int o = r.offset;
        r.protocol = Sll2.protocol(b, o);
        r.ifindex = Sll2.ifindex(b, o);
        r.arphrd = Sll2.hatype(b, o);
        r.pkttype = Sll2.pkttype(b, o);
        address(r, b, o + Sll2.ADDR, Sll2.halen(b, o));
        network(r, o + Sll2.HEADER, r.length - Sll2.HEADER);
    }

    private static void decodeAny(CaptureRecord r, String file, boolean littleEndian) {
        r.clearLink();
        byte[] b = r.data;
        int o = r.offset;
        int n = r.length;
        switch (r.linkType) {
            case LinkType.EN10MB -> {
                int h = Ethernet.HEADER; // past up to two VLAN tags, as Ethernet.headerLength
                for (int tags = 0; tags < 2 && n >= h && Ethernet.isVlanTpid(Ipv4.u16(b, o + h - 2)); tags++) {
                    h += 4;
                }
                if (n < h) {
                    throw fail(r, file, "Ethernet header truncated (" + h + " bytes expected, " + n + " captured)");
                }
                r.protocol = Ipv4.u16(b, o + h - 2);
                if (h > Ethernet.HEADER) {
                    r.vlanTci = Ipv4.u16(b, o + Ethernet.HEADER);
                }
                address(r, b, o + Ethernet.SRC, Ethernet.ADDR_LEN);
                network(r, o + h, n - h);
            }
            case LinkType.LINUX_SLL -> {
                need(r, file, Sll.HEADER, "LINUX_SLL header");
                r.pkttype = Sll.pkttype(b, o);
                r.arphrd = Sll.hatype(b, o);
                address(r, b, o + Sll.ADDR, Sll.halen(b, o));
                r.protocol = Sll.protocol(b, o);
                network(r, o + Sll.HEADER, n - Sll.HEADER);
            }
            case LinkType.LINUX_SLL2 -> {
                need(r, file, Sll2.HEADER, "LINUX_SLL2 header");
                r.protocol = Sll2.protocol(b, o);
                r.ifindex = Sll2.ifindex(b, o);
                r.arphrd = Sll2.hatype(b, o);
                r.pkttype = Sll2.pkttype(b, o);
                address(r, b, o + Sll2.ADDR, Sll2.halen(b, o));
                network(r, o + Sll2.HEADER, n - Sll2.HEADER);
            }
            case LinkType.NFLOG -> nflog(r, file, littleEndian);
            case LinkType.RAW, LinkType.IPV4, LinkType.IPV6 -> {
                if (n > 0) {
                    int v = (b[o] >> 4) & 0xf;
                    r.protocol = v == 4 ? Ethernet.ETH_P_IP : v == 6 ? Ethernet.ETH_P_IPV6 : -1;
                }
                network(r, o, n);
            }
            default -> { }
        }
    }

    private static void nflog(CaptureRecord r, String file, boolean le) {
        byte[] b = r.data;
        int o = r.offset; // p below counts from the record's start, as the messages do
        int n = r.length;
        need(r, file, Nflog.HEADER, "NFLOG header");
        r.nflogFamily = Nflog.family(b, o);
        r.nflogResourceId = Nflog.resourceId(b, o);
        int p = Nflog.HEADER;
        while (n - p >= Nflog.TLV_HEADER) {
            int len = Bytes.u16(b, o + p, le);
            int type = Bytes.u16(b, o + p + 2, le) & Nflog.TYPE_MASK;
            if (len < Nflog.TLV_HEADER) {
                throw fail(r, file, "NFLOG attribute at byte " + p + " has length " + len + " (at least 4 expected)");
            }
            if (len > n - p) {
                if (n < r.originalLength) {
                    break; // cut by the snap length
                }
                throw fail(r, file, "NFLOG attribute " + type + " at byte " + p + " overruns the record (" + len
                        + " bytes, " + (n - p) + " left)");
            }
            int v = o + p + Nflog.TLV_HEADER; // index in b
            int vlen = len - Nflog.TLV_HEADER;
            switch (type) {
                case Nflog.PACKET_HDR -> {
                    value(r, file, type, vlen, 3);
                    r.protocol = Ipv4.u16(b, v);
                    r.hook = b[v + 2] & 0xff;
                }
                case Nflog.MARK -> r.mark = u32(r, file, type, v, vlen);
                case Nflog.IFINDEX_INDEV -> r.indev = u32(r, file, type, v, vlen);
                case Nflog.IFINDEX_OUTDEV -> r.outdev = u32(r, file, type, v, vlen);
                case Nflog.UID -> r.uid = u32(r, file, type, v, vlen);
                case Nflog.GID -> r.gid = u32(r, file, type, v, vlen);
                case Nflog.HWTYPE -> {
                    value(r, file, type, vlen, 2);
                    r.arphrd = Ipv4.u16(b, v);
                }
                case Nflog.HWADDR -> {
                    value(r, file, type, vlen, 4);
                    address(r, b, v + 4, Math.min(Ipv4.u16(b, v), vlen - 4));
                }
                case Nflog.PREFIX -> {
                    int end = v;
                    while (end < v + vlen && b[end] != 0) {
                        end++;
                    }
                    r.prefixOffset = v;
                    r.prefixLength = end - v;
                }
                case Nflog.PAYLOAD -> network(r, v, vlen);
                default -> { }
            }
            p += Math.min(Bytes.pad4(len), n - p);
        }
        if (r.protocol < 0 && r.nflogFamily == Nflog.AF_INET) {
            r.protocol = Ethernet.ETH_P_IP;
        }
    }

    private static void network(CaptureRecord r, int off, int len) {
        r.networkOffset = off;
        r.networkLength = len;
    }

    /** the first min(len, 8) bytes at off; the rest of r.addr keeps what it held */
    private static void address(CaptureRecord r, byte[] b, int off, int len) {
        r.addrLen = len;
        int copy = Math.min(len, r.addr.length);
        byte[] a = r.addr;
        if (off + 8 <= b.length) {
            // one 8-byte load and store, the bytes past copy blended back: no loop, no arraycopy call
            long keep = copy >= 8 ? 0 : -1L << (copy << 3);
            LE64.set(a, 0, ((long) LE64.get(b, off) & ~keep) | ((long) LE64.get(a, 0) & keep));
            return;
        }
        for (int i = 0; i < copy; i++) {
            a[i] = b[off + i];
        }
    }

    private static final VarHandle LE64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static void need(CaptureRecord r, String file, int size, String what) {
        if (r.length < size) {
            throw fail(r, file, what + " truncated (" + size + " bytes expected, " + r.length + " captured)");
        }
    }

    private static void value(CaptureRecord r, String file, int type, int vlen, int size) {
        if (vlen < size) {
            throw fail(r, file, "NFLOG attribute " + type + " has " + vlen + " value bytes (" + size + " expected)");
        }
    }

    private static int u32(CaptureRecord r, String file, int type, int v, int vlen) {
        value(r, file, type, vlen, 4);
        return Ipv4.i32(r.data, v);
    }

    private static CaptureFormatException fail(CaptureRecord r, String file, String detail) {
        return new CaptureFormatException(file, r.number, r.fileOffset, detail);
    }
}
