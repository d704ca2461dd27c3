package dev.hairpin.tools;

import dev.hairpin.conntrack.ConntrackTable;
import dev.hairpin.conntrack.CtStatus;
import dev.hairpin.conntrack.Tuple;
import dev.hairpin.conntrack.proto.SctpTracker;

/**
 * Which entries a conntrack command selects, split as conntrack-tools 1.4.7 and the kernel split
 * it: the dump filter the kernel applies (mark, status, family: {@link #kernel}) and the
 * userspace nfct_filter() (NAT, mark, network, then nfct_cmp of every template attribute set,
 * where an attribute the entry lacks never matches: {@link #user}).
 */
final class CtFilter {
    private CtFilter() {}

    /** ctnetlink_filter_match() for a dump; {@code status} only on -L (conntrack sets it nowhere else) */
    static boolean kernel(ConntrackArgs a, ConntrackTable t, int ct, boolean status) {
        if (a.family == ConntrackArgs.AF_INET6) {
            return false;
        }
        if ((a.options & ConntrackArgs.O_MARK) != 0 && ((t.mark(ct) & a.markMask) != a.markValue)) {
            return false;
        }
        return !(status && a.statusKernelSet && (t.status(ct) & a.statusKernelMask) != a.statusKernelVal);
    }

    /** nfct_filter(): true when the entry is shown */
    static boolean user(ConntrackArgs a, ConntrackTable t, int ct) {
        if (!nat(a, t, ct)) {
            return false;
        }
        if ((a.options & ConntrackArgs.O_MARK) != 0 && (t.mark(ct) & a.markMask) != a.markValue) {
            return false;
        }
        if (!network(a, t, ct)) {
            return false;
        }
        return (a.options & ConntrackArgs.COMPARISON) == 0 || compare(a, t, ct, true, true, true);
    }

    /** filter_network(): -s/-d with a prefix */
    static boolean network(ConntrackArgs a, ConntrackTable t, int ct) {
        if (a.srcNet != null && (t.src(ct, 0) & a.srcNet[1]) != a.srcNet[0]) {
            return false;
        }
        return a.dstNet == null || (t.dst(ct, 0) & a.dstNet[1]) == a.dstNet[0];
    }

    static boolean isSnat(ConntrackTable t, int ct) {
        return (t.status(ct) & CtStatus.SRC_NAT_DONE) != 0 && t.src(ct, 0) != t.dst(ct, 1);
    }

    static boolean isSpat(ConntrackTable t, int ct) {
        return (t.status(ct) & CtStatus.SRC_NAT_DONE) != 0 && t.sport(ct, 0) != t.dport(ct, 1);
    }

    static boolean isDnat(ConntrackTable t, int ct) {
        return (t.status(ct) & CtStatus.DST_NAT_DONE) != 0 && t.dst(ct, 0) != t.src(ct, 1);
    }

    static boolean isDpat(ConntrackTable t, int ct) {
        return (t.status(ct) & CtStatus.DST_NAT_DONE) != 0 && t.dport(ct, 0) != t.sport(ct, 1);
    }

    /** filter_nat(): true when the entry passes */
    static boolean nat(ConntrackArgs a, ConntrackTable t, int ct) {
        boolean any = (a.options & ConntrackArgs.O_ANY_NAT) != 0;
        boolean checkS = any || (a.options & ConntrackArgs.O_SRC_NAT) != 0;
        boolean checkD = any || (a.options & ConntrackArgs.O_DST_NAT) != 0;
        if (!checkS && !checkD) {
            return true;
        }
        boolean hasS = false;
        boolean hasD = false;
        if (checkS) {
            hasS = natSide(a.snatIp, a.snatPort, isSnat(t, ct), t.dst(ct, 1), isSpat(t, ct), t.dport(ct, 1));
        }
        if (checkD) {
            hasD = natSide(a.dnatIp, a.dnatPort, isDnat(t, ct), t.src(ct, 1), isDpat(t, ct), t.sport(ct, 1));
        }
        if (any) {
            return hasS || hasD;
        }
        if (checkS && checkD) {
            return hasS && hasD;
        }
        return checkS ? hasS : hasD;
    }

    private static boolean natSide(Integer ip, Integer port, boolean isNat, int replAddr, boolean isPat, int replPort) {
        boolean has = false;
        if (ip != null) {
            has = isNat && ip == replAddr;
        }
        if (port != null) {
            boolean ret = isPat && port == replPort;
            if (ip != null && has && !ret) {
                has = false;
            }
            if (ip == null && ret) {
                has = true;
            }
        }
        if (ip == null && port == null && (isNat || isPat)) {
            has = true;
        }
        return has;
    }

    /** one direction's tuple against the template's attributes for it (null: not set); ports only where the protocol has them */
    private static boolean tuple(ConntrackTable t, int ct, int dir, int proto, boolean portsKnown, Integer src, Integer dst, Integer l4,
            Integer sport, Integer dport) {
        return (src == null || src == t.src(ct, dir)) && (dst == null || dst == t.dst(ct, dir)) && (l4 == null || l4 == proto)
                && (sport == null && dport == null || portsKnown) && (sport == null || sport == t.sport(ct, dir))
                && (dport == null || dport == t.dport(ct, dir));
    }

    /**
     * nfct_cmp() with NFCT_CMP_MASK over the chosen groups: every attribute set in the template
     * must be present in the entry and equal (status: the template's bits all set).
     */
    static boolean compare(ConntrackArgs a, ConntrackTable t, int ct, boolean orig, boolean repl, boolean meta) {
        int proto = t.protocol(ct);
        boolean portsKnown = proto == 6 || proto == 17 || proto == 136 || proto == 132 || proto == 33;
        if (orig) {
            if (a.family == ConntrackArgs.AF_INET6 && (a.options & (ConntrackArgs.O_ORIG | ConntrackArgs.O_REPL)) != 0) {
                return false;
            }
            if (!tuple(t, ct, 0, proto, portsKnown, a.origSrc, a.origDst, a.origL4, a.origSport, a.origDport)) {
                return false;
            }
            if (a.icmpType != null || a.icmpCode != null || a.icmpId != null) {
                if (proto != 1) {
                    return false;
                }
                int tc = Tuple.dport(t.k2(ct, 0));
                if (a.icmpType != null && a.icmpType != tc >>> 8 || a.icmpCode != null && a.icmpCode != (tc & 0xff)
                        || a.icmpId != null && a.icmpId != t.sport(ct, 0)) {
                    return false;
                }
            }
        }
        if (repl && !tuple(t, ct, 1, proto, portsKnown, a.replSrc, a.replDst, a.replL4, a.replSport, a.replDport)) {
            return false;
        }
        if (meta) {
            // ATTR_TCP_STATE / ATTR_SCTP_STATE; no entry here carries a DCCP state
            if (a.tcpState != null && !(a.protonum == 6 && proto == 6 && a.tcpState == t.l4state(ct)
                    || a.protonum == 132 && proto == 132 && a.tcpState == SctpTracker.state(t.l4state(ct)))) {
                return false;
            }
            if (a.status != null && (t.status(ct) & a.status) != a.status) {
                return false;
            }
            if (a.zone != null && a.zone != ConntrackFormat.zone(t, ct, 2)
                    || a.origZone != null && a.origZone != ConntrackFormat.zone(t, ct, 0)
                    || a.replZone != null && a.replZone != ConntrackFormat.zone(t, ct, 1)) {
                return false;
            }
            if (a.id != null && a.id != Integer.toUnsignedLong(t.id(ct))) {
                return false;
            }
        }
        return true;
    }
}
