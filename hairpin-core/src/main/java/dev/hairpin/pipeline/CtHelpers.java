package dev.hairpin.pipeline;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.ConntrackTable;
import dev.hairpin.conntrack.CtExt;
import dev.hairpin.conntrack.CtStatus;
import dev.hairpin.conntrack.Tuple;
import dev.hairpin.nat.Manip;
import dev.hairpin.nat.Nat;
import dev.hairpin.nat.NatRange;
import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.CtInfo;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Tcp;
import dev.hairpin.packet.Verdict;
import java.nio.charset.StandardCharsets;

/**
 * The conntrack helpers a raw-table CT template can attach: TFTP (nf_conntrack_tftp.c,
 * nf_nat_tftp.c: a read or write request expects the server's answer from any port to the
 * client's), IRC (nf_conntrack_irc.c, nf_nat_irc.c: a client's DCC offer expects a connection
 * from anywhere to the address and port it names, see {@link IrcDcc}), PPTP ({@link PptpHelper})
 * and FTP, described here (its lines read by {@link FtpCommands}); and what they share: the
 * expectations (nf_conntrack_expect.c), the NAT helpers' port search and payload mangling
 * (nf_nat_helper.c), the sequence adjustment (nf_conntrack_seqadj.c). See docs/HELPERS.md.
 * <p>
 * The FTP conntrack helper (nf_conntrack_ftp.c) and its NAT half (nf_nat_ftp.c), with the
 * sequence adjustment resizing needs (nf_conntrack_seqadj.c), run where the kernel's nf_confirm()
 * runs them: after NAT at POSTROUTING / INPUT, before the entry is confirmed.
 * <p>
 * A control connection's lines are looked at only when the segment starts right after a newline
 * seen before in its direction (the first line each way is never parsed): PORT / EPRT from the
 * client, 227 / 229 from the server. Each one expects a data connection (source port a
 * wildcard; at most one pending per control connection, 5 minutes); when the control
 * connection is NATed, the address and port in the line are rewritten to the ones seen from the
 * other side and the data connection follows the control connection's NAT.
 */
final class CtHelpers {
    private static final int PORT = FtpCommands.PORT;
    private static final int PASV = FtpCommands.PASV;
    private static final int EPRT = FtpCommands.EPRT;
    private static final int EPSV = FtpCommands.EPSV;
    /**
     * each helper's expect policy (by helper id): max_expected (FTP and TFTP 1, IRC
     * max_dcc_channels 8, PPTP 2, SANE 1, Amanda 4) and timeout in seconds (300, IRC's
     * dcc_timeout; Amanda 180)
     */
    private static final int[] MAX_EXPECTED = {0, 1, 1, 8, 0, 2, 1, 4};
    private static final long[] EXPECT_TIMEOUT = {0, 300, 300, 300, 0, 300, 300, 180};

    private final Conntrack conntrack;
    private final ConntrackTable table;
    final Nat nat;
    private final PptpHelper pptp;
    /** the kernel's rewritten segments, when a replay follows them (see {@link Stack.HelperRewrites}) */
    Stack.HelperRewrites rewrites;

    CtHelpers(Conntrack conntrack, Nat nat) {
        this.conntrack = conntrack;
        this.table = conntrack.table;
        this.nat = nat;
        this.pptp = new PptpHelper(this, conntrack);
        conntrack.helperDestroy = ct -> {
            CtExt.Help h = table.ext.help(ct);
            if (h != null && h.helper == CtExt.HELPER_PPTP) {
                pptp.destroySiblings(ct, h);
            }
        };
        conntrack.expectFn = (e, related) -> {
            if (e.pptp) {
                pptp.expected(e, related);
            } else {
                followMaster(e, related);
            }
        };
    }

    /** nf_confirm()'s helper call and sequence adjustment, for an entry with either */
    int help(Skb skb, boolean loopback) {
        int ct = skb.ct;
        CtExt.Help h = table.ext.help(ct);
        if (h == null) {
            return Verdict.NF_ACCEPT;
        }
        int proto = skb.protocol();
        if (proto == Ipv4.PROTO_UDP) {
            return switch (h.helper) {
                case CtExt.HELPER_TFTP -> tftp(skb, ct, h);
                case CtExt.HELPER_AMANDA -> amanda(skb, ct, h);
                default -> Verdict.NF_ACCEPT;
            };
        }
        if (proto != Ipv4.PROTO_TCP) {
            return Verdict.NF_ACCEPT;
        }
        int v = switch (h.helper) {
            case CtExt.HELPER_FTP -> ftp(skb, ct, h);
            case CtExt.HELPER_IRC -> irc(skb, ct, h);
            case CtExt.HELPER_PPTP -> pptp.help(skb, ct, h);
            case CtExt.HELPER_SANE -> sane(skb, ct, h);
            default -> Verdict.NF_ACCEPT; // a helper that reads no payload here
        };
        if (v != Verdict.NF_ACCEPT) {
            return v;
        }
        if ((table.status(ct) & CtStatus.SEQ_ADJUST) != 0 && !loopback) {
            seqAdjust(skb, h);
        }
        return Verdict.NF_ACCEPT;
    }

    // ---------------------------------------------------------------- nf_conntrack_tftp

    /**
     * tftp_help(): a read or write request (opcode 1 or 2, in either direction, the first
     * packet included) expects the reply tuple with any source port; NATed, the answer follows
     * the master's NAT back to the client's own port.
     */
    private int tftp(Skb skb, int ct, CtExt.Help h) {
        byte[] b = skb.buf;
        int op = skb.l4 + 8;
        if (skb.l3 + skb.len < op + 2) {
            return Verdict.NF_ACCEPT;
        }
        int opcode = Ipv4.u16(b, op);
        if (opcode != 1 && opcode != 2) {
            return Verdict.NF_ACCEPT;
        }
        CtExt.Expect e = new CtExt.Expect();
        e.master = ct;
        long rk1 = table.k1(ct, 1);
        long rk2 = table.k2(ct, 1);
        e.src = Tuple.src(rk1);
        e.dst = Tuple.dst(rk1);
        e.dport = Tuple.dport(rk2);
        e.proto = Ipv4.PROTO_UDP;
        e.zone = Tuple.zone(table.k2(ct, 0));
        if ((table.status(ct) & CtStatus.NAT_MASK) != 0) {
            e.savedPort = Tuple.sport(table.k2(ct, 0));
            e.dir = 1;
            e.natFollow = true;
        }
        return related(e, h) == 0 ? Verdict.NF_ACCEPT : Verdict.NF_DROP;
    }

    // ---------------------------------------------------------------- nf_conntrack_amanda / nf_nat_amanda

    private static final byte[][] AMANDA_PORTS = {ascii("DATA "), ascii("MESG "), ascii("INDEX "), ascii("STATE ")};
    private static final byte[] CONNECT = ascii("CONNECT ");
    /** master_timeout */
    private static final long AMANDA_MASTER_TIMEOUT = 300_000_000_000L;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * amanda_help(): the client's answer (reply direction; it refreshes the master to 300 s) with
     * "CONNECT " and, before the next newline, "DATA ", "MESG ", "INDEX ", "STATE " each followed by
     * a port (at most 5 characters read): each port expects the server's TCP connection to the
     * client; NATed (nf_nat_amanda), the connection follows the master and the port is rewritten
     * when it had to change. A port of 0 ends the search; a failure drops the datagram unless a
     * later port succeeds (the verdict is the last port's).
     */
    private int amanda(Skb skb, int ct, CtExt.Help h) {
        if (CtInfo.dir(skb.ctinfo) == 0) {
            return Verdict.NF_ACCEPT;
        }
        conntrack.refresh(ct, AMANDA_MASTER_TIMEOUT);
        int end = skb.l3 + skb.len;
        int dataoff = skb.l4 + 8;
        if (dataoff >= end) {
            return Verdict.NF_ACCEPT;
        }
        int start = find(skb.buf, dataoff, end, CONNECT);
        if (start < 0) {
            return Verdict.NF_ACCEPT;
        }
        start += CONNECT.length;
        int stop = find(skb.buf, start, end, new byte[] {'\n'});
        if (stop < 0) {
            return Verdict.NF_ACCEPT;
        }
        int verdict = Verdict.NF_ACCEPT;
        long k1 = table.k1(ct, 0);
        for (byte[] word : AMANDA_PORTS) {
            byte[] b = skb.buf; // a rewrite may have replaced it; the offsets stay as found
            int off = find(b, start, stop, word);
            if (off < 0) {
                continue;
            }
            off += word.length;
            int max = Math.min(5, stop - off);
            int value = 0;
            int len = 0;
            while (len < max && b[off + len] >= '0' && b[off + len] <= '9') {
                value = value * 10 + b[off + len] - '0';
                len++;
            }
            int port = value & 0xffff;
            if (port == 0) {
                break;
            }
            CtExt.Expect e = new CtExt.Expect();
            e.master = ct;
            e.src = Tuple.src(k1);
            e.dst = Tuple.dst(k1);
            e.dport = port;
            e.proto = Ipv4.PROTO_TCP;
            e.zone = Tuple.zone(table.k2(ct, 0));
            if ((table.status(ct) & CtStatus.NAT_MASK) == 0) {
                if (related(e, h) != 0) {
                    verdict = Verdict.NF_DROP; // kept even when a later port is expected
                }
                continue;
            }
            e.savedPort = port;
            e.dir = 0;
            e.natFollow = true;
            int at = off - dataoff;
            int nport = firstFreePort(e, h, () -> kernelPort(skb, at, 0, ' ', 1));
            if (nport == 0) {
                verdict = Verdict.NF_DROP; // "all ports in use"
                continue;
            }
            mangleUdp(skb, off, len, Integer.toString(nport).getBytes(StandardCharsets.US_ASCII));
            verdict = Verdict.NF_ACCEPT;
        }
        return verdict;
    }

    /** the first match of {@code w} lying wholly in [{@code from}, {@code to}) (textsearch), or -1 */
    private static int find(byte[] b, int from, int to, byte[] w) {
        outer:
        for (int i = from; i + w.length <= to; i++) {
            for (int j = 0; j < w.length; j++) {
                if (b[i + j] != w[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * mangle_contents(): {@code len} bytes at {@code at} become {@code rep}, the rest of the
     * packet moved (the buffer grown when it must), the IP total length and header checksum set;
     * returns the change in length. The transport's length and checksum are the caller's.
     */
    private static int splice(Skb skb, int at, int len, byte[] rep) {
        int delta = rep.length - len;
        int end = skb.l3 + skb.len;
        byte[] b = skb.buf;
        if (end + delta > b.length) {
            b = java.util.Arrays.copyOf(b, end + delta);
            skb.buf = b;
        }
        System.arraycopy(b, at + len, b, at + rep.length, end - at - len);
        System.arraycopy(rep, 0, b, at, rep.length);
        skb.len += delta;
        Ipv4.setTotLen(b, skb.l3, skb.len);
        Checksum.setIpv4Header(b, skb.l3);
        return delta;
    }

    /**
     * nf_nat_mangle_udp_packet(): the payload bytes [{@code at}, +{@code len}) replaced, the UDP
     * and IP lengths and the header checksum redone; the UDP checksum recomputed unless it is 0
     */
    private static void mangleUdp(Skb skb, int at, int len, byte[] rep) {
        int delta = splice(skb, at, len, rep);
        byte[] b = skb.buf;
        Ipv4.put16(b, skb.l4 + 4, Ipv4.u16(b, skb.l4 + 4) + delta);
        if (Ipv4.u16(b, skb.l4 + 6) != 0) {
            Checksum.setTransport(b, skb.l3);
        }
    }

    // ---------------------------------------------------------------- nf_conntrack_sane

    /**
     * nf_conntrack_sane's help(): a client request of exactly 8 bytes with RPC code
     * SANE_NET_START (7) arms the helper, any other 8-byte request disarms it; the server's next
     * data, when armed, disarms it and, with status 0 and a zero word, expects the client's data
     * connection to the port it names (the client's address as it sent, any source port). No
     * NAT half: the data connection goes through the nat table like any other.
     */
    private int sane(Skb skb, int ct, CtExt.Help h) {
        int ctinfo = skb.ctinfo;
        if (ctinfo != CtInfo.ESTABLISHED && ctinfo != CtInfo.ESTABLISHED_REPLY) {
            return Verdict.NF_ACCEPT;
        }
        byte[] b = skb.buf;
        int th = skb.l4;
        int end = skb.l3 + skb.len;
        if (end - th < Tcp.MIN_HEADER) {
            return Verdict.NF_ACCEPT;
        }
        int data = th + (((b[th + Tcp.DOFF] & 0xff) >>> 4) << 2);
        if (data >= end) {
            return Verdict.NF_ACCEPT;
        }
        if (CtInfo.dir(ctinfo) == 0) {
            if (end - data == 8) {
                h.sstate = Ipv4.i32(b, data) == 7 ? 1 : 0; // SANE_STATE_START_REQUESTED / NORMAL
            }
            return Verdict.NF_ACCEPT;
        }
        if (h.sstate != 1) {
            return Verdict.NF_ACCEPT;
        }
        h.sstate = 0;
        if (end - data < 8 || Ipv4.i32(b, data) != 0 || Ipv4.u16(b, data + 4) != 0) {
            return Verdict.NF_ACCEPT; // too short, refused, or not a reply it understands
        }
        long k1 = table.k1(ct, 0);
        CtExt.Expect e = new CtExt.Expect();
        e.master = ct;
        e.src = Tuple.src(k1);
        e.dst = Tuple.dst(k1);
        e.dport = Ipv4.u16(b, data + 6);
        e.proto = Ipv4.PROTO_TCP;
        e.zone = Tuple.zone(table.k2(ct, 0));
        return related(e, h) == 0 ? Verdict.NF_ACCEPT : Verdict.NF_DROP;
    }

    // ---------------------------------------------------------------- nf_conntrack_irc / nf_nat_irc

    private final IrcDcc dcc = new IrcDcc();

    /**
     * A DCC offer in the client's data (not before the reply direction has been seen) naming the
     * client's address, before or after NAT: an expectation from any address and port to the
     * client as the server sees it. NATed, the offer's "ADDR PORT" is rewritten to that address
     * (decimal) and the first free port from the offered one up, the related connection
     * following the master's NAT back to the offered port.
     */
    private int irc(Skb skb, int ct, CtExt.Help h) {
        if (skb.ctinfo != CtInfo.ESTABLISHED) {
            return Verdict.NF_ACCEPT; // the server's data, or no reply seen yet
        }
        byte[] b = skb.buf;
        int th = skb.l4;
        int end = skb.l3 + skb.len;
        if (end - th < Tcp.MIN_HEADER) {
            return Verdict.NF_ACCEPT;
        }
        int data = th + (((b[th + Tcp.DOFF] & 0xff) >>> 4) << 2);
        if (data >= end) {
            return Verdict.NF_ACCEPT;
        }
        long rk1 = table.k1(ct, 1);
        if (!dcc.find(b, data, end, Tuple.src(table.k1(ct, 0)), Tuple.dst(rk1))) {
            return Verdict.NF_ACCEPT;
        }
        CtExt.Expect e = new CtExt.Expect();
        e.master = ct;
        e.src = 0;
        e.srcMask = 0;
        e.dst = Tuple.dst(rk1);
        e.dport = dcc.port;
        e.proto = Ipv4.PROTO_TCP;
        e.zone = Tuple.zone(table.k2(ct, 0));
        if ((table.status(ct) & CtStatus.NAT_MASK) == 0) {
            return related(e, h) == 0 ? Verdict.NF_ACCEPT : Verdict.NF_DROP;
        }
        e.savedPort = e.dport;
        e.dir = 1;
        e.natFollow = true;
        int at = dcc.begin - data;
        int port = firstFreePort(e, h, () -> kernelPort(skb, at, 0, ' ', 2));
        if (port == 0) {
            return Verdict.NF_DROP; // "all ports in use"
        }
        String text = Integer.toUnsignedString(e.dst) + " " + port;
        mangle(skb, ct, 0, dcc.begin, dcc.end - dcc.begin, text.getBytes(StandardCharsets.US_ASCII));
        return Verdict.NF_ACCEPT;
    }

    /**
     * nf_nat_exp_find_port(): the expectation made with the offered port; while another
     * expectation clashes (EBUSY), up to min(128, 65535 - port) more tries at random ports in
     * [port, 65534); 0 when none could be made (any other refusal ends the search at once)
     */
    private int firstFreePort(CtExt.Expect e, CtExt.Help h, java.util.function.IntSupplier kernelPort) {
        int min = e.savedPort;
        int range = 0xffff - min;
        int attempts = Math.min(range, 128);
        boolean first = true;
        for (int port = min;;) {
            e.dport = port;
            int r = related(e, h);
            if (r == 0) {
                return port;
            }
            if (r != EBUSY || --attempts < 0) {
                return 0;
            }
            int kernel = first ? kernelPort.getAsInt() : -1;
            first = false;
            if (kernel >= min && kernel < 0xffff) {
                port = kernel; // what the kernel drew, as its segment shows
            } else {
                port = range > 1 ? min + nat.random.nextInt(range - 1) : min;
            }
        }
    }

    /**
     * The port the kernel wrote into its version of this segment: from payload offset {@code at},
     * past {@code skip} separators, the {@code nth} number (1-based) of the numbers separated by
     * {@code sep}; for FTP's PORT / 227 text ({@code nth} 5) the fifth and sixth bytes; -1 when
     * unknown.
     */
    private int kernelPort(Skb skb, int at, int skip, char sep, int nth) {
        byte[] k = rewrites == null ? null : rewrites.kernelPayload(skb);
        if (k == null) {
            return -1;
        }
        int i = at;
        for (int seen = 0; seen < skip && i < k.length; i++) {
            if (k[i] == sep) {
                seen++;
            }
        }
        int[] n = new int[6];
        int count = 0;
        int digits = 0;
        for (; i < k.length && count < n.length; i++) {
            int c = k[i] & 0xff;
            if (c >= '0' && c <= '9') {
                n[count] = n[count] * 10 + c - '0';
                digits++;
            } else if (c == sep && digits > 0) {
                count++;
                digits = 0;
            } else {
                if (digits > 0) {
                    count++;
                }
                break;
            }
        }
        if (nth == 5) {
            return count >= 6 ? (n[4] << 8 | n[5]) & 0xffff : -1;
        }
        return count >= nth ? n[nth - 1] : -1;
    }

    // ---------------------------------------------------------------- nf_conntrack_ftp help()

    private int ftp(Skb skb, int ct, CtExt.Help h) {
        int ctinfo = skb.ctinfo;
        if (ctinfo != CtInfo.ESTABLISHED && ctinfo != CtInfo.ESTABLISHED_REPLY) {
            return Verdict.NF_ACCEPT; // until there has been traffic both ways
        }
        byte[] b = skb.buf;
        int th = skb.l4;
        int end = skb.l3 + skb.len;
        if (end - th < Tcp.MIN_HEADER) {
            return Verdict.NF_ACCEPT;
        }
        int data = th + (((b[th + Tcp.DOFF] & 0xff) >>> 4) << 2);
        int dlen = end - data;
        if (dlen <= 0) {
            return Verdict.NF_ACCEPT;
        }
        int dir = CtInfo.dir(ctinfo);
        boolean endsNl = b[end - 1] == '\n';
        int tseq = Ipv4.i32(b, th + Tcp.SEQ);
        int seq = tseq + dlen;
        int verdict = Verdict.NF_ACCEPT;
        if (FtpCommands.findNlSeq(tseq, h, dir)) {
            int[] cmd = new int[4]; // type, address, port, offset of the numbers (in the payload)
            cmd[1] = Tuple.src(table.k1(ct, dir)); // EPSV names no address: the sender's
            int found = 0;
            int type = dir == 0 ? PORT : PASV;
            for (int t : dir == 0 ? new int[] {PORT, EPRT} : new int[] {PASV, EPSV}) {
                found = FtpCommands.findPattern(b, data, dlen, t, cmd);
                if (found != 0) {
                    type = t;
                    break;
                }
            }
            if (found == -1) {
                return Verdict.NF_DROP; // a partial match: "partial matching of ..."
            }
            if (found == 1) {
                verdict = expect(skb, ct, h, dir, type, cmd, data);
            }
        }
        if (endsNl) {
            FtpCommands.updateNlSeq(seq, h, dir);
        }
        return verdict;
    }

    /**
     * The expectation a command announces: from the other side's address (any port) to the
     * address and port the command names as seen from there. A command naming an address other
     * than its sender's expects nothing (nf_conntrack_ftp's loose=0).
     */
    private int expect(Skb skb, int ct, CtExt.Help h, int dir, int type, int[] cmd, int data) {
        if (type != EPSV && cmd[1] != Tuple.src(table.k1(ct, dir))) {
            return Verdict.NF_ACCEPT;
        }
        CtExt.Expect e = new CtExt.Expect();
        e.master = ct;
        e.src = Tuple.src(table.k1(ct, 1 - dir));
        e.dst = Tuple.dst(table.k1(ct, 1 - dir));
        e.dport = cmd[2];
        e.proto = Ipv4.PROTO_TCP;
        e.zone = Tuple.zone(table.k2(ct, 0));
        if ((table.status(ct) & CtStatus.NAT_MASK) == 0) {
            return related(e, h) == 0 ? Verdict.NF_ACCEPT : Verdict.NF_DROP;
        }
        // nf_nat_ftp(): the connection comes from where this packet goes
        int newAddr = Tuple.dst(table.k1(ct, 1 - dir));
        e.savedPort = e.dport;
        e.dir = 1 - dir;
        e.natFollow = true;
        int at = cmd[3]; // the numbers' offset in the payload, where the kernel wrote its text too
        int port = firstFreePort(e, h, () -> switch (type) {
            case PORT, PASV -> kernelPort(skb, at, 0, ',', 5);
            case EPRT -> kernelPort(skb, at, 3, '|', 1); // |1|ADDR|PORT|
            default -> kernelPort(skb, at, 3, '|', 1); // |||PORT|
        });
        if (port == 0) {
            return Verdict.NF_DROP; // "all ports in use"
        }
        String text = switch (type) {
            case PORT, PASV -> (newAddr >>> 24) + "," + (newAddr >>> 16 & 0xff) + "," + (newAddr >>> 8 & 0xff) + ","
                    + (newAddr & 0xff) + "," + (port >>> 8) + "," + (port & 0xff);
            case EPRT -> "|1|" + Ipv4.toString(newAddr) + "|" + port + "|";
            default -> "|||" + port + "|";
        };
        mangle(skb, ct, dir, data + cmd[3], cmd[0], text.getBytes(StandardCharsets.US_ASCII));
        return Verdict.NF_ACCEPT;
    }

    static final int EBUSY = 16;

    /**
     * nf_ct_expect_related() (__nf_ct_expect_check), newest expectation first: one of the same
     * master with the same tuple and mask is replaced; any other that overlaps it where both
     * masks care (an identical one of another master included) is a clash (EBUSY); past the
     * helper's max_expected the master's oldest goes.
     */
    int related(CtExt.Expect e, CtExt.Help h) {
        CtExt x = table.ext;
        for (int i = x.expects.size() - 1; i >= 0; i--) {
            CtExt.Expect o = x.expects.get(i);
            if (o.dst != e.dst || o.dport != e.dport || o.proto != e.proto || o.zone != e.zone) {
                continue;
            }
            if (o.master == e.master && o.src == e.src && o.srcMask == e.srcMask && o.sport == e.sport
                    && o.sportMask == e.sportMask) {
                x.unlink(o);
                break;
            }
            int both = o.srcMask & e.srcMask;
            int ports = o.sportMask & e.sportMask;
            if ((o.src & both) == (e.src & both) && (o.sport & ports) == (e.sport & ports)) {
                return EBUSY;
            }
        }
        int max = MAX_EXPECTED[h.helper];
        if (max != 0 && h.expecting >= max) {
            for (CtExt.Expect o : x.expects) { // evict_oldest_expect: the first inserted
                if (o.master == e.master) {
                    x.unlink(o);
                    break;
                }
            }
        }
        e.deadline = table.now() + EXPECT_TIMEOUT[h.helper] * 1_000_000_000L;
        x.expects.add(e);
        x.used = true;
        x.expectCreate++;
        h.expecting++;
        return 0;
    }

    /** nf_nat_follow_master(): the source as the master's traffic leaves, the destination where it was expected */
    private void followMaster(CtExt.Expect e, int ct) {
        int m = e.master;
        int src = Tuple.dst(table.k1(m, 1 - e.dir));
        nat.setupInfo(ct, NatRange.MAP_IPS, src, src, 0, 0, 0, Manip.SRC);
        int dst = Tuple.src(table.k1(m, 1 - e.dir));
        nat.setupInfo(ct, NatRange.MAP_IPS | NatRange.PROTO_SPECIFIED, dst, dst, e.savedPort, e.savedPort, e.savedPort,
                Manip.DST);
    }

    // ---------------------------------------------------------------- nf_nat_helper / seqadj

    /**
     * nf_nat_mangle_tcp_packet(): the payload bytes [{@code at}, +{@code len}) replaced by
     * {@code rep}; lengths and checksums redone; a size change starts sequence adjustment from
     * this segment's sequence number on.
     */
    void mangle(Skb skb, int ct, int dir, int at, int len, byte[] rep) {
        int delta = splice(skb, at, len, rep);
        byte[] b = skb.buf;
        Checksum.setTransport(b, skb.l3);
        if (delta != 0) {
            conntrack.setStatus(ct, CtStatus.SEQ_ADJUST);
            int[] w = table.ext.help(ct).seqAdj[dir];
            int seq = Ipv4.i32(b, skb.l4 + Tcp.SEQ);
            if (w[1] == w[2] || w[0] - seq < 0) {
                w[0] = seq;
                w[1] = w[2];
                w[2] += delta;
            }
        }
    }

    /** nf_ct_seq_adjust(): this direction's sequence, the other's acknowledgement and SACK blocks */
    private static void seqAdjust(Skb skb, CtExt.Help h) {
        int dir = CtInfo.dir(skb.ctinfo);
        int[] me = h.seqAdj[dir];
        int[] other = h.seqAdj[1 - dir];
        byte[] b = skb.buf;
        int th = skb.l4;
        int check = Ipv4.u16(b, th + Tcp.CHECK);
        int seq = Ipv4.i32(b, th + Tcp.SEQ);
        int nseq = seq + (seq - me[0] > 0 ? me[2] : me[1]);
        check = Checksum.replace4(check, seq, nseq);
        Ipv4.put32(b, th + Tcp.SEQ, nseq);
        if ((b[th + Tcp.FLAGS] & Tcp.ACK) != 0) {
            int ack = Ipv4.i32(b, th + Tcp.ACK_SEQ);
            int nack = ack - (ack - other[1] - other[0] > 0 ? other[2] : other[1]);
            check = Checksum.replace4(check, ack, nack);
            Ipv4.put32(b, th + Tcp.ACK_SEQ, nack);
            // nf_ct_sack_adjust(): each SACK block's edges back into the receiver's view
            int end = Tcp.optionsEnd(b, th);
            for (int o = Tcp.option(b, th + Tcp.MIN_HEADER, end); o >= 0; o = Tcp.option(b, o + (b[o + 1] & 0xff), end)) {
                int olen = b[o + 1] & 0xff;
                if ((b[o] & 0xff) == Tcp.OPT_SACK && olen >= 10 && (olen - 2) % 8 == 0) {
                    for (int s = o + 2; s < o + olen; s += 4) {
                        int v = Ipv4.i32(b, s);
                        int nv = v - (v - other[1] - other[0] > 0 ? other[2] : other[1]);
                        check = Checksum.replace4(check, v, nv);
                        Ipv4.put32(b, s, nv);
                    }
                }
            }
        }
        Ipv4.put16(b, th + Tcp.CHECK, check);
    }
}
