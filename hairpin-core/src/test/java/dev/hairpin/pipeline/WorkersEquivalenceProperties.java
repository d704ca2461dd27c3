package dev.hairpin.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Ruleset;
import dev.hairpin.rules.iptables.IptablesSave;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * A W-worker engine gives, flow by flow and packet by packet, what one worker gives: the same
 * datagrams out of the same devices, byte for byte, except the port (or ICMP id) NAT chose where
 * it had a choice, which the W-worker engine picks among its own; and the same rule counters
 * (summed over the workers) and conntrack entry count. Traffic: random flows of five kinds
 * (masqueraded UDP, masqueraded ICMP echo, UDP DNAT to one fixed address:port (replies that
 * cannot be made home: handed over), UDP DNAT to a port range, UDP without NAT), each packet
 * an original, a reply (built from what that engine sent, as the peer would answer), or an ICMP
 * port unreachable about the flow's last datagram, from its receiver.
 */
class WorkersEquivalenceProperties {
    static final String RULES = """
            *nat
            -A PREROUTING -i eth1 -p udp --dport 5353 -j DNAT --to-destination 10.0.0.9:53
            -A PREROUTING -i eth1 -p udp --dport 7000 -j DNAT --to-destination 10.0.0.10:7000-7099
            -A POSTROUTING -d 192.0.2.0/24 -j RETURN
            -A POSTROUTING -o eth1 -j MASQUERADE
            COMMIT
            *filter
            -A FORWARD -m conntrack --ctstate INVALID -j DROP
            -A FORWARD -p udp --dport 53 -j ACCEPT
            -A FORWARD -p icmp -m conntrack --ctstate RELATED
            -A FORWARD -p icmp
            COMMIT
            """;

    static final int SNAT_UDP = 0;
    static final int SNAT_ICMP = 1;
    static final int DNAT_FIXED = 2;
    static final int DNAT_RANGE = 3;
    static final int PLAIN = 4;
    /**
     * a WAN client's flow straight to the DNAT backend, from the address and port a DNAT_FIXED
     * flow has: its reply tuple is that flow's, so NAT's null binding must move its source port
     * (nf_nat_used_tuple), also when the DNAT flow's entry is another worker's (the directory).
     * Started only after its partner: the other order is a known limit (docs/WORKERS.md).
     */
    static final int CROSS = 5;

    /** a flow: its kind and first datagram (from the side that opens it) */
    record Flow(int kind, byte[] first, boolean fromWan, int partner) {
        Flow(int kind, byte[] first, boolean fromWan) {
            this(kind, first, fromWan, -1);
        }
    }

    /** one engine and what it has sent per flow */
    static final class Engine {
        final Workers ws;
        final List<WorkersTestbed.Out> out = new ArrayList<>();
        final List<WorkersTestbed.Gw> gws = new ArrayList<>();
        /** per flow: the last datagram of its original direction this engine sent, and out of which device */
        final byte[][] lastOrig;
        final String[] lastDev;
        final Skb skb = new Skb();

        Engine(int n, int flows) {
            ws = WorkersTestbed.engine(n, RULES, out, gws);
            lastOrig = new byte[flows][];
            lastDev = new String[flows];
        }

        /** runs one datagram from device {@code dev}; returns what came out */
        List<WorkersTestbed.Out> run(byte[] p, String dev) {
            int from = out.size();
            byte[] b = p.clone();
            int w = ws.workerOf(b, 0, b.length);
            skb.set(b, 0, b.length);
            skb.in = gws.get(w).host.device(dev);
            ws.receive(w, skb);
            ws.settle();
            return new ArrayList<>(out.subList(from, out.size()));
        }

        Ruleset counters() {
            List<Ruleset> rs = new ArrayList<>();
            for (WorkersTestbed.Gw g : gws) {
                rs.add(g.rules);
            }
            return RuleCounters.sum(rs);
        }
    }

    static final AtomicLong handedOff = new AtomicLong();
    static final AtomicLong portsDiffered = new AtomicLong();
    static final AtomicLong errorsSent = new AtomicLong();
    static final AtomicLong fragmentsSent = new AtomicLong();
    static final AtomicLong crossMoved = new AtomicLong();

    @Property(tries = 80)
    void wWorkersGiveWhatOneWorkerGives(@ForAll long seed, @ForAll @IntRange(min = 2, max = 6) int n,
            @ForAll @IntRange(min = 1, max = 300) int events) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Flow> flows = flows(r, 1 + r.nextInt(40));
        Engine one = new Engine(1, flows.size());
        Engine many = new Engine(n, flows.size());
        for (int e = 0; e < events; e++) {
            int f = r.nextInt(flows.size());
            if (flows.get(f).partner >= 0 && one.lastOrig[flows.get(f).partner] == null) {
                f = flows.get(f).partner;
            }
            Flow fl = flows.get(f);
            // 0-1 original, 2-3 reply, 4 error, 5 original in two fragments
            int what = one.lastOrig[f] == null ? (r.nextBoolean() ? 0 : 5) : r.nextInt(6);
            if (what == 5 && (fl.kind == SNAT_ICMP || fl.kind == CROSS)) {
                what = 0;
            }
            List<WorkersTestbed.Out> a;
            List<WorkersTestbed.Out> b;
            boolean orig = what < 2 || what == 5;
            if (what == 5) {
                fragmentsSent.incrementAndGet();
                String dev = fl.fromWan ? "eth1" : "eth0";
                byte[][] frags = fragments(fl.first, 1 + e);
                one.run(frags[0], dev);
                many.run(frags[0], dev);
                a = one.run(frags[1], dev);
                b = many.run(frags[1], dev);
            } else if (orig) {
                String dev = fl.fromWan ? "eth1" : "eth0";
                a = one.run(fl.first, dev);
                b = many.run(fl.first, dev);
            } else {
                assertThat(many.lastOrig[f]).as("the W-worker engine sent the flow's first datagram too").isNotNull();
                if (what < 4) {
                    a = one.run(reply(one.lastOrig[f]), one.lastDev[f]);
                    b = many.run(reply(many.lastOrig[f]), many.lastDev[f]);
                } else {
                    errorsSent.incrementAndGet();
                    a = one.run(unreachable(one.lastOrig[f]), one.lastDev[f]);
                    b = many.run(unreachable(many.lastOrig[f]), many.lastDev[f]);
                }
            }
            assertThat(b).hasSameSizeAs(a);
            for (int i = 0; i < a.size(); i++) {
                WorkersTestbed.Out x = a.get(i);
                WorkersTestbed.Out y = b.get(i);
                assertThat(y.where()).isEqualTo(x.where());
                assertThat(y.reason()).isEqualTo(x.reason());
                if (x.reason() == null) {
                    assertThat(Checksum.ipv4HeaderValid(y.bytes(), 0)).isTrue();
                    assertThat(Ipv4.isFragment(y.bytes(), 0) || Checksum.transportValid(y.bytes(), 0)).isTrue();
                }
                boolean choice = orig && fl.kind != DNAT_FIXED && fl.kind != PLAIN;
                if (choice && !x.where().equals("drop")) {
                    if (!HexFormat.of().formatHex(x.bytes()).equals(HexFormat.of().formatHex(y.bytes()))) {
                        portsDiffered.incrementAndGet();
                    }
                    assertThat(masked(y.bytes(), fl.kind)).as("event %d flow %d kind %d", e, f, fl.kind)
                            .isEqualTo(masked(x.bytes(), fl.kind));
                } else {
                    assertThat(HexFormat.of().formatHex(y.bytes())).as("event %d flow %d kind %d what %d", e, f, fl.kind, what)
                            .isEqualTo(HexFormat.of().formatHex(x.bytes()));
                }
                if (fl.kind == CROSS && orig && x.where().equals("eth0") && Ipv4.u16(y.bytes(), 20) != Ipv4.u16(fl.first, 20)) {
                    crossMoved.incrementAndGet(); // the W-worker engine moved the port too
                }
                if (orig && what != 5 && (x.where().equals("eth0") || x.where().equals("eth1"))) {
                    one.lastOrig[f] = x.bytes();
                    one.lastDev[f] = x.where();
                    many.lastOrig[f] = y.bytes();
                    many.lastDev[f] = y.where();
                }
            }
        }
        assertThat(many.ws.conntrackCount()).isEqualTo(one.ws.conntrackCount());
        IptablesSave.Options all = new IptablesSave.Options(true, null, null);
        assertThat(IptablesSave.save(many.counters(), all).stdout()).isEqualTo(IptablesSave.save(one.gws.get(0).rules, all).stdout());
        assertThat(many.ws.handoffDrops()).isZero();
        handedOff.addAndGet(many.ws.handedOff());
    }

    /** else the property would prove nothing about handoffs, NAT's own choices and errors */
    @AfterContainer
    static void handoffsChoicesAndErrorsWereExercised() {
        assertThat(handedOff.get()).isPositive();
        assertThat(portsDiffered.get()).isPositive();
        assertThat(errorsSent.get()).isPositive();
        assertThat(fragmentsSent.get()).isPositive();
        assertThat(crossMoved.get()).isPositive();
    }

    static List<Flow> flows(SplittableRandom r, int count) {
        List<Flow> l = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int kind = r.nextInt(6);
            int lan = Ipv4.parse("10.0.0.2") + r.nextInt(5);
            int wanPeer = Ipv4.parse("192.0.2.1") + r.nextInt(5);
            int port = 1024 + r.nextInt(4); // few ports: MASQUERADE's kept port clashes now and then
            Flow f = switch (kind) {
                case SNAT_UDP -> new Flow(kind, WorkersTestbed.udp(lan, Ipv4.parse("198.51.100.1") + r.nextInt(3), port, 53, 12), false);
                case SNAT_ICMP -> new Flow(kind, WorkersTestbed.icmpQuery(8, lan, Ipv4.parse("198.51.100.1") + r.nextInt(3), port, 1), false);
                case DNAT_FIXED -> new Flow(kind, WorkersTestbed.udp(wanPeer, WorkersTestbed.WAN, port, 5353, 12), true);
                case DNAT_RANGE -> new Flow(kind, WorkersTestbed.udp(wanPeer, WorkersTestbed.WAN, port, 7000, 12), true);
                case PLAIN -> new Flow(kind, WorkersTestbed.udp(lan, wanPeer, port, 53, 12), false);
                default -> {
                    int partner = -1;
                    for (int j = 0; j < l.size(); j++) {
                        if (l.get(j).kind == DNAT_FIXED && r.nextBoolean()) {
                            partner = j;
                        }
                    }
                    if (partner < 0) {
                        yield new Flow(PLAIN, WorkersTestbed.udp(lan, wanPeer, port, 53, 12), false);
                    }
                    byte[] p = l.get(partner).first;
                    yield new Flow(kind, WorkersTestbed.udp(Ipv4.saddr(p, 0), Ipv4.parse("10.0.0.9"), Ipv4.u16(p, 20), 53, 12),
                            true, partner);
                }
            };
            l.add(f);
        }
        return l;
    }

    /** a UDP datagram as two fragments with IP id {@code id}: its first 8 payload bytes, then the rest */
    static byte[][] fragments(byte[] d, int id) {
        int payload = d.length - 20;
        byte[] f1 = WorkersTestbed.ip(Ipv4.PROTO_UDP, Ipv4.saddr(d, 0), Ipv4.daddr(d, 0), id,
                java.util.Arrays.copyOfRange(d, 20, 28));
        byte[] f2 = WorkersTestbed.ip(Ipv4.PROTO_UDP, Ipv4.saddr(d, 0), Ipv4.daddr(d, 0), id,
                java.util.Arrays.copyOfRange(d, 28, 20 + payload));
        Ipv4.put16(f1, 6, Ipv4.IP_MF);
        Ipv4.put16(f2, 6, 1);
        Checksum.setIpv4Header(f1, 0); // the transport checksum ip() set is the whole datagram's (kept from d)
        Checksum.setIpv4Header(f2, 0);
        System.arraycopy(d, 20, f1, 20, 8);
        System.arraycopy(d, 28, f2, 20, payload - 8);
        return new byte[][] {f1, f2};
    }

    /** the answer the receiver of {@code sent} gives: addresses and ports swapped (an echo reply for an echo) */
    static byte[] reply(byte[] sent) {
        int s = Ipv4.saddr(sent, 0);
        int d = Ipv4.daddr(sent, 0);
        if (Ipv4.protocol(sent, 0) == Ipv4.PROTO_ICMP) {
            return WorkersTestbed.icmpQuery(0, d, s, Ipv4.u16(sent, 24), Ipv4.u16(sent, 26));
        }
        return WorkersTestbed.udp(d, s, Ipv4.u16(sent, 22), Ipv4.u16(sent, 20), 5);
    }

    /** port unreachable from the receiver of {@code sent}, quoting it */
    static byte[] unreachable(byte[] sent) {
        return WorkersTestbed.icmpError(3, 3, Ipv4.daddr(sent, 0), Ipv4.saddr(sent, 0), sent);
    }

    /** the datagram with the field NAT chose (and the checksums over it) zeroed */
    static String masked(byte[] b, int kind) {
        byte[] c = b.clone();
        Ipv4.put16(c, 10, 0);
        switch (kind) {
            case SNAT_UDP, CROSS -> Ipv4.put16(c, 20, 0);
            case SNAT_ICMP -> Ipv4.put16(c, 24, 0);
            default -> Ipv4.put16(c, 22, 0); // DNAT_RANGE: the destination port
        }
        Ipv4.put16(c, kind == SNAT_ICMP ? 22 : 26, 0);
        return HexFormat.of().formatHex(c);
    }
}
