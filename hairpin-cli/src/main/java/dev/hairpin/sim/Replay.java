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
import dev.hairpin.pcap.CaptureRecord;
import dev.hairpin.pcap.LinkType;
import dev.hairpin.pcap.PcapWriter;
import dev.hairpin.pcap.Sll2;
import dev.hairpin.nat.NatRange;
import dev.hairpin.rules.Chain;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.Rule;
import dev.hairpin.rules.Table;
import dev.hairpin.rules.matches.StatisticMatch;
import dev.hairpin.rules.targets.NatTarget;
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
    /** A frame the engine sent: interface, the IPv4 datagram, after which input, when (ns since the Unix epoch). */
    public record Sent(String iface, int ifindex, byte[] ip, int afterInput, long epochNanos) {}

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
        // the commands' wall clock is the recording's (stack.wallNanos once wallOffsetNs is set below)
        commands.state.clock = () -> java.time.Instant.ofEpochSecond(0, stack.wallNanos()).atZone(java.time.ZoneId.systemDefault());
        stack.neighboursKnown(snap.neighboursKnown);
        notes.addAll(s.notes);
        snap.loadRules(commands.ruleset(), false);
        nft = snap.nft();
        if (nft != null && !nft.chains.isEmpty()) {
            stack.tables = new dev.hairpin.pipeline.NftTables(stack.tables, nft, conntrack);
            commands.nftListing = this::nftListing;
        }
        this.epoch0 = s.input.isEmpty() ? 0 : s.input.getFirst().epoch();
        // -m time and IP timestamps read the recording's wall clock
        stack.wallOffsetNs = Math.round(epoch0 * 1e9) - BASE_NS;
        stack.kernelLog = kernelLog::add;
        stack.output = new Output() {
            @Override
            public void transmit(Skb skb, NetDevice dev, int nexthop) {
                sent.add(new Sent(dev.name, dev.ifindex, skb.copyDatagram(), current,
                        Math.round(epoch0 * 1e9) + conntrack.now() - BASE_NS));
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
        stack.randomDraws = this::adoptDraw;
        stack.host.fib.pathChooser = this::adoptPath;
        stack.icmpClock = this::adoptTimestamp;
        stack.helperRewrites(this::kernelPayload);
    }

    private long clock(double epoch) {
        return BASE_NS + Math.round((epoch - epoch0) * 1e9);
    }

    public Replay run() {
        List<Scenario.Frame> expected = scenario.output;
        int ei = 0;
        int li = 0;
        int ai = 0;
        oi = 0;
        for (Scenario.Frame f : scenario.input) {
            current = f.n();
            // the kernel's outputs that came before the next input are what this one caused
            double next = f.n() < scenario.input.size() ? scenario.input.get(f.n()).epoch() : Double.MAX_VALUE;
            while (ei < expected.size() && expected.get(ei).epoch() < next) {
                pendingExpected.add(expected.get(ei++));
            }
            // the gateway's own packets, its sockets' listen/close and the admin commands due
            // before this frame, in time order
            while (true) {
                if (oi < scenario.socketOps.size() && scenario.socketOps.get(oi).afterInput() < f.n()
                        && scenario.socketOps.get(oi).epoch() <= dueEpoch(li, ai, f.n())) {
                    socketOp(scenario.socketOps.get(oi++));
                    continue;
                }
                boolean l = li < scenario.local.size() && scenario.local.get(li).n() < f.n();
                boolean a = ai < scenario.actions.size() && scenario.actions.get(ai).afterInput() < f.n();
                if (l && (!a || scenario.local.get(li).epoch() <= scenario.actions.get(ai).epoch())) {
                    injectLocal(scenario.local.get(li++));
                } else if (a) {
                    runAction(scenario.actions.get(ai++));
                } else if (oi < scenario.socketOps.size() && scenario.socketOps.get(oi).afterInput() < f.n()) {
                    socketOp(scenario.socketOps.get(oi++));
                } else {
                    break;
                }
            }
            arpsBefore(f.epoch());
            stack.advance(clock(f.epoch()));
            NetDevice in = stack.host.device(f.iface());
            if (in == null) {
                notes.add("input " + f.n() + ": unknown interface " + f.iface());
                continue;
            }
            Skb skb;
            if (f.eth() != null) { // the frame as it arrived: Ethernet header, then the datagram
                byte[] buf = new byte[14 + f.ip().length];
                System.arraycopy(f.eth(), 0, buf, 0, 14);
                System.arraycopy(f.ip(), 0, buf, 14, f.ip().length);
                skb = new Skb(buf, 14, f.ip().length);
                skb.macLen = 14;
            } else {
                byte[] buf = f.ip().clone();
                skb = new Skb(buf, 0, buf.length);
            }
            skb.in = in;
            skb.seq = f.n();
            skb.csumPartial = scenario.partialInputs.contains(f.n());
            stack.receive(skb);
        }
        while (li < scenario.local.size() || ai < scenario.actions.size() || oi < scenario.socketOps.size()) {
            if (oi < scenario.socketOps.size() && scenario.socketOps.get(oi).epoch() <= dueEpoch(li, ai, Integer.MAX_VALUE)) {
                socketOp(scenario.socketOps.get(oi++));
                continue;
            }
            if (li >= scenario.local.size() && ai >= scenario.actions.size()) {
                socketOp(scenario.socketOps.get(oi++));
                continue;
            }
            boolean a = ai < scenario.actions.size();
            if (li < scenario.local.size() && (!a || scenario.local.get(li).epoch() <= scenario.actions.get(ai).epoch())) {
                injectLocal(scenario.local.get(li++));
            } else {
                runAction(scenario.actions.get(ai++));
            }
        }
        arpsBefore(Double.MAX_VALUE);
        // a neighbour that fails after the last input still fails before the capture's last frame
        double last = scenario.output.isEmpty() ? 0 : scenario.output.getLast().epoch();
        if (last > 0) {
            stack.expireNeighbours(clock(last));
        }
        if (adoptedPaths[0] + adoptedPaths[1] > 0) {
            notes.add("adopted the kernel's multipath nexthop from the capture in " + adoptedPaths[1] + " route lookups"
                    + (adoptedPaths[0] > 0 ? " (" + adoptedPaths[0] + " with no frame of the kernel's to follow: the engine's hash)" : ""));
        }
        if (adoptedDraws[0] + adoptedDraws[1] > 0) {
            notes.add("adopted the kernel's -m statistic --mode random draws from the capture: " + adoptedDraws[1] + " matched, "
                    + adoptedDraws[0] + " did not");
        }
        return this;
    }

    private int oi;
    /** the next of the capture's incoming ARP packets */
    private int arpi;

    /** the incoming ARP packets before {@code epoch}, each at its time */
    private void arpsBefore(double epoch) {
        while (arpi < scenario.arps.size() && scenario.arps.get(arpi).epoch() < epoch) {
            Scenario.Arp a = scenario.arps.get(arpi++);
            stack.advance(clock(a.epoch()));
            stack.arpInput(stack.host.device(a.iface()), a.op(), a.sender(), a.mac(), a.target());
        }
    }

    /** the epoch of the next local packet or action due before input {@code n} (infinity if none) */
    private double dueEpoch(int li, int ai, int n) {
        double e = Double.POSITIVE_INFINITY;
        if (li < scenario.local.size() && scenario.local.get(li).n() < n) {
            e = scenario.local.get(li).epoch();
        }
        if (ai < scenario.actions.size() && scenario.actions.get(ai).afterInput() < n) {
            e = Math.min(e, scenario.actions.get(ai).epoch());
        }
        return e;
    }

    /** a listener or bound UDP socket of the gateway's processes opens or closes: the stack stops or starts refusing */
    private void socketOp(Scenario.SocketOp op) {
        if (op.open()) {
            stack.host.listening.add(op.service());
        } else {
            stack.host.listening.remove(op.service());
        }
    }

    private void injectLocal(Scenario.Frame f) {
        stack.advance(clock(f.epoch()));
        NetDevice dev = stack.host.device(f.iface());
        byte[] buf = f.ip().clone();
        if ("kernel".equals(f.origin()) && stackAnswer(buf)) {
            notes.add("local packet " + f.n() + " (" + f.origin() + "): the stack's own answer to an input; the engine makes it, not injected");
            return;
        }
        learnSocket(buf);
        Skb skb = new Skb(buf, 0, buf.length);
        skb.seq = -f.n();
        if ("socket".equals(f.origin())) {
            // a process's socket (a listener's for its SYN/ACK): the recorder's, root's (uid and
            // gid 0); "kernel" ones injected here are a closed socket's (no sk_socket: none)
            skb.owner = Skb.OWNER_PROCESS;
        }
        stack.localOut(skb, dev, 0);
    }

    /**
     * A packet of no process's socket that the engine's own stack model produces itself from the
     * input it answers (LocalStack, REJECT, icmp_send): an ICMP error or echo reply, or a TCP RST
     * for a tuple no socket of ours owns (tcp_v4_send_reset). Injecting it too would send it
     * twice. TIME_WAIT and orphaned sockets' ACK/FIN (and an own socket's RST) are still injected.
     */
    private boolean stackAnswer(byte[] p) {
        int proto = Ipv4.protocol(p, 0);
        int l4 = Ipv4.ihlBytes(p, 0);
        if (p.length < l4 + 8) {
            return false;
        }
        if (proto == Ipv4.PROTO_ICMP) {
            int type = p[l4] & 0xff;
            return type == 0 || type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
        }
        if (proto == Ipv4.PROTO_TCP && p.length >= l4 + 14 && (p[l4 + 13] & 0x04) != 0) {
            int s = Ipv4.saddr(p, 0), d = Ipv4.daddr(p, 0), sp = Ipv4.u16(p, l4), dp = Ipv4.u16(p, l4 + 2);
            return !stack.host.sockets.owns(proto, d, dp, s, sp);
        }
        return false;
    }

    /**
     * A TCP/UDP packet of the gateway's own processes shows a connected socket: what comes back
     * to it is that socket's, not the stack's to answer (no RST, no port unreachable). Its own
     * RST closes it.
     */
    private void learnSocket(byte[] p) {
        int proto = Ipv4.protocol(p, 0);
        int l4 = Ipv4.ihlBytes(p, 0);
        if ((proto != Ipv4.PROTO_TCP && proto != Ipv4.PROTO_UDP) || p.length < l4 + 8) {
            return;
        }
        int s = Ipv4.saddr(p, 0), d = Ipv4.daddr(p, 0), sp = Ipv4.u16(p, l4), dp = Ipv4.u16(p, l4 + 2);
        if (proto == Ipv4.PROTO_TCP && p.length >= l4 + 14 && (p[l4 + 13] & 0x04) != 0) {
            stack.host.sockets.close(proto, s, sp, d, dp);
        } else {
            stack.host.sockets.sent(proto, s, sp, d, dp);
        }
    }

    private void runAction(Scenario.Action a) {
        stack.advance(clock(a.epoch()));
        dev.hairpin.tools.ToolResult r = commands.run(adoptInitval(a));
        actionResults.add(r);
        actionOutput.add(r.merged());
    }

    private static final java.util.regex.Pattern IPSET_CREATE =
            java.util.regex.Pattern.compile("^ipset\\s+(?:create|n|-N)\\s+(\\S+)\\s+(hash:\\S+)(.*)$");

    /**
     * A hash set's initval: the kernel draws it at random when `ipset create` gives none, and it
     * orders the listing's elements (and shows in its header). The replay adopts it from the
     * first later recorded `ipset list` / `ipset save` output of that set, if any.
     */
    private String adoptInitval(Scenario.Action a) {
        java.util.regex.Matcher m = IPSET_CREATE.matcher(a.cmd().trim());
        if (!m.matches() || m.group(3).contains("initval")) {
            return a.cmd();
        }
        String name = m.group(1);
        int i = 0;
        while (i < scenario.actions.size() && scenario.actions.get(i) != a) {
            i++;
        }
        java.util.regex.Pattern saved = java.util.regex.Pattern.compile(
                "(?m)^create " + java.util.regex.Pattern.quote(name) + " .* initval (0x[0-9a-f]+)");
        java.util.regex.Pattern listed = java.util.regex.Pattern.compile(
                "(?m)^Name: " + java.util.regex.Pattern.quote(name) + "\\n(?:.*\\n){0,2}?Header: .*initval (0x[0-9a-f]+)");
        for (int j = i + 1; j < scenario.actions.size(); j++) {
            Scenario.Action later = scenario.actions.get(j);
            java.util.regex.Matcher again = IPSET_CREATE.matcher(later.cmd().trim());
            if (again.matches() && again.group(1).equals(name)) {
                break; // a new set of that name: its own initval
            }
            String out = later.output() == null ? "" : later.output();
            java.util.regex.Matcher f = saved.matcher(out);
            java.util.regex.Matcher g = listed.matcher(out);
            String v = f.find() ? f.group(1) : g.find() ? g.group(1) : null;
            if (v != null) {
                notes.add("adopted the kernel's initval " + v + " for ipset " + name + " from a later listing");
                return a.cmd().trim() + " initval " + v;
            }
        }
        return a.cmd();
    }

    /** The final table as {@code conntrack -L} prints it (stdout lines only). */
    public List<String> table() {
        List<String> out = new ArrayList<>();
        for (int ct : conntrack.snapshot()) {
            out.add(ConntrackFormat.entry(conntrack.table, ct, false));
        }
        return out;
    }

    /**
     * Writes what the engine sent as {@code tcpdump -i any} would show it: LINUX_SLL2, the
     * device's ifindex, PACKET_OUTGOING, the device's MAC (the capture's layout).
     */
    public void writeOutputPcap(java.nio.file.Path file) throws java.io.IOException {
        try (PcapWriter w = PcapWriter.create(file, LinkType.LINUX_SLL2, false)) {
            byte[] rec = new byte[Sll2.HEADER + 65536];
            for (Sent s : sent) {
                NetDevice dev = stack.host.device(s.ifindex());
                boolean lo = dev != null && dev.isLoopback();
                byte[] mac = dev == null || dev.mac == null ? new byte[6] : dev.mac;
                int h = Sll2.encode(rec, 0, 0x0800, s.ifindex(), lo ? Sll2.ARPHRD_LOOPBACK : Sll2.ARPHRD_ETHER,
                        CaptureRecord.PACKET_OUTGOING, mac, 6);
                System.arraycopy(s.ip(), 0, rec, h, s.ip().length);
                w.write(s.epochNanos(), rec, 0, h + s.ip().length, h + s.ip().length);
            }
        }
    }

    /** the host's native nftables ruleset, null when it has none */
    private final dev.hairpin.rules.nft.NftRuleset nft;

    /** `nft list ruleset` now: the snapshot's listing with the counters of the run (IllegalStateException: not knowable) */
    public String nftListing() {
        if (nft == null) {
            throw new IllegalStateException("the snapshot has no nft-ruleset.txt");
        }
        return dev.hairpin.rules.nft.NftListing.render(nft, commands.ruleset(), conntrack.now());
    }

    public String iptablesSaveCounters() {
        return commands.run("iptables-save -c").merged();
    }

    public String stats() {
        return ConntrackFormat.stats(conntrack.stats) + "\n" + conntrack.table.count() + "\n";
    }

    // ---------------------------------------------------------------- adopting the kernel's choices

    /** packets whose multipath nexthop the capture showed [1] or did not [0] */
    public final int[] adoptedPaths = new int[2];

    /**
     * A multipath route's nexthop: the kernel hashed the addresses with a per-boot random seed,
     * so the capture says which uplink it took: the device of its frame towards the same
     * destination among the kernel's frames for this input (two nexthops on one device differ
     * only in the next hop's MAC, which a cooked capture does not show).
     */
    private int adoptPath(dev.hairpin.host.Route r, int saddr, int daddr) {
        dev.hairpin.host.Route[] p = r.paths();
        for (Scenario.Frame e : pendingExpected) {
            if (Ipv4.daddr(e.ip(), 0) != daddr) {
                continue;
            }
            for (int i = 0; i < p.length; i++) {
                if (p[i].dev().name.equals(e.iface())) {
                    adoptedPaths[1]++;
                    return i;
                }
            }
        }
        adoptedPaths[0]++;
        return -1;
    }

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

    /**
     * A {@code -m statistic --mode random} draw: adopted from what the kernel did with this
     * packet, when the rule's target leaves a mark on it: a NAT binding inside or outside the
     * target's range, or, for a jump to a chain (kube-proxy's KUBE-SVC -> KUBE-SEP-*), a binding
     * only a NAT target reachable from that chain gives and none after the rule does. The draw
     * must be one the probability allows (p = 0 never matches, p = 1 always does), else it is a
     * divergence. -1 (the PRNG) when the capture does not tell.
     */
    private int adoptDraw(Match by, Skb skb, int probability) {
        if (!(by instanceof StatisticMatch sm)) {
            return -1;
        }
        Table table = tableOf(by);
        Rule rule = ruleOf(by);
        List<NatTarget> taken = new ArrayList<>();
        List<NatTarget> after = new ArrayList<>();
        if (rule != null && rule.target() instanceof NatTarget nt) {
            taken.add(nt);
        } else if (rule != null && table != null && (rule.kind() == Rule.Kind.JUMP || rule.kind() == Rule.Kind.GOTO)) {
            natTargets(table, rule.chain(), taken, 0);
            Chain c = chainOf(table, rule);
            boolean past = false;
            for (Rule r : c.rules()) {
                if (past) {
                    if (r.target() instanceof NatTarget nt) {
                        after.add(nt);
                    } else if (r.kind() == Rule.Kind.JUMP || r.kind() == Rule.Kind.GOTO) {
                        natTargets(table, r.chain(), after, 0);
                    }
                }
                past |= r == rule;
            }
        }
        if (taken.isEmpty() || taken.stream().map(NatTarget::snat).distinct().count() > 1) {
            notes.add("input " + current + ": statistic draw not adoptable (the rule's target leaves no mark on the packet)");
            return -1;
        }
        boolean snat = taken.getFirst().snat();
        Scenario.Frame e = kernelCopy(skb, snat);
        if (e == null) {
            notes.add("input " + current + ": statistic draw not adoptable (no frame of the kernel's for this packet)");
            return -1;
        }
        byte[] p = e.ip();
        int l4 = Ipv4.ihlBytes(p, 0);
        boolean ports = Ipv4.protocol(p, 0) == Ipv4.PROTO_TCP || Ipv4.protocol(p, 0) == Ipv4.PROTO_UDP;
        int addr = snat ? Ipv4.saddr(p, 0) : Ipv4.daddr(p, 0);
        int port = ports ? Ipv4.u16(p, l4 + (snat ? 0 : 2)) : -1;
        boolean applied = taken.stream().anyMatch(nt -> nt.snat() == snat && inRange(nt.range(), addr, port));
        if (rule.kind() != Rule.Kind.TARGET
                && applied == after.stream().anyMatch(nt -> nt.snat() == snat && inRange(nt.range(), addr, port))) {
            notes.add("input " + current + ": statistic draw not adoptable (the kernel's binding fits both outcomes or neither)");
            return -1;
        }
        boolean draw = applied ^ sm.inverted();
        if (draw ? probability == 0 : probability == Integer.MIN_VALUE) {
            notes.add("input " + current + ": DIVERGENCE: the kernel's statistic draw (" + draw + ") is impossible with probability "
                    + Integer.toUnsignedString(probability) + "/2^31");
            return -1;
        }
        adoptedDraws[draw ? 1 : 0]++;
        return draw ? 1 : 0;
    }

    private static boolean inRange(NatRange r, int addr, int port) {
        return (!r.has(NatRange.MAP_IPS)
                || Integer.compareUnsigned(addr, r.minAddr()) >= 0 && Integer.compareUnsigned(addr, r.maxAddr()) <= 0)
                && (port < 0 || !r.has(NatRange.PROTO_SPECIFIED) || (port >= r.minProto() && port <= r.maxProto()));
    }

    /** the NAT targets a packet entering {@code chain} could reach (jumps followed, bounded depth) */
    private static void natTargets(Table t, String chain, List<NatTarget> out, int depth) {
        Chain c = chain == null || depth > 8 ? null : t.chain(chain);
        if (c == null) {
            return;
        }
        for (Rule r : c.rules()) {
            if (r.target() instanceof NatTarget nt) {
                out.add(nt);
            } else if (r.kind() == Rule.Kind.JUMP || r.kind() == Rule.Kind.GOTO) {
                natTargets(t, r.chain(), out, depth + 1);
            }
        }
    }

    private Table tableOf(Match m) {
        for (Table t : tables()) {
            if (t != null && t.chains().stream().anyMatch(c -> c.rules().stream().anyMatch(r -> r.matches().contains(m)))) {
                return t;
            }
        }
        return null;
    }

    /** the iptables tables, then each native nft base chain's (a statistic match may be in either) */
    private List<Table> tables() {
        List<Table> all = new ArrayList<>(java.util.Arrays.asList(commands.ruleset().snapshot()));
        if (nft != null) {
            for (dev.hairpin.rules.nft.NftRuleset.BaseChain b : nft.chains) {
                all.addAll(java.util.Arrays.asList(b.rules().snapshot()));
            }
        }
        return all;
    }

    private static Chain chainOf(Table t, Rule rule) {
        return t.chains().stream().filter(c -> c.rules().contains(rule)).findFirst().orElseThrow();
    }

    /** how many statistic draws were adopted from the capture, [false, true] */
    public final int[] adoptedDraws = new int[2];

    private Rule ruleOf(Match m) {
        for (Table t : tables()) {
            if (t == null) {
                continue;
            }
            for (Chain c : t.chains()) {
                for (Rule r : c.rules()) {
                    for (Match x : r.matches()) {
                        if (x == m) {
                            return r;
                        }
                    }
                }
            }
        }
        return null;
    }

    /** the kernel's output frame of this packet: same IP id, protocol, length, and the side NAT of this kind keeps */
    private Scenario.Frame kernelCopy(Skb skb, boolean snat) {
        byte[] b = skb.buf;
        int proto = skb.protocol();
        boolean ports = proto == Ipv4.PROTO_TCP || proto == Ipv4.PROTO_UDP;
        Scenario.Frame only = null;
        for (Scenario.Frame e : pendingExpected) {
            byte[] p = e.ip();
            if (Ipv4.id(p, 0) != Ipv4.id(b, skb.l3) || Ipv4.protocol(p, 0) != proto || p.length != skb.len) {
                continue;
            }
            int l4 = Ipv4.ihlBytes(p, 0);
            boolean kept = snat ? Ipv4.daddr(p, 0) == skb.daddr() && (!ports || Ipv4.u16(p, l4 + 2) == Ipv4.u16(b, skb.l4 + 2))
                    : Ipv4.saddr(p, 0) == skb.saddr() && (!ports || Ipv4.u16(p, l4) == Ipv4.u16(b, skb.l4));
            if (kept) {
                return e;
            }
            only = only == null ? e : NONE;
        }
        // both sides rewritten (DNAT then MASQUERADE): the one frame this input caused, if unambiguous
        return only == NONE ? null : only;
    }

    private static final Scenario.Frame NONE = new Scenario.Frame(0, 0, "", new byte[0], null);

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
        // an answer NAT rewrites after its id is chosen (an error or echo reply RELATED to a
        // REDIRECT or DNAT entry leaves from the address the client used): same destination,
        // ICMP type, code and rest-of-header word
        for (Scenario.Frame e : pendingExpected) {
            byte[] p = e.ip();
            int pl4 = Ipv4.ihlBytes(p, 0);
            if (proto == Ipv4.PROTO_ICMP && Ipv4.protocol(p, 0) == proto && Ipv4.daddr(p, 0) == Ipv4.daddr(g, gen.l3)
                    && p.length >= pl4 + 8 && gen.l3 + gen.len >= gen.l4 + 8
                    && Ipv4.u16(p, pl4) == Ipv4.u16(g, gen.l4) && Ipv4.i32(p, pl4 + 4) == Ipv4.i32(g, gen.l4 + 4)) {
                return Ipv4.id(p, 0);
            }
        }
        return stack.random.nextInt(65536);
    }

    /** timestamp replies whose clock reading the capture showed [1] or did not [0] */
    public final int[] adoptedTimestamps = new int[2];

    /**
     * A timestamp reply's receive/transmit time: the kernel read its clock while answering, a
     * little after the request was captured, so its reading is taken from its reply (same id
     * and sequence, to the requester) when it lies between the request's capture time and the
     * reply's, milliseconds since midnight UT both.
     */
    private int adoptTimestamp(Skb req, int now) {
        byte[] b = req.buf;
        for (Scenario.Frame e : pendingExpected) {
            byte[] p = e.ip();
            int l4 = Ipv4.ihlBytes(p, 0);
            if (Ipv4.protocol(p, 0) != Ipv4.PROTO_ICMP || p.length < l4 + 20 || (p[l4] & 0xff) != 14
                    || Ipv4.daddr(p, 0) != req.saddr() || Ipv4.i32(p, l4 + 4) != Ipv4.i32(b, req.l4 + 4)) {
                continue;
            }
            int kernel = Ipv4.i32(p, l4 + 12);
            long sent = (long) Math.floor(e.epoch() * 1000) % 86_400_000L;
            if (kernel >= now && kernel <= sent) {
                adoptedTimestamps[1]++;
                if (kernel != now) {
                    notes.add("input " + current + ": adopted the kernel's ICMP timestamp " + kernel + " (" + (kernel - now)
                            + " ms after the request's capture)");
                }
                return kernel;
            }
        }
        adoptedTimestamps[0]++;
        return now;
    }

    /**
     * The kernel's version of a TCP segment or UDP datagram a NAT helper is rewriting (same
     * destination and ports among the kernel's frames for this input): its payload, or null.
     */
    private byte[] kernelPayload(Skb skb) {
        byte[] b = skb.buf;
        for (Scenario.Frame e : pendingExpected) {
            byte[] p = e.ip();
            int l4 = Ipv4.ihlBytes(p, 0);
            int proto = Ipv4.protocol(p, 0);
            if (proto != skb.protocol() || Ipv4.daddr(p, 0) != skb.daddr() || p.length < l4 + (proto == Ipv4.PROTO_TCP ? 20 : 8)
                    || Ipv4.i32(p, l4) != Ipv4.i32(b, skb.l4)) { // ports only: a TCP sequence number may be adjusted after
                continue;
            }
            int data = proto == Ipv4.PROTO_TCP ? l4 + (((p[l4 + 12] & 0xff) >>> 4) << 2) : l4 + 8;
            notes.add("input " + current + ": followed the kernel's rewritten helper segment for its random port");
            return java.util.Arrays.copyOfRange(p, Math.min(data, p.length), p.length);
        }
        return null;
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
