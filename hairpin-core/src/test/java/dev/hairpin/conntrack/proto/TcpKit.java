package dev.hairpin.conntrack.proto;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.ConntrackTable;
import dev.hairpin.conntrack.CtConfig;
import dev.hairpin.conntrack.CtEvent;
import dev.hairpin.conntrack.CtStatus;
import dev.hairpin.conntrack.TcpState;
import dev.hairpin.packet.CtInfo;
import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Test kit: IPv4+TCP segments with correct checksums, and a conntrack driven the pipeline's way. */
final class TcpKit {
    private TcpKit() {}

    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int PSH = 0x08;
    static final int ACK = 0x10;
    static final int URG = 0x20;
    static final int ECE = 0x40;
    static final int CWR = 0x80;

    static final int CLIENT = Ipv4.parse("10.0.0.2");
    static final int SERVER = Ipv4.parse("198.51.100.10");
    static final int CPORT = 50798;
    static final int SPORT = 443;
    static final long S = CtConfig.NS;

    static final byte[] NO_OPTIONS = {};

    /** MSS 1460, SACK_PERM, window scale {@code shift}, as one option block (padded to 4) */
    static byte[] synOptions(int shift, boolean sackPerm) {
        if (sackPerm) {
            return new byte[] {2, 4, 0x05, (byte) 0xb4, 4, 2, 1, 3, 3, (byte) shift, 1, 1};
        }
        return new byte[] {2, 4, 0x05, (byte) 0xb4, 1, 3, 3, (byte) shift};
    }

    /** a SACK option with one block [left, right), NOP-padded */
    static byte[] sackBlock(int left, int right) {
        byte[] o = new byte[12];
        o[0] = 1;
        o[1] = 1;
        o[2] = 5;
        o[3] = 10;
        Ipv4.put32(o, 4, left);
        Ipv4.put32(o, 8, right);
        return o;
    }

    /** An IPv4 datagram holding a TCP segment; options are padded to a multiple of 4 with EOL. */
    static byte[] segment(int src, int dst, int sport, int dport, int flags, int seq, int ack, int win, byte[] options,
            int payload) {
        int optLen = (options.length + 3) & ~3;
        int tcpLen = 20 + optLen + payload;
        int len = 20 + tcpLen;
        byte[] b = new byte[len];
        b[0] = 0x45;
        Ipv4.put16(b, 2, len);
        Ipv4.put16(b, 4, 1);
        b[8] = 64;
        b[9] = 6;
        Ipv4.put32(b, 12, src);
        Ipv4.put32(b, 16, dst);
        int t = 20;
        Ipv4.put16(b, t, sport);
        Ipv4.put16(b, t + 2, dport);
        Ipv4.put32(b, t + 4, seq);
        Ipv4.put32(b, t + 8, ack);
        b[t + 12] = (byte) (((20 + optLen) / 4) << 4);
        b[t + 13] = (byte) flags;
        Ipv4.put16(b, t + 14, win);
        System.arraycopy(options, 0, b, t + 20, options.length);
        for (int i = 0; i < payload; i++) {
            b[t + 20 + optLen + i] = (byte) ('a' + i % 26);
        }
        fixChecksums(b);
        return b;
    }

    /** RFC 1071 sum over a range, not complemented */
    static int sum(byte[] b, int off, int len, int acc) {
        long a = acc;
        for (int i = 0; i + 1 < len; i += 2) {
            a += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        }
        if ((len & 1) != 0) {
            a += (b[off + len - 1] & 0xff) << 8;
        }
        while ((a >>> 16) != 0) {
            a = (a & 0xffff) + (a >>> 16);
        }
        return (int) a;
    }

    /** recomputes the IPv4 header and TCP checksums of a datagram at offset 0 */
    static void fixChecksums(byte[] b) {
        int ihl = (b[0] & 0xf) * 4;
        int len = Ipv4.u16(b, 2);
        Ipv4.put16(b, 10, 0);
        Ipv4.put16(b, 10, ~sum(b, 0, ihl, 0) & 0xffff);
        int tcpLen = len - ihl;
        Ipv4.put16(b, ihl + 16, 0);
        int acc = sum(b, 12, 8, 0) + 6 + tcpLen;
        Ipv4.put16(b, ihl + 16, ~sum(b, ihl, tcpLen, acc) & 0xffff);
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    /** What conntrack made of one packet. */
    record Result(int verdict, int ct, int ctinfo) {
        boolean invalid() {
            return ct < 0;
        }
    }

    /**
     * A conntrack with an event recorder, and a client/server flow (10.0.0.2:50798 to
     * 198.51.100.10:443). Each packet goes through in (PRE_ROUTING), confirm and put, as the
     * pipeline takes a forwarded packet.
     */
    static final class Harness {
        final CtConfig config;
        final Conntrack c;
        final List<String> events = new ArrayList<>();
        long now;
        int hook = Hooks.PRE_ROUTING;

        Harness() {
            this(new CtConfig());
        }

        Harness(CtConfig config) {
            this.config = config;
            this.c = new Conntrack(config, 1);
            c.addListener(this::record);
        }

        private void record(ConntrackTable t, int ct, int ev, boolean userspace) {
            StringBuilder sb = new StringBuilder();
            int st = t.status(ct);
            if ((ev & CtEvent.DESTROY) != 0) {
                sb.append("[DESTROY] ");
            } else {
                sb.append((ev & CtEvent.NEW) != 0 ? "[NEW] " : "[UPDATE] ").append(t.expiresSeconds(ct)).append(' ');
            }
            sb.append(TcpState.name(t.tcpState(ct)));
            if ((st & CtStatus.SEEN_REPLY) == 0) {
                sb.append(" [UNREPLIED]");
            }
            if ((st & CtStatus.ASSURED) != 0) {
                sb.append(" [ASSURED]");
            }
            events.add(sb.toString());
        }

        void at(long ns) {
            now = ns;
            c.advance(ns);
        }

        void later(long ns) {
            at(now + ns);
        }

        Result send(byte[] datagram) {
            Skb skb = new Skb(datagram, 0, Ipv4.u16(datagram, 2));
            int v = c.in(skb, hook);
            int ct = skb.ct;
            int ctinfo = skb.ctinfo;
            if (v == 1) {
                v = c.confirm(skb);
            }
            c.put(skb);
            return new Result(v, ct, ctinfo);
        }

        Result orig(int flags, int seq, int ack) {
            return orig(flags, seq, ack, 64240, NO_OPTIONS, 0);
        }

        Result orig(int flags, int seq, int ack, int win, byte[] options, int payload) {
            return send(segment(CLIENT, SERVER, CPORT, SPORT, flags, seq, ack, win, options, payload));
        }

        Result reply(int flags, int seq, int ack) {
            return reply(flags, seq, ack, 64240, NO_OPTIONS, 0);
        }

        Result reply(int flags, int seq, int ack, int win, byte[] options, int payload) {
            return send(segment(SERVER, CLIENT, SPORT, CPORT, flags, seq, ack, win, options, payload));
        }

        /** the one entry in the table (confirmed), -1 when none */
        int entry() {
            int[] all = c.snapshot();
            return all.length == 0 ? -1 : all[0];
        }

        int state() {
            return c.l4state(entry());
        }

        long expires() {
            return c.table.expiresSeconds(entry());
        }

        int status() {
            return c.status(entry());
        }

        /** SYN 1000, SYN/ACK 5000, ACK: an assured ESTABLISHED entry; next seqs are 1001 / 5001 */
        void handshake() {
            orig(SYN, 1000, 0);
            later(S / 10);
            reply(SYN | ACK, 5000, 1001);
            later(S / 10);
            orig(ACK, 1001, 5001);
        }
    }

    static boolean isEstablished(Result r) {
        return r.ctinfo() == CtInfo.ESTABLISHED || r.ctinfo() == CtInfo.ESTABLISHED_REPLY;
    }
}
