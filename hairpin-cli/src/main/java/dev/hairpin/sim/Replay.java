package dev.hairpin.sim;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtEvent;
import dev.hairpin.conntrack.Tuple;
import dev.hairpin.host.NetDevice;
import dev.hairpin.io.Snapshot;
import dev.hairpin.nat.Manip;
import dev.hairpin.nat.Nat;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.pipeline.Output;
import dev.hairpin.pipeline.Stack;
import dev.hairpin.tools.ConntrackFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Replays a recorded scenario through the engine: input frames in order on the simulated clock
 * the capture's timestamps drive, the gateway's own packets injected at OUTPUT where they
 * entered it, admin commands between frames; collects what the engine sent, the events, the
 * final table and counters. Where the kernel chose at random (a NAT port, an ICMP id, the IP id
 * of a packet it made), the replay adopts the choice visible in the capture when the kernel
 * could have made it, and says so.
 */
public final class Replay {
    /** A frame the engine sent: interface name and the IPv4 datagram. */
    public record Sent(String iface, byte[] ip, int afterInput) {}

    public final Scenario scenario;
    public final Stack stack;
    public final Conntrack conntrack;
    public final List<Sent> sent = new ArrayList<>();
    public final List<String> events = new ArrayList<>();
    public final List<String> notes = new ArrayList<>();
    public final List<String> kernelLog = new ArrayList<>();
    /** what each action printed (stdout then stderr), in order */
    public final List<String> actionOutput = new ArrayList<>();
    /** each action's full result, in order */
    public final List<dev.hairpin.tools.ToolResult> actionResults = new ArrayList<>();
    private final Commands commands;

    /** the kernel's outputs not yet matched to one of ours (for adopting its choices) */
    private final List<Scenario.Frame> pendingExpected = new ArrayList<>();
    private int current;
    private final double epoch0;
    static final long BASE_NS = 1_000_000_000_000L; // the simulated clock starts well past zero

    public Replay(Scenario s) {
        this.scenario = s;
        Snapshot snap = s.snapshot;
        this.conntrack = new Conntrack(snap.ctConfig, 0x1234_5678_9abcL);
        this.stack = new Stack(snap.host, conntrack, new SplittableRandom(42));
        this.commands = new Commands(stack);
        commands.loadRules(snap.iptablesSave, s.dir.resolve("host/iptables-save.txt").toString());
        this.epoch0 = s.input.isEmpty() ? 0 : s.input.getFirst().epoch();
        stack.kernelLog = kernelLog::add;
        stack.output = new Output() {
            @Override
            public void transmit(Skb skb, NetDevice dev, int nexthop) {
                sent.add(new Sent(dev.name, skb.copyDatagram(), current));
                forget(dev.name, skb);
            }
        };
        conntrack.addListener((table, ct, ev, user) -> events.add(ConntrackFormat.event(table, ct, ev, false)
                + (user ? " [USERSPACE]" : "")));
        stack.nat.adopter = new Nat.Adopter() {
            @Override
            public int adopt(int ct, int manip, long k1, long k2) {
                return adoptKey(manip, k1, k2);
            }

            @Override
            public void diverged(int ct, String why) {
                notes.add("input " + current + ": DIVERGENCE: " + why);
            }
        };
        stack.ipIds = this::adoptIpId;
    }

    private long clock(double epoch) {
        return BASE_NS + Math.round((epoch - epoch0) * 1e9);
    }

    public Replay run() {
        List<Scenario.Frame> expected = scenario.output;
        int ei = 0;
        int li = 0;
        int ai = 0;
        for (Scenario.Frame f : scenario.input) {
            current = f.n();
            // the kernel's outputs that came before the next input are what this one caused
            double next = f.n() < scenario.input.size() ? scenario.input.get(f.n()).epoch() : Double.MAX_VALUE;
            while (ei < expected.size() && expected.get(ei).epoch() < next) {
                pendingExpected.add(expected.get(ei++));
            }
            while (li < scenario.local.size() && scenario.local.get(li).n() < f.n()) {
                injectLocal(scenario.local.get(li++));
            }
            while (ai < scenario.actions.size() && scenario.actions.get(ai).afterInput() < f.n()) {
                runAction(scenario.actions.get(ai++));
            }
            conntrack.advance(clock(f.epoch()));
            NetDevice in = stack.host.device(f.iface());
            if (in == null) {
                notes.add("input " + f.n() + ": unknown interface " + f.iface());
                continue;
            }
            byte[] buf = f.ip().clone();
            Skb skb = new Skb(buf, 0, buf.length);
            skb.in = in;
            skb.seq = f.n();
            stack.receive(skb);
        }
        while (li < scenario.local.size()) {
            injectLocal(scenario.local.get(li++));
        }
        while (ai < scenario.actions.size()) {
            runAction(scenario.actions.get(ai++));
        }
        return this;
    }

    private void injectLocal(Scenario.Frame f) {
        conntrack.advance(clock(f.epoch()));
        NetDevice dev = stack.host.device(f.iface());
        byte[] buf = f.ip().clone();
        Skb skb = new Skb(buf, 0, buf.length);
        skb.seq = -f.n();
        stack.localOut(skb, dev, 0);
    }

    private void runAction(Scenario.Action a) {
        conntrack.advance(clock(a.epoch()));
        dev.hairpin.tools.ToolResult r = commands.run(a.cmd());
        actionResults.add(r);
        actionOutput.add(r.merged());
    }

    /** The final table as {@code conntrack -L} prints it (stdout lines only). */
    public List<String> table() {
        List<String> out = new ArrayList<>();
        for (int ct : conntrack.snapshot()) {
            out.add(ConntrackFormat.entry(conntrack.table, ct, false));
        }
        return out;
    }

    public String iptablesSaveCounters() {
        return commands.run("iptables-save -c").merged();
    }

    public String stats() {
        return ConntrackFormat.stats(conntrack.stats) + "\n" + conntrack.table.count() + "\n";
    }

    // ---------------------------------------------------------------- adopting the kernel's choices

    private int adoptKey(int manip, long k1, long k2) {
        int proto = Tuple.proto(k2);
        for (Scenario.Frame e : pendingExpected) {
            byte[] p = e.ip();
            if (Ipv4.protocol(p, 0) != proto) {
                continue;
            }
            int l4 = Ipv4.ihlBytes(p, 0);
            if (proto == Ipv4.PROTO_ICMP) {
                int type = p[l4] & 0xff;
                if (manip == Manip.SRC && Ipv4.saddr(p, 0) == Tuple.src(k1) && Ipv4.daddr(p, 0) == Tuple.dst(k1)
                        && type == Tuple.dport(k2) >>> 8) {
                    return Ipv4.u16(p, l4 + 4);
                }
                continue;
            }
            if (manip == Manip.SRC) {
                if (Ipv4.saddr(p, 0) == Tuple.src(k1) && Ipv4.daddr(p, 0) == Tuple.dst(k1) && Ipv4.u16(p, l4 + 2) == Tuple.dport(k2)) {
                    notes.add("input " + current + ": adopted the kernel's source port " + Ipv4.u16(p, l4));
                    return Ipv4.u16(p, l4);
                }
            } else if (Ipv4.daddr(p, 0) == Tuple.dst(k1) && Ipv4.saddr(p, 0) == Tuple.src(k1) && Ipv4.u16(p, l4) == Tuple.sport(k2)) {
                notes.add("input " + current + ": adopted the kernel's destination port " + Ipv4.u16(p, l4 + 2));
                return Ipv4.u16(p, l4 + 2);
            }
        }
        return -1;
    }

    private int adoptIpId(Skb gen) {
        byte[] g = gen.buf;
        int proto = Ipv4.protocol(g, gen.l3);
        for (Scenario.Frame e : pendingExpected) {
            byte[] p = e.ip();
            if (Ipv4.protocol(p, 0) == proto && Ipv4.saddr(p, 0) == Ipv4.saddr(g, gen.l3)
                    && (proto != Ipv4.PROTO_ICMP || p[Ipv4.ihlBytes(p, 0)] == g[gen.l4])) {
                return Ipv4.id(p, 0);
            }
        }
        return stack.random.nextInt(65536);
    }

    /** an output of ours matched one of the kernel's: it no longer guides adoption */
    private void forget(String iface, Skb skb) {
        for (int i = 0; i < pendingExpected.size(); i++) {
            Scenario.Frame e = pendingExpected.get(i);
            if (e.iface().equals(iface) && e.ip().length == skb.len
                    && Ipv4.saddr(e.ip(), 0) == skb.saddr() && Ipv4.daddr(e.ip(), 0) == skb.daddr()
                    && Ipv4.id(e.ip(), 0) == Ipv4.id(skb.buf, skb.l3)) {
                pendingExpected.remove(i);
                return;
            }
        }
    }
}
