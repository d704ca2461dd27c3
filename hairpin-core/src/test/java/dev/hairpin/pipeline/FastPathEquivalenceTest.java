package dev.hairpin.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtConfig;
import dev.hairpin.host.Host;
import dev.hairpin.host.NetDevice;
import dev.hairpin.host.Route;
import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.RuleTrace;
import dev.hairpin.rules.Ruleset;
import dev.hairpin.rules.iptables.Iptables;
import dev.hairpin.rules.iptables.IptablesRestore;
import dev.hairpin.tools.ConntrackFormat;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The fast path (compiled FIB, cached per-device sysctls, hooks skipping empty ACCEPT chains,
 * destination-indexed rule runs, batches of 32 with their conntrack slots touched first) gives
 * what the straightforward path gives (route lists scanned, sysctl keys resolved per read,
 * every table's chain walked rule by rule, one packet at a time): the same frames out of the
 * same devices, the same drops and deliveries, conntrack events, table and rule counters, on
 * random traffic mixed with sysctl writes and clock moves.
 */
class FastPathEquivalenceTest {
    static final String RULES = """
            *nat
            -A PREROUTING -i eth1 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.9:80
            -A PREROUTING -i eth0 -p udp -d 198.51.100.13 -j DNAT --to-destination 198.51.100.5:5353
            -A POSTROUTING -o eth1 -j MASQUERADE
            COMMIT
            *filter
            -A INPUT -p icmp -j ACCEPT
            -A INPUT -p tcp --dport 22 -j REJECT --reject-with tcp-reset
            %s-A FORWARD -p tcp --dport 25 -j REJECT
            -A FORWARD -m conntrack --ctstate INVALID -j DROP
            COMMIT
            """;

    /** one simulated gateway and everything that came out of it, as text */
    static final class World {
        final Host host = new Host();
        final Conntrack ct;
        final Stack stack;
        final List<String> out = new ArrayList<>();
        final NetDevice lan;
        final NetDevice wan;
        final Ruleset rs = new Ruleset();

        World(boolean fast) {
            this(fast, true, false);
        }

        /**
         * @param forwardRules the FORWARD filter chain's rules (without them FastPath decreases
         *                     the TTL in POSTROUTING's manip)
         * @param acct         nf_conntrack_acct on (entries count packets and bytes)
         */
        World(boolean fast, boolean forwardRules, boolean acct) {
            host.add(new NetDevice("lo", 1, NetDevice.ARPHRD_LOOPBACK, new byte[6], 65536)).addrs
                    .add(new NetDevice.InAddr(0x7f000001, 8, Route.SCOPE_HOST, false));
            lan = host.add(new NetDevice("eth0", 2, NetDevice.ARPHRD_ETHER, new byte[6], 1500));
            lan.addrs.add(new NetDevice.InAddr(Ipv4.parse("10.0.0.1"), 24, 0, false));
            wan = host.add(new NetDevice("eth1", 3, NetDevice.ARPHRD_ETHER, new byte[6], 1500));
            wan.addrs.add(new NetDevice.InAddr(Ipv4.parse("203.0.113.1"), 24, 0, false));
            host.addressesChanged();
            host.fib.addMain(new Route(0, 0, Route.RTN_UNICAST, wan, Ipv4.parse("203.0.113.254"), 0, 0, 0, "main"));
            host.fib.addMain(new Route(Ipv4.parse("10.0.0.0"), 24, Route.RTN_UNICAST, lan, 0, Ipv4.parse("10.0.0.1"),
                    Route.SCOPE_LINK, 0, "main"));
            host.fib.addMain(new Route(Ipv4.parse("203.0.113.0"), 24, Route.RTN_UNICAST, wan, 0,
                    Ipv4.parse("203.0.113.1"), Route.SCOPE_LINK, 0, "main"));
            host.fib.addMain(new Route(Ipv4.parse("198.51.100.128"), 25, Route.RTN_UNICAST, lan, Ipv4.parse("10.0.0.254"),
                    0, 0, 0, "main"));
            host.sysctls.set("net.ipv4.ip_forward", "1");
            host.fib.compiled = fast;
            host.sysctls.cached = fast;
            CtConfig cfg = new CtConfig();
            cfg.max = 64;
            cfg.acct = acct;
            ct = new Conntrack(cfg, 1);
            stack = new Stack(host, ct, new SplittableRandom(7));
            stack.flowCache = fast;
            StringBuilder run = new StringBuilder();
            for (int k = 1; k <= 12; k++) {
                run.append("-A FORWARD -d 198.51.100.").append(k).append("/32 -p udp --dport 53 -j DROP\n");
            }
            String rules = RULES.formatted(run);
            if (!forwardRules) {
                rules = rules.lines().filter(l -> !l.startsWith("-A FORWARD")).collect(java.util.stream.Collectors.joining("\n", "", "\n"));
            }
            IptablesRestore.restore(rs, rules);
            RulesetTables tables = new RulesetTables(rs);
            RuleTrace walk = (table, chain, num, rule, matched) -> {};
            stack.tables = fast ? tables : (t, h, skb, par) -> {
                par.trace = walk; // a trace makes doTable walk every rule, and the hooks run every chain
                return tables.run(t, h, skb, par);
            };
            stack.output = new Output() {
                @Override
                public void transmit(Skb skb, NetDevice dev, int nexthop) {
                    out.add("tx " + dev + " " + Ipv4.toString(nexthop) + " " + hex(skb));
                }

                @Override
                public void deliver(Skb skb) {
                    out.add("in " + hex(skb));
                }

                @Override
                public void drop(Skb skb, String reason) {
                    out.add("drop " + reason + " " + hex(skb));
                }
            };
            ct.addListener((t, e, ev, u) -> out.add(ConntrackFormat.event(t, e, ev, false)));
            ct.advance(1_000_000_000_000L);
        }

        List<String> state() {
            List<String> s = new ArrayList<>(out);
            for (int e : ct.snapshot()) {
                s.add(ConntrackFormat.entry(ct.table, e, true));
            }
            s.add(ConntrackFormat.stats(ct.stats));
            s.add(dev.hairpin.rules.iptables.IptablesSave.save(rs,
                    new dev.hairpin.rules.iptables.IptablesSave.Options(true, null, null)).stdout()); // every counter
            return s;
        }

        static String hex(Skb skb) {
            return HexFormat.of().formatHex(skb.buf, skb.l3, skb.l3 + skb.len);
        }
    }

    @Property(tries = 150)
    void fastPathGivesWhatTheStraightforwardPathGives(@ForAll long seed, @ForAll @IntRange(min = 1, max = 400) int count) {
        World fast = new World(true);
        World ref = new World(false);
        run(fast, ref, new SplittableRandom(seed), count, false, true);
        assertThat(fast.state()).containsExactlyElementsOf(ref.state());
    }

    /**
     * Long streams, so flows get established and the flow cache serves them, with routes,
     * addresses and sysctls changing under them: still the reference's output, and the cache
     * did route packets (else this would prove nothing about it).
     */
    @Property(tries = 20)
    void flowCacheFollowsRouteAndSysctlChanges(@ForAll long seed) {
        World fast = new World(true);
        World ref = new World(false);
        run(fast, ref, new SplittableRandom(seed), 3000, true, true);
        assertThat(fast.state()).containsExactlyElementsOf(ref.state());
        assertThat(ref.stack.flows.hits).isZero();
        cacheHits.addAndGet(fast.stack.flows.hits);
    }

    /**
     * The same, with the rule set left as it is (rules in raw or mangle send every packet the
     * full way): the fused established-flow path ({@link FastPath}) then takes packets to the
     * end, through the FORWARD filter chain, and the output is still the reference's.
     */
    @Property(tries = 20)
    void fusedPathGivesWhatTheStraightforwardPathGives(@ForAll long seed) {
        World fast = new World(true);
        World ref = new World(false);
        run(fast, ref, new SplittableRandom(seed), 3000, true, false);
        assertThat(fast.state()).containsExactlyElementsOf(ref.state());
        assertThat(ref.stack.fast.handled).isZero();
        fusedHandled.addAndGet(fast.stack.fast.handled);
    }

    /**
     * The same without FORWARD filter rules, with connection accounting on: FastPath then
     * decreases the TTL within POSTROUTING's NAT update, and a replied UDP entry's packets only
     * refresh and count it; still the reference's bytes, counters and events.
     */
    @Property(tries = 20)
    void fusedPathWithoutForwardRulesGivesTheSame(@ForAll long seed) {
        World fast = new World(true, false, true);
        World ref = new World(false, false, true);
        run(fast, ref, new SplittableRandom(seed), 3000, true, false);
        assertThat(fast.state()).containsExactlyElementsOf(ref.state());
        assertThat(ref.stack.fast.handled).isZero();
        fusedHandled.addAndGet(fast.stack.fast.handled);
    }

    /** packets the fused path took to the end over all tries (one try may have none: forwarding off, say) */
    static final java.util.concurrent.atomic.AtomicLong fusedHandled = new java.util.concurrent.atomic.AtomicLong();

    /** packets routed from the flow cache over all tries */
    static final java.util.concurrent.atomic.AtomicLong cacheHits = new java.util.concurrent.atomic.AtomicLong();

    /** else the properties above would prove nothing about the cache and the fused path */
    @net.jqwik.api.lifecycle.AfterContainer
    static void theCacheAndTheFusedPathWereExercised() {
        assertThat(cacheHits.get()).isPositive();
        assertThat(fusedHandled.get()).isPositive();
    }

    /** a FIB change both worlds make: a route or an address that moves some flows elsewhere */
    static void changeFib(World w, int which) {
        switch (which) {
            case 0 -> w.host.fib.addMain(new Route(Ipv4.parse("198.51.100.0"), 30, Route.RTN_UNICAST, w.lan,
                    Ipv4.parse("10.0.0.254"), 0, 0, 0, "main"));
            case 1 -> w.host.fib.addMain(new Route(Ipv4.parse("198.51.100.2"), 32, Route.RTN_UNICAST, w.wan,
                    Ipv4.parse("203.0.113.253"), 0, 0, 0, "main"));
            case 2 -> w.host.fib.addMain(new Route(Ipv4.parse("10.0.0.8"), 29, Route.RTN_UNICAST, w.wan,
                    Ipv4.parse("203.0.113.252"), 0, 0, 0, "main"));
            default -> { // 198.51.100.1 becomes ours: its flows are delivered locally from now on
                w.wan.addrs.add(new NetDevice.InAddr(Ipv4.parse("198.51.100.1"), 32, 0, true));
                w.host.addressesChanged();
            }
        }
    }

    /**
     * @param conversations half the packets repeat or answer (as the masqueraded peer would) an
     *                      earlier LAN packet, so flows become ESTABLISHED
     * @param ruleChanges   now and then a rule is added to (or flushed from) raw or mangle
     */
    private static void run(World fast, World ref, SplittableRandom r, int count, boolean conversations, boolean ruleChanges) {
        List<byte[]> fromLan = new ArrayList<>();
        byte[][] bufs = new byte[32][];
        Skb[] batch = new Skb[32];
        int fill = 0;
        long now = 1_000_000_000_000L;
        for (int i = 0; i < count; i++) {
            int what = r.nextInt(100);
            if (what < 4) { // a sysctl write or a clock move between packets: the batch ends there
                fill = flush(fast, batch, fill);
                if (what == 1 && r.nextInt(4) == 0 && ruleChanges) { // a rule in a table the hooks were skipping, or its removal
                    String[][] cmds = {
                        {"-t", "raw", "-A", "PREROUTING", "-p", "udp", "--dport", "53", "-j", "DROP"},
                        {"-t", "mangle", "-A", "POSTROUTING", "-p", "udp", "-j", "MARK", "--set-mark", "7"},
                        {"-t", "mangle", "-A", "FORWARD", "-p", "icmp", "-j", "DROP"},
                        {"-t", "mangle", "-A", "PREROUTING", "-s", "10.0.0.2"},
                        {"-t", "raw", "-F"}, {"-t", "mangle", "-F"}};
                    String[] c = cmds[r.nextInt(cmds.length)];
                    assertThat(Iptables.run(fast.rs, c).exitCode()).isZero();
                    assertThat(Iptables.run(ref.rs, c).exitCode()).isZero();
                } else if (what == 0 && r.nextInt(4) == 0) {
                    int which = r.nextInt(4);
                    changeFib(fast, which);
                    changeFib(ref, which);
                } else if (what < 2) {
                    String[] keys = {"net.ipv4.conf.eth0.rp_filter", "net.ipv4.conf.all.rp_filter",
                        "net.ipv4.conf.eth1.forwarding", "net.ipv4.conf.all.route_localnet", "net.ipv4.ip_forward",
                        "net.ipv4.conf.eth0.accept_local"};
                    String k = keys[r.nextInt(keys.length)];
                    String v = Integer.toString(r.nextInt(3));
                    fast.host.sysctls.set(k, v);
                    ref.host.sysctls.set(k, v);
                } else {
                    now += r.nextLong(1, 200_000_000_000L);
                    fast.ct.advance(now);
                    ref.ct.advance(now);
                }
                continue;
            }
            boolean fromWan = r.nextBoolean();
            byte[] p;
            int talk = conversations && !fromLan.isEmpty() ? r.nextInt(4) : 0;
            if (talk == 1) {
                p = fromLan.get(r.nextInt(fromLan.size())).clone();
                fromWan = false;
            } else if (talk == 2) {
                p = answer(fromLan.get(r.nextInt(fromLan.size())));
                fromWan = true;
            } else {
                p = randomPacket(r, fromWan);
                if (!fromWan && fromLan.size() < 24 && forwardable(p)) {
                    fromLan.add(p.clone());
                }
            }
            Skb one = new Skb(p.clone(), 0, p.length);
            one.in = fromWan ? ref.wan : ref.lan;
            ref.stack.receive(one);
            bufs[fill] = p;
            Skb b = new Skb(p, 0, p.length);
            b.in = fromWan ? fast.wan : fast.lan;
            batch[fill++] = b;
            if (fill == 32) {
                fill = flush(fast, batch, fill);
            }
        }
        flush(fast, batch, fill);
    }

    /** the batch as the workload driver runs it: every lookup touched first, then each packet */
    private static int flush(World w, Skb[] batch, int n) {
        int sink = w.ct.prefetch(batch, 0, n);
        w.stack.receive(batch, n);
        touched += sink;
        return 0;
    }

    /** keeps the touches */
    static int touched;

    static final String[] LAN_SRC = {"10.0.0.2", "10.0.0.3", "10.0.0.9", "10.0.0.1", "127.0.0.1", "203.0.113.7",
        "0.0.0.0"};
    static final String[] WAN_SRC = {"198.51.100.1", "198.51.100.2", "198.51.100.200", "203.0.113.9", "10.0.0.2",
        "224.0.0.1"};
    static final String[] LAN_DST = {"198.51.100.1", "198.51.100.2", "198.51.100.5", "198.51.100.13", "198.51.100.200",
        "10.0.0.1", "203.0.113.1", "10.0.0.255", "127.0.0.1", "192.0.2.9"};
    static final String[] WAN_DST = {"203.0.113.1", "10.0.0.2", "10.0.0.9", "203.0.113.255", "198.51.100.1"};

    /** a well-formed LAN packet the gateway forwards out of eth1 (until the FIB changes) */
    static boolean forwardable(byte[] p) {
        byte[] c = p.clone();
        Checksum.setTransport(c, 0);
        int src = Ipv4.saddr(p, 0);
        return java.util.Arrays.equals(c, p) && p[8] > 1 && (Ipv4.daddr(p, 0) & 0xffffff80) == Ipv4.parse("198.51.100.0")
                && (src & 0xffffff00) == Ipv4.parse("10.0.0.0") && src != Ipv4.parse("10.0.0.1");
    }

    /**
     * what the peer of a LAN packet sends back to the gateway's WAN address (MASQUERADE keeps
     * ports); UDP to 198.51.100.13 was DNATed to 198.51.100.5:5353 (both manips on one flow),
     * which answers
     */
    static byte[] answer(byte[] q) {
        byte[] p = q.clone();
        boolean dnat = p[9] == Ipv4.PROTO_UDP && Ipv4.daddr(q, 0) == Ipv4.parse("198.51.100.13");
        Ipv4.put32(p, 12, dnat ? Ipv4.parse("198.51.100.5") : Ipv4.daddr(q, 0));
        Ipv4.put32(p, 16, Ipv4.parse("203.0.113.1"));
        p[8] = 64;
        Ipv4.put16(p, 10, 0);
        Ipv4.put16(p, 10, Checksum.compute(p, 0, 20));
        if (p[9] == Ipv4.PROTO_ICMP) {
            p[20] = 0; // echo reply
        } else {
            Ipv4.put16(p, 20, dnat ? 5353 : Ipv4.u16(q, 22));
            Ipv4.put16(p, 22, Ipv4.u16(q, 20));
        }
        Checksum.setTransport(p, 0);
        return p;
    }

    /** UDP, TCP (any flags) or ICMP echo between a few addresses, sometimes TTL 1 or a bad checksum (transport or header) */
    static byte[] randomPacket(SplittableRandom r, boolean fromWan) {
        int src = Ipv4.parse((fromWan ? WAN_SRC : LAN_SRC)[r.nextInt(fromWan ? WAN_SRC.length : LAN_SRC.length)]);
        int dst = Ipv4.parse((fromWan ? WAN_DST : LAN_DST)[r.nextInt(fromWan ? WAN_DST.length : LAN_DST.length)]);
        int kind = r.nextInt(3);
        int[] ports = {53, 80, 8080, 22, 25, 1024, 40000};
        int sport = ports[r.nextInt(ports.length)];
        int dport = ports[r.nextInt(ports.length)];
        int l4len = kind == 0 ? 8 + r.nextInt(3) * 4 : kind == 1 ? 20 + r.nextInt(2) * 8 : 8 + r.nextInt(2) * 8;
        int len = 20 + l4len;
        byte[] p = new byte[len];
        p[0] = 0x45;
        Ipv4.put16(p, 2, len);
        Ipv4.put16(p, 4, r.nextInt(65536));
        p[8] = (byte) (r.nextInt(10) == 0 ? 1 : 64);
        p[9] = (byte) (kind == 0 ? Ipv4.PROTO_UDP : kind == 1 ? Ipv4.PROTO_TCP : Ipv4.PROTO_ICMP);
        Ipv4.put32(p, 12, src);
        Ipv4.put32(p, 16, dst);
        Ipv4.put16(p, 10, Checksum.compute(p, 0, 20));
        switch (kind) {
            case 0 -> {
                Ipv4.put16(p, 20, sport);
                Ipv4.put16(p, 22, dport);
                Ipv4.put16(p, 24, l4len);
            }
            case 1 -> {
                Ipv4.put16(p, 20, sport);
                Ipv4.put16(p, 22, dport);
                Ipv4.put32(p, 24, r.nextInt(4) * 1000);
                Ipv4.put32(p, 28, r.nextInt(4) * 1000);
                p[32] = 0x50;
                int[] flags = {0x02, 0x12, 0x10, 0x18, 0x11, 0x04, 0x14, 0x01, 0x03};
                p[33] = (byte) flags[r.nextInt(flags.length)];
                Ipv4.put16(p, 34, 64240);
            }
            default -> {
                p[20] = (byte) (r.nextInt(4) == 0 ? 0 : 8); // echo reply or request
                Ipv4.put16(p, 24, r.nextInt(4));
                Ipv4.put16(p, 26, r.nextInt(3));
            }
        }
        Checksum.setTransport(p, 0);
        if (r.nextInt(20) == 0) {
            p[len - 1] ^= 0x5a; // a corrupt transport checksum
        }
        if (r.nextInt(25) == 0) {
            p[10] ^= 0x21; // a corrupt header checksum: ip_rcv drops it, new flow or not
        }
        return p;
    }
}
