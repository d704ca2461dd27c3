package dev.hairpin.trace;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.ConntrackTable;
import dev.hairpin.conntrack.CtEvent;
import dev.hairpin.conntrack.CtStatus;
import dev.hairpin.host.NetDevice;
import dev.hairpin.nat.Manip;
import dev.hairpin.nat.Nat;
import dev.hairpin.packet.CtInfo;
import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import dev.hairpin.rules.Chain;
import dev.hairpin.rules.IptIp;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.Rule;
import dev.hairpin.rules.RuleTrace;
import dev.hairpin.rules.Table;
import dev.hairpin.rules.iptables.RuleFormat;
import dev.hairpin.tools.ConntrackFormat;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records what the stack does with each packet while it is set on a
 * {@link dev.hairpin.pipeline.Stack} ({@code stack.trace(tracer)}). The stack calls it at each
 * hook, after the conntrack lookup, around the NAT hook function, at routing decisions and where
 * a packet ends; the rule evaluator calls it as a {@link RuleTrace}. A packet is told apart by
 * its skb; one with {@code seq == 0} that starts while another is being processed was made by
 * the stack for it (ICMP error, RST, echo reply). Not thread-safe, like the stack.
 */
public final class Tracer implements RuleTrace {
    private final Conntrack conntrack;
    private final List<PacketTrace> traces = new ArrayList<>();
    private final Map<Skb, PacketTrace> bySkb = new IdentityHashMap<>();
    private final Map<Rule, String> ruleText = new IdentityHashMap<>();
    private final CtEvent.Listener events = this::event;
    private final List<FlowEvent> flowEvents = new ArrayList<>();
    private final List<Sample> samples = new ArrayList<>();

    /**
     * A conntrack event with when it happened: {@code flow} is the entry's original tuple,
     * {@code type} NEW, UPDATE or DESTROY, {@code packet} the trace being processed (0 when the
     * event came from a timeout or a command), {@code line} as {@code conntrack -E} prints it.
     */
    public record FlowEvent(long timeNs, int packet, String flow, String type, String line) {}

    /** the number of confirmed entries at a moment (after each event, and when each packet arrives) */
    public record Sample(long timeNs, int count) {}
    private dev.hairpin.host.Host host;
    private PacketTrace current;
    private Skb currentSkb;
    /** per current packet: what the hook step saw before conntrack ran */
    private int ctAtHook;
    private int ctinfoAtHook;
    private long invalid0;
    private long drop0;
    private long error0;
    /** index of the -m match that failed, told by the evaluator before rule(..., false) */
    private int failedMatch = -1;
    /** NAT hook state between natBefore and natAfter */
    private Header natHeader;
    private int natStatus;
    private int natSteps;

    public Tracer(Conntrack conntrack) {
        this.conntrack = conntrack;
        conntrack.addListener(events);
    }

    /** the stack's host, for naming the routes it chose (the stack calls this when set on it) */
    public void attach(dev.hairpin.host.Host h) {
        this.host = h;
    }

    /** Stops listening to conntrack events (the traces stay readable). */
    public void close() {
        conntrack.removeListener(events);
    }

    /** every packet traced so far, in the order they started */
    public List<PacketTrace> traces() {
        return traces;
    }

    /** every conntrack event seen while tracing, in order */
    public List<FlowEvent> flowEvents() {
        return flowEvents;
    }

    /** table occupancy over time */
    public List<Sample> samples() {
        return samples;
    }

    /** nf_conntrack_max of the traced table */
    public int conntrackMax() {
        return conntrack.config.max;
    }

    /** the trace with this id (ids start at 1) */
    public PacketTrace get(int id) {
        return traces.get(id - 1);
    }

    /** the packets generated because of {@code t} (directly) */
    public List<PacketTrace> children(PacketTrace t) {
        List<PacketTrace> out = new ArrayList<>();
        for (PacketTrace c : traces) {
            if (c.parent == t.id) {
                out.add(c);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- called by the stack

    /** a packet enters the stack: ip_rcv() ({@code skb.in} set) or ip_local_out() */
    public void begin(Skb skb) {
        int parent = 0;
        long seq = skb.seq;
        String origin = skb.in != null && !skb.local ? "in " + skb.in.name : "local out";
        if (skb.seq == 0 && skb.in == null && current != null) {
            parent = current.id;
            seq = current.seq;
            origin = "generated";
        }
        PacketTrace t = new PacketTrace(traces.size() + 1, seq, parent, origin, Header.of(skb), conntrack.now());
        traces.add(t);
        bySkb.put(skb, t);
        samples.add(new Sample(t.timeNs, conntrack.table.confirmedCount()));
        if (parent != 0) {
            current.steps.add(new Step.Generated(t.id, t.header, whyGenerated(t.header)));
        }
        current = t;
        currentSkb = skb;
    }

    /** the packet reaches {@code hook} (called again in OUTPUT after a re-route) */
    public void hook(Skb skb, int hook) {
        PacketTrace t = select(skb);
        if (t == null) {
            return;
        }
        Step.Hook last = lastHook(t);
        String name = Hooks.chainName(hook);
        if (last != null && last.hook().equals(name) && hook == Hooks.LOCAL_OUT) {
            Step.Route r = lastRoute(t);
            String out = dev(skb.out);
            if (r != null && (!r.out().equals(out) || !r.nexthop().equals(Ipv4.toString(skb.nexthop)))) {
                t.steps.add(new Step.Route("reroute", routeOf(skb.daddr()), out, Ipv4.toString(skb.nexthop)));
            }
            return;
        }
        if (hook == Hooks.LOCAL_OUT) {
            t.steps.add(new Step.Route("output", routeOf(skb.daddr()), dev(skb.out), Ipv4.toString(skb.nexthop)));
        }
        t.steps.add(new Step.Hook(name, hook == Hooks.LOCAL_OUT || hook == Hooks.POST_ROUTING ? "" : dev(skb.in),
                hook == Hooks.PRE_ROUTING || hook == Hooks.LOCAL_IN ? "" : dev(skb.out)));
        ctAtHook = skb.ct;
        ctinfoAtHook = skb.ctinfo;
        invalid0 = conntrack.stats.invalid;
        drop0 = conntrack.stats.drop;
        error0 = conntrack.stats.error;
    }

    /** after nf_conntrack_in() returned {@code verdict} */
    public void conntrack(Skb skb, int hook, int verdict) {
        PacketTrace t = select(skb);
        if (t == null) {
            return;
        }
        ConntrackTable tab = conntrack.table;
        String result;
        String reason = null;
        String embedded = null;
        int ct = skb.ct;
        if (ctAtHook >= 0) {
            result = "attached";
        } else if (ctinfoAtHook == CtInfo.UNTRACKED || skb.ctinfo == CtInfo.UNTRACKED) {
            result = "untracked";
        } else if (verdict == Verdict.NF_DROP) {
            if (conntrack.stats.error > error0 || conntrack.stats.invalid > invalid0) {
                result = "invalid";
                reason = invalidReason(skb, hook, conntrack.stats.error > error0);
            } else {
                result = "table-full";
                reason = "nf_conntrack: table full, dropping packet (" + tab.count() + " entries, nf_conntrack_max "
                        + conntrack.config.max + ", none could be early-dropped)";
            }
        } else if (ct < 0) {
            result = "invalid";
            reason = invalidReason(skb, hook, conntrack.stats.error > error0);
        } else {
            result = switch (skb.ctinfo) {
                case CtInfo.NEW -> tab.isConfirmed(ct) ? "hit-original" : "new";
                case CtInfo.ESTABLISHED -> "hit-original";
                case CtInfo.ESTABLISHED_REPLY -> "hit-reply";
                default -> "related";
            };
            if (result.equals("related") && skb.protocol() == Ipv4.PROTO_ICMP) {
                embedded = embeddedTuple(skb);
            }
        }
        String entry = ct >= 0 ? entry(tab, ct) : null;
        t.steps.add(new Step.Conntrack(Hooks.chainName(hook), result, ctstate(skb), entry, embedded, reason,
                Verdict.name(verdict)));
    }

    /** the routing decision for a received packet: "local" delivery or "forward" */
    public void route(Skb skb, String type) {
        PacketTrace t = select(skb);
        if (t == null) {
            return;
        }
        t.steps.add(new Step.Route(type, routeOf(skb.daddr()), type.equals("local") ? "" : dev(skb.out),
                type.equals("local") ? "" : Ipv4.toString(skb.nexthop)));
    }

    /** entering the NAT hook function of {@code hook} */
    public void natBefore(Skb skb, int hook) {
        if (select(skb) == null) {
            return;
        }
        natHeader = Header.of(skb);
        natStatus = skb.ct >= 0 ? conntrack.status(skb.ct) : 0;
        natSteps = current.steps.size();
    }

    /** leaving the NAT hook function with {@code verdict} */
    public void natAfter(Skb skb, int hook, int verdict) {
        PacketTrace t = select(skb);
        if (t == null || skb.ct < 0 && verdict == Verdict.NF_ACCEPT || natHeader == null) {
            return;
        }
        int manip = Manip.ofHook(hook);
        String binding;
        boolean icmpInner = (skb.ctinfo == CtInfo.RELATED || skb.ctinfo == CtInfo.RELATED_REPLY)
                && skb.protocol() == Ipv4.PROTO_ICMP;
        if (skb.ct < 0) {
            binding = "none";
        } else if (icmpInner) {
            binding = "icmp";
        } else if (!Nat.initialized(natStatus, manip) && Nat.initialized(conntrack.status(skb.ct), manip)) {
            binding = natRuleSince(t, natSteps) ? "made" : "null";
        } else {
            binding = "existing";
        }
        String reply = skb.ct >= 0 ? tuple(conntrack.table, skb.ct, 1) : "";
        Header after = Header.of(skb);
        t.last = after;
        t.steps.add(new Step.Nat(Hooks.chainName(hook), manip == Manip.SRC ? "SNAT" : "DNAT", binding, reply, natHeader,
                after, Verdict.name(verdict)));
        natHeader = null;
    }

    /** the packet leaves by {@code dev} (after POSTROUTING) */
    public void transmit(Skb skb, NetDevice dev) {
        PacketTrace t = select(skb);
        if (t == null) {
            return;
        }
        t.last = Header.of(skb);
        String how = t.origin.startsWith("in ") ? "forwarded" : "sent";
        int mtu = skb.rtMtu != 0 ? skb.rtMtu : dev.mtu; // the route's mtu metric, else the device's
        String of = skb.rtMtu != 0 ? "the route to " + Ipv4.toString(skb.daddr()) : dev.name;
        if (skb.len > mtu || skb.fragMaxSize != 0) {
            // ip_fragment() follows: DF forbids it unless a reassembled datagram's fragments fit
            boolean df = (Ipv4.fragOff(skb.buf, skb.l3) & Ipv4.IP_DF) != 0;
            if (df && (skb.fragMaxSize == 0 || skb.fragMaxSize > mtu)) {
                fate(t, new Fate(Fate.Kind.DROPPED_BY_STACK, "POSTROUTING", dev.name, null, null, 0, null,
                        "ip_fragment: DF set, fragmentation needed (mtu " + mtu + " of " + of + ")", 0));
                return;
            }
            how += ", fragmented to at most " + (skb.fragMaxSize != 0 ? Math.min(mtu, skb.fragMaxSize) : mtu) + " bytes";
        }
        fate(t, new Fate(Fate.Kind.SENT, "POSTROUTING", dev.name, null, null, 0, null, how, 0));
    }

    /** the packet waits for its next hop's ARP answer (no neighbour entry): sent then, or host unreachable */
    public void awaitingNeighbour(Skb skb, NetDevice dev) {
        PacketTrace t = select(skb);
        if (t == null) {
            return;
        }
        t.last = Header.of(skb);
        fate(t, new Fate(Fate.Kind.STOLEN, "neighbour", dev.name, null, null, 0, null,
                "held for ARP: no neighbour entry for " + Ipv4.toString(skb.nexthop) + " on " + dev.name
                        + "; it leaves when the next hop answers, else ICMP host unreachable goes back after the probes", 0));
    }

    /** a fragment is held by nf_defrag_ipv4 until its datagram is complete */
    public void queued(Skb skb) {
        PacketTrace t = select(skb);
        if (t == null) {
            return;
        }
        fate(t, new Fate(Fate.Kind.STOLEN, "nf_defrag_ipv4", null, null, null, 0, null,
                "a fragment held for reassembly; the datagram goes on with its last fragment", 0));
    }

    /** the packet is delivered to the local stack (after INPUT) */
    public void deliver(Skb skb) {
        PacketTrace t = select(skb);
        if (t == null) {
            return;
        }
        t.last = Header.of(skb);
        fate(t, new Fate(Fate.Kind.DELIVERED, "INPUT", null, null, null, 0, null, null, 0));
    }

    /** a hook's functions ended with {@code verdict} other than ACCEPT */
    public void finish(Skb skb, int verdict, String where) {
        PacketTrace t = select(skb);
        if (t == null || t.fate != null) {
            return;
        }
        t.last = Header.of(skb);
        if (verdict != Verdict.NF_DROP) {
            fate(t, new Fate(Fate.Kind.STOLEN, where, null, null, null, 0, null, Verdict.name(verdict), 0));
            return;
        }
        fate(t, dropCause(t, where));
    }

    /** the stack dropped the packet for {@code reason} (martian, no route, TTL ...) */
    public void dropped(Skb skb, String reason) {
        PacketTrace t = select(skb);
        if (t == null || t.fate != null) {
            return;
        }
        t.last = Header.of(skb);
        fate(t, new Fate(Fate.Kind.DROPPED_BY_STACK, null, null, null, null, 0, null, reason, 0));
    }

    // ---------------------------------------------------------------- RuleTrace

    @Override
    public void matchFailed(int index) {
        failedMatch = index;
    }

    @Override
    public void rule(Table table, Chain chain, int num, Rule rule, boolean matched) {
        if (current == null) {
            return;
        }
        String failed = null;
        if (!matched) {
            failed = failedMatch >= 0 && failedMatch < rule.matches().size() ? matchText(rule.matches().get(failedMatch))
                    : ipFailure(rule.ip());
        }
        failedMatch = -1;
        current.steps.add(new Step.Rule(table.name(), chain.name(), num, text(chain, rule), matched, failed));
    }

    @Override
    public void jump(Table table, Chain from, int num, Chain to, boolean isGoto) {
        if (current != null) {
            current.steps.add(new Step.Jump(table.name(), from.name(), num, to.name(), isGoto));
        }
    }

    @Override
    public void ret(Table table, Chain from, Chain to) {
        if (current != null) {
            current.steps.add(new Step.Return(table.name(), from.name(), to.name()));
        }
    }

    @Override
    public void policy(Table table, Chain chain, int verdict) {
        if (current != null) {
            current.steps.add(new Step.Policy(table.name(), chain.name(), Verdict.name(verdict)));
        }
    }

    @Override
    public void verdict(Table table, Chain chain, int num, Rule rule, int verdict) {
        if (current != null) {
            current.steps.add(new Step.Verdict(table.name(), chain.name(), num, rule == null ? "" : text(chain, rule),
                    rule == null ? "" : rule.targetName(), Verdict.name(verdict)));
        }
    }

    // ---------------------------------------------------------------- internals

    private void event(ConntrackTable table, int ct, int ev, boolean user) {
        String line = ConntrackFormat.event(table, ct, ev, false);
        boolean inFlight = current != null && current.fate == null;
        if (inFlight) {
            current.steps.add(new Step.Event(line));
        }
        String type = (ev & CtEvent.DESTROY) != 0 ? "DESTROY" : (ev & (CtEvent.NEW | CtEvent.RELATED)) != 0 ? "NEW" : "UPDATE";
        long now = conntrack.now();
        flowEvents.add(new FlowEvent(now, inFlight ? current.id : 0,
                ConntrackFormat.protoName(table.protocol(ct)) + " " + tuple(table, ct, 0), type, line.strip()));
        // a DESTROY is delivered while the entry is still counted
        samples.add(new Sample(now, table.confirmedCount() - ((ev & CtEvent.DESTROY) != 0 ? 1 : 0)));
    }

    private PacketTrace select(Skb skb) {
        PacketTrace t = bySkb.get(skb);
        if (t != null) {
            current = t;
            currentSkb = skb;
        }
        return t;
    }

    private void fate(PacketTrace t, Fate f) {
        t.fate = f;
        bySkb.values().remove(t);
        // what follows belongs to the packet that caused this one, if it is still on its way
        if (t.parent != 0) {
            current = get(t.parent);
        }
    }

    private Fate dropCause(PacketTrace t, String where) {
        List<Step> s = t.steps;
        for (int i = s.size() - 1; i >= 0; i--) {
            Step st = s.get(i);
            if (st instanceof Step.Hook h && h.hook().equals(where)) {
                break;
            }
            if (st instanceof Step.Verdict v && v.verdict().equals("DROP")) {
                String target = v.target();
                if (target.equals("REJECT")) {
                    int gen = 0;
                    for (int j = i - 1; j >= 0 && !(s.get(j) instanceof Step.Rule); j--) {
                        if (s.get(j) instanceof Step.Generated g) {
                            gen = g.id();
                        }
                    }
                    return new Fate(Fate.Kind.REJECTED, where, null, v.table(), v.chain(), v.num(), v.rule(), null, gen);
                }
                if (target.equals("SNAT") || target.equals("DNAT") || target.equals("MASQUERADE") || target.equals("REDIRECT")
                        || target.equals("NETMAP")) {
                    return new Fate(Fate.Kind.DROPPED_BY_NAT, where, null, v.table(), v.chain(), v.num(), v.rule(),
                            target + " found no usable address or port (rule " + v.num() + " of " + v.table() + " " + v.chain() + ")", 0);
                }
                return new Fate(Fate.Kind.DROPPED_BY_RULE, where, null, v.table(), v.chain(), v.num(), v.rule(), null, 0);
            }
            if (st instanceof Step.Policy p && p.verdict().equals("DROP")) {
                return new Fate(Fate.Kind.DROPPED_BY_POLICY, where, null, p.table(), p.chain(), 0, null, null, 0);
            }
            if (st instanceof Step.Nat n && n.verdict().equals("DROP")) {
                return new Fate(Fate.Kind.DROPPED_BY_NAT, where, null, null, null, 0, null,
                        n.binding().equals("icmp") ? "the ICMP error's inner packet could not be translated"
                                : "a masqueraded flow now leaves by another device (nf_nat_oif_changed), or no free tuple", 0);
            }
            if (st instanceof Step.Conntrack c && c.verdict().equals("DROP")) {
                return c.result().equals("table-full")
                        ? new Fate(Fate.Kind.DROPPED_TABLE_FULL, where, null, null, null, 0, null, c.reason(), 0)
                        : new Fate(Fate.Kind.DROPPED_BY_CONNTRACK, where, null, null, null, 0, null, c.reason(), 0);
            }
            if (st instanceof Step.Rule r && !r.matched() && i == s.size() - 1) {
                return new Fate(Fate.Kind.DROPPED_BY_RULE, where, null, r.table(), r.chain(), r.num(), r.rule(),
                        "a match dropped it outright (hotdrop: " + r.failed() + ")", 0);
            }
        }
        return new Fate(Fate.Kind.DROPPED_BY_CONNTRACK, where, null, null, null, 0, null,
                "nf_conntrack_confirm: the entry could not be inserted (a clashing entry, or it died on the way)", 0);
    }

    /** a nat-table rule's target (SNAT, DNAT, MASQUERADE ...) decided after step {@code from} */
    private static boolean natRuleSince(PacketTrace t, int from) {
        for (int i = from; i < t.steps.size(); i++) {
            if (t.steps.get(i) instanceof Step.Verdict v && v.table().equals("nat")) {
                return true;
            }
        }
        return false;
    }

    private String text(Chain chain, Rule rule) {
        return ruleText.computeIfAbsent(rule, r -> {
            StringBuilder sb = new StringBuilder();
            RuleFormat.save(sb, chain.name(), r, 0);
            return sb.toString().strip();
        });
    }

    private static String matchText(Match m) {
        StringBuilder sb = new StringBuilder("-m ").append(m.name());
        m.save(sb);
        return sb.toString();
    }

    /** which field of ip_packet_match() failed, re-evaluated (it has no side effects) */
    private String ipFailure(IptIp ip) {
        Skb skb = currentSkb;
        if (skb == null) {
            return "the IP part";
        }
        byte[] b = skb.buf;
        int l3 = skb.l3;
        if (((Ipv4.saddr(b, l3) & ip.smsk()) != ip.src()) ^ ip.inverted(IptIp.INV_SRCIP)) {
            return (ip.inverted(IptIp.INV_SRCIP) ? "! " : "") + "-s " + Ipv4.toString(ip.src()) + "/" + prefix(ip.smsk());
        }
        if (((Ipv4.daddr(b, l3) & ip.dmsk()) != ip.dst()) ^ ip.inverted(IptIp.INV_DSTIP)) {
            return (ip.inverted(IptIp.INV_DSTIP) ? "! " : "") + "-d " + Ipv4.toString(ip.dst()) + "/" + prefix(ip.dmsk());
        }
        if (!ip.iniface().isEmpty()) {
            IptIp only = new IptIp(0, 0, 0, 0, ip.iniface(), "", 0, 0, ip.invflags() & IptIp.INV_VIA_IN);
            if (!only.matches(skb, skb.in, skb.out, false)) {
                return (ip.inverted(IptIp.INV_VIA_IN) ? "! " : "") + "-i " + ip.iniface();
            }
        }
        if (!ip.outiface().isEmpty()) {
            IptIp only = new IptIp(0, 0, 0, 0, "", ip.outiface(), 0, 0, ip.invflags() & IptIp.INV_VIA_OUT);
            if (!only.matches(skb, skb.in, skb.out, false)) {
                return (ip.inverted(IptIp.INV_VIA_OUT) ? "! " : "") + "-o " + ip.outiface();
            }
        }
        if (ip.proto() != 0 && (Ipv4.protocol(b, l3) != ip.proto()) ^ ip.inverted(IptIp.INV_PROTO)) {
            return (ip.inverted(IptIp.INV_PROTO) ? "! " : "") + "-p " + protoName(ip.proto());
        }
        if ((ip.flags() & IptIp.F_FRAG) != 0) {
            return (ip.inverted(IptIp.INV_FRAG) ? "! " : "") + "-f";
        }
        return "the IP part";
    }

    private static String protoName(int p) {
        return switch (p) {
            case 6 -> "tcp";
            case 17 -> "udp";
            case 1 -> "icmp";
            default -> Integer.toString(p);
        };
    }

    private static int prefix(int mask) {
        return Integer.bitCount(mask);
    }

    /** the FIB entry for {@code daddr} as {@code ip route} prints it ("" when unknown) */
    private String routeOf(int daddr) {
        if (host == null) {
            return "";
        }
        dev.hairpin.host.Route r = host.fib.lookup(daddr);
        if (r == null) {
            return "no route";
        }
        StringBuilder sb = new StringBuilder();
        if (r.type() == dev.hairpin.host.Route.RTN_LOCAL) {
            sb.append("local ");
        } else if (r.type() == dev.hairpin.host.Route.RTN_BROADCAST) {
            sb.append("broadcast ");
        }
        sb.append(r.prefixLen() == 0 ? "default" : Ipv4.toString(r.dst()) + (r.prefixLen() == 32 ? "" : "/" + r.prefixLen()));
        if (r.gateway() != 0) {
            sb.append(" via ").append(Ipv4.toString(r.gateway()));
        }
        if (r.dev() != null) {
            sb.append(" dev ").append(r.dev().name);
        }
        if (r.table() != null && !r.table().equals("main")) {
            sb.append(" table ").append(r.table());
        }
        return sb.toString();
    }

    private static String dev(NetDevice d) {
        return d == null ? "" : d.name;
    }

    private static Step.Hook lastHook(PacketTrace t) {
        for (int i = t.steps.size() - 1; i >= 0; i--) {
            if (t.steps.get(i) instanceof Step.Hook h) {
                return h;
            }
        }
        return null;
    }

    private static Step.Route lastRoute(PacketTrace t) {
        for (int i = t.steps.size() - 1; i >= 0; i--) {
            if (t.steps.get(i) instanceof Step.Route r) {
                return r;
            }
        }
        return null;
    }

    private static String whyGenerated(Header h) {
        if (h.proto() == Ipv4.PROTO_TCP && (h.flags() & 0x04) != 0) {
            return "TCP RST";
        }
        if (h.proto() == Ipv4.PROTO_ICMP) {
            int type = h.dport() >>> 8;
            int code = h.dport() & 0xff;
            return switch (type) {
                case 0 -> "echo reply";
                case 3 -> switch (code) {
                    case 0 -> "ICMP net unreachable";
                    case 1 -> "ICMP host unreachable";
                    case 2 -> "ICMP protocol unreachable";
                    case 3 -> "ICMP port unreachable";
                    case 4 -> "ICMP fragmentation needed";
                    case 9, 10, 13 -> "ICMP administratively prohibited (" + code + ")";
                    default -> "ICMP destination unreachable code " + code;
                };
                case 11 -> "ICMP time exceeded";
                default -> "ICMP type " + type;
            };
        }
        return "a reply";
    }

    private static String ctstate(Skb skb) {
        if (skb.ctinfo == CtInfo.UNTRACKED) {
            return "UNTRACKED";
        }
        if (skb.ct < 0) {
            return "INVALID";
        }
        String s = switch (skb.ctinfo) {
            case CtInfo.NEW -> "NEW";
            case CtInfo.RELATED, CtInfo.RELATED_REPLY -> "RELATED";
            default -> "ESTABLISHED";
        };
        return CtInfo.dir(skb.ctinfo) == 1 ? s + " (reply)" : s;
    }

    /** why conntrack found no entry for a packet (nf_conntrack_in's invalid paths) */
    private String invalidReason(Skb skb, int hook, boolean icmpError) {
        int proto = skb.protocol();
        byte[] b = skb.buf;
        int avail = skb.l3 + skb.len - skb.l4;
        if (icmpError) {
            return "ICMP error that is malformed or quotes no known connection (counted in conntrack -S error)";
        }
        if (proto == Ipv4.PROTO_TCP) {
            if (avail < 20) {
                return "truncated TCP header";
            }
            int flags = b[skb.l4 + 13] & 0xff & ~(0x40 | 0x80 | 0x08);
            if (!validTcpFlags(flags)) {
                return "invalid TCP flag combination (tcp_error)";
            }
            long k1 = dev.hairpin.conntrack.Tuple.k1(skb.saddr(), skb.daddr());
            long k2 = dev.hairpin.conntrack.Tuple.k2(Ipv4.u16(b, skb.l4), Ipv4.u16(b, skb.l4 + 2), proto, 0);
            int node = conntrack.table.find(k1, k2);
            if (node < 0) {
                return "no entry, and a " + (flags == 0x10 ? "bare ACK" : "segment with these flags")
                        + " cannot open one (tcp_new)";
            }
            int state = conntrack.table.l4state(node >>> 1);
            return "TCP window tracking refused it in state " + tcpState(state)
                    + " (sequence out of window, or flags unexpected in that state)";
        }
        if (avail < (proto == Ipv4.PROTO_UDP ? 8 : 0)) {
            return "truncated " + protoName(proto) + " header";
        }
        return "the protocol tracker refused it (malformed header or checksum)";
    }

    private static String tcpState(int s) {
        String[] names = {"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK",
            "TIME_WAIT", "CLOSE", "SYN_SENT2"};
        return s >= 0 && s < names.length ? names[s] : Integer.toString(s);
    }

    /** tcp_valid_flags[] with ECE, CWR and PSH masked out, as tcp_error() tests them */
    private static boolean validTcpFlags(int f) {
        return switch (f) {
            case 0x02, 0x22, 0x12, 0x04, 0x14, 0x11, 0x31, 0x10, 0x30 -> true;
            default -> false;
        };
    }

    /** the tuple an ICMP error quotes, as conntrack keys the original packet */
    private static String embeddedTuple(Skb skb) {
        byte[] b = skb.buf;
        int inner = skb.l4 + 8;
        int end = skb.l3 + skb.len;
        if (end - inner < 20) {
            return null;
        }
        int proto = Ipv4.protocol(b, inner);
        int l4 = inner + Ipv4.ihlBytes(b, inner);
        StringBuilder sb = new StringBuilder(protoName(proto)).append(" src=").append(Ipv4.toString(Ipv4.saddr(b, inner)))
                .append(" dst=").append(Ipv4.toString(Ipv4.daddr(b, inner)));
        if ((proto == 6 || proto == 17) && end - l4 >= 4) {
            sb.append(" sport=").append(Ipv4.u16(b, l4)).append(" dport=").append(Ipv4.u16(b, l4 + 2));
        } else if (proto == 1 && end - l4 >= 8) {
            sb.append(" type=").append(b[l4] & 0xff).append(" code=").append(b[l4 + 1] & 0xff).append(" id=")
                    .append(Ipv4.u16(b, l4 + 4));
        }
        return sb.toString();
    }

    /** "tcp SYN_SENT src=.. dst=.. sport=.. dport=.. src=.. dst=.. sport=.. dport=.. [UNREPLIED] (unconfirmed)" */
    static String entry(ConntrackTable t, int ct) {
        StringBuilder sb = new StringBuilder(ConntrackFormat.protoName(t.protocol(ct)));
        if (t.protocol(ct) == 6) {
            sb.append(' ').append(tcpState(t.l4state(ct)));
        }
        sb.append(' ').append(tuple(t, ct, 0)).append(' ');
        int st = t.status(ct);
        if ((st & CtStatus.SEEN_REPLY) == 0) {
            sb.append("[UNREPLIED] ");
        }
        sb.append(tuple(t, ct, 1));
        if ((st & CtStatus.ASSURED) != 0) {
            sb.append(" [ASSURED]");
        }
        if (!t.isConfirmed(ct)) {
            sb.append(" (unconfirmed)");
        }
        return sb.toString();
    }

    static String tuple(ConntrackTable t, int ct, int dir) {
        StringBuilder sb = new StringBuilder();
        sb.append("src=").append(Ipv4.toString(t.src(ct, dir))).append(" dst=").append(Ipv4.toString(t.dst(ct, dir)));
        int p = t.protocol(ct);
        if (p == 6 || p == 17) {
            sb.append(" sport=").append(t.sport(ct, dir)).append(" dport=").append(t.dport(ct, dir));
        } else if (p == 1) {
            int d = t.dport(ct, dir);
            sb.append(" type=").append(d >>> 8).append(" code=").append(d & 0xff).append(" id=").append(t.sport(ct, dir));
        }
        return sb.toString();
    }
}
