package dev.hairpin.lab;

import dev.hairpin.conntrack.CtNetlink;
import dev.hairpin.conntrack.Tuple;
import dev.hairpin.packet.Ipv4;

/**
 * One saved conntrack entry as a line of {@code key=value} words: the tuples written as
 * addresses and ports (readable, and checked when read back), then every field the engine needs
 * to carry on exactly where it stopped.
 */
final class LabTable {
    private LabTable() {}

    static String line(CtNetlink.Saved s) {
        StringBuilder sb = new StringBuilder();
        tuple(sb, "orig", s.k1(), s.k2());
        tuple(sb, " reply", s.rk1(), s.rk2());
        sb.append(" proto=").append(Tuple.proto(s.k2())).append(" zone=").append(Tuple.zone(s.k2()));
        sb.append(" status=").append(s.status()).append(" l4state=").append(s.l4state()).append(" deadline=").append(s.deadline())
                .append(" mark=").append(Integer.toUnsignedString(s.mark())).append(" l4aux=").append(s.l4aux())
                .append(" masq=").append(s.masqIndex());
        if (s.acct() != null) {
            sb.append(" acct=").append(join(s.acct()));
        }
        if (s.tcp() != null) {
            StringBuilder t = new StringBuilder();
            for (int v : s.tcp()) {
                t.append(t.isEmpty() ? "" : ",").append(v);
            }
            sb.append(" tcp=").append(t);
        }
        return sb.toString();
    }

    private static String join(long[] v) {
        StringBuilder t = new StringBuilder();
        for (long x : v) {
            t.append(t.isEmpty() ? "" : ",").append(x);
        }
        return t.toString();
    }

    private static void tuple(StringBuilder sb, String name, long k1, long k2) {
        sb.append(name).append('=').append(Ipv4.toString(Tuple.src(k1))).append(':').append(Tuple.sport(k2)).append('>')
                .append(Ipv4.toString(Tuple.dst(k1))).append(':').append(Tuple.dport(k2));
    }

    static CtNetlink.Saved parse(String line) {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        for (String w : line.trim().split("\\s+")) {
            int eq = w.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value words, got `" + w + "'");
            }
            m.put(w.substring(0, eq), w.substring(eq + 1));
        }
        int proto = Integer.parseInt(need(m, "proto"));
        int zone = Integer.parseInt(need(m, "zone"));
        long[] o = tuple(need(m, "orig"), proto, zone);
        long[] r = tuple(need(m, "reply"), proto, zone);
        long[] acct = null;
        if (m.containsKey("acct")) {
            String[] a = m.get("acct").split(",");
            acct = new long[4];
            for (int i = 0; i < 4; i++) {
                acct[i] = Long.parseLong(a[i]);
            }
        }
        int[] tcp = null;
        if (m.containsKey("tcp")) {
            String[] a = m.get("tcp").split(",");
            tcp = new int[a.length];
            for (int i = 0; i < a.length; i++) {
                tcp[i] = Integer.parseInt(a[i]);
            }
            if (tcp.length != 21) {
                throw new IllegalArgumentException("tcp= expects 21 numbers, got " + tcp.length);
            }
        }
        return new CtNetlink.Saved(o[0], o[1], r[0], r[1], Integer.parseInt(need(m, "status")), Integer.parseInt(need(m, "l4state")),
                Long.parseLong(need(m, "deadline")), Integer.parseUnsignedInt(need(m, "mark")), Long.parseLong(need(m, "l4aux")),
                Integer.parseInt(need(m, "masq")), acct, tcp);
    }

    private static String need(java.util.Map<String, String> m, String k) {
        String v = m.get(k);
        if (v == null) {
            throw new IllegalArgumentException("missing " + k + "=");
        }
        return v;
    }

    /** "a.b.c.d:p>e.f.g.h:q" */
    private static long[] tuple(String s, int proto, int zone) {
        String[] ends = s.split(">");
        if (ends.length != 2) {
            throw new IllegalArgumentException("expected src:port>dst:port, got `" + s + "'");
        }
        int c1 = ends[0].lastIndexOf(':');
        int c2 = ends[1].lastIndexOf(':');
        int src = Ipv4.parse(ends[0].substring(0, c1));
        int dst = Ipv4.parse(ends[1].substring(0, c2));
        return new long[] {Tuple.k1(src, dst),
            Tuple.k2(Integer.parseInt(ends[0].substring(c1 + 1)), Integer.parseInt(ends[1].substring(c2 + 1)), proto, zone)};
    }
}
