package dev.hairpin.pipeline;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtView;
import dev.hairpin.host.Host;
import dev.hairpin.host.NetDevice;
import dev.hairpin.host.Route;
import dev.hairpin.nat.Manip;
import dev.hairpin.nat.Nat;
import dev.hairpin.nat.NatRange;
import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.CtInfo;
import dev.hairpin.packet.Defrag;
import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.XtServices;
import dev.hairpin.trace.Tracer;
import java.util.random.RandomGenerator;

/**
 * The IPv4 packet path with its netfilter hooks (net/ipv4/ip_input.c, ip_forward.c,
 * ip_output.c; hook functions in the order of their priorities):
 *
 * <pre>
 *  receive ─► PREROUTING ─► route ─┬─► INPUT ─► local stack ─► (replies) ─┐
 *             raw -300             │   mangle -150, filter 0,             │
 *             conntrack -200       │   security 50, nat SRC 100, confirm  │
 *             mangle -150          │                                      ▼
 *             nat DST -100         └─► FORWARD ─► POSTROUTING ─► out   OUTPUT ─► re-route ─► POSTROUTING
 *                                      mangle, filter,  mangle -150,    raw, conntrack, mangle,
 *                                      security         nat SRC 100,    nat DST (+re-route), filter,
 *                                                       confirm         security
 * </pre>
 * One Stack is one network namespace. Not thread-safe (one worker owns it).
 */
public final class Stack implements XtServices {
    public final Host host;
    public final Conntrack conntrack;
    public final Nat nat;
    /** the FTP and TFTP helpers: expectations, payload rewriting, sequence adjustment */
    final CtHelpers helpers;
    public Tables tables = Tables.EMPTY;
    public Output output;
    public RandomGenerator random;
    public final LocalStack localStack;
    /** IP ids of packets the stack makes itself; a replay adopts the kernel's from the capture */
    public IpIdSource ipIds;
    /** random draws of -m statistic; a replay adopts the kernel's (null: the PRNG) */
    public RandomDraws randomDraws;
    /** the clock of ICMP timestamp replies; a replay adopts the kernel's reading (null: the wall clock) */
    public IcmpClock icmpClock;
    /** kernel log lines (LOG target, conntrack "table full") */
    public java.util.function.Consumer<String> kernelLog = s -> {};
    /** the host's ipsets by name, for -m set (null: no such set) */
    public java.util.function.Function<String, IpSetView> ipsets = n -> null;

    final XtParam par = new XtParam();
    /** the packet tracer; null when off, and then each call site costs one null check */
    Tracer trace;
    /** nf_defrag_ipv4's queues (IP_DEFRAG_CONNTRACK_IN / _OUT) */
    public final Defrag defrag = new Defrag();
    /** ip_finish_output2's neighbour resolution */
    final Neighbours neighbours = new Neighbours(this);
    static final int DEFRAG_IN = 1;
    static final int DEFRAG_OUT = 2;
    /** IP_DEFRAG_LOCAL_DELIVER: ip_local_deliver()'s own reassembly */
    static final int DEFRAG_LOCAL = 3;
    /**
     * established flows' routing decisions ({@link FlowCache}) and their fused path
     * ({@link FastPath}); off: every packet goes the full way (the reference)
     */
    public boolean flowCache = true;
    final FlowCache flows = new FlowCache();
    final FastPath fast = new FastPath(this);
    /** the input route: ip_route_input and fib_validate_source */
    final RouteInput routing = new RouteInput(this);
    /** the host's own ICMP errors and their rate limits */
    final IcmpErrors icmp = new IcmpErrors(this);

    public Stack(Host host, Conntrack conntrack, RandomGenerator random) {
        this.host = host;
        this.conntrack = conntrack;
        this.random = random;
        this.nat = new Nat(conntrack, random);
        this.helpers = new CtHelpers(conntrack, nat);
        this.localStack = new LocalStack(this);
        this.ipIds = (skb) -> random.nextInt(65536);
        par.services = this;
        conntrack.kernelLog = s -> kernelLog.accept(s);
        defrag.onExpire = this::fragmentsExpired;
    }

    /**
     * With several workers ({@link Workers}): takes a datagram another worker owns before this
     * one's hooks see it. Asked only where a new entry could be made: after FastPath's lookup
     * missed, and on the full path (a packet FastPath does not take, or a datagram just
     * reassembled). Null with one worker.
     */
    public Steering steering;

    /** see {@link #steering} */
    public interface Steering {
        /** true when the datagram went to another worker (this one forgets it) */
        boolean steal(Skb skb);
    }

    /**
     * ip_rcv() from nf_defrag_ipv4 on, for a datagram another worker reassembled (skb's
     * {@code fragMaxSize} and {@code fragList} set, as {@code gatherFrags} leaves them): the
     * hooks from raw on, as if this worker had reassembled it.
     */
    public void receiveReassembled(Skb skb) {
        if (trace != null) {
            trace.begin(skb);
        }
        int maxSize = skb.fragMaxSize;
        int[] frags = skb.fragList;
        skb.ipRcv(); // all of ip_rcv's settings but the reassembly's own
        skb.fragMaxSize = maxSize;
        skb.fragList = frags;
        fromPreRouting(skb);
    }

    /** PREROUTING from raw on, then the input route: an ip_rcv()'d datagram's way on */
    private void fromPreRouting(Skb skb) {
        readSkips();
        int v = preRouting(skb);
        if (v != Verdict.NF_ACCEPT) {
            finish(skb, v, "PREROUTING");
            return;
        }
        routing.route(skb);
    }

    /** The simulated clock moved to {@code now}: conntrack timers, then fragment queues (ip_expire). */
    public void advance(long now) {
        conntrack.advance(now);
        defrag.expire(now);
        neighbours.expire(now);
    }

    /**
     * The host's neighbour table is known (a snapshot's {@code ip neigh}): a next hop missing
     * from it is resolved by ARP, which fails after its probes ({@link Neighbours}).
     */
    public void neighboursKnown(boolean on) {
        neighbours.enabled = on;
    }

    /** Only the neighbour timers to {@code now} (a replay's end: nothing else is due then). */
    public void expireNeighbours(long now) {
        neighbours.expire(now);
    }

    /** An ARP packet came in on {@code dev} (op 1 request, 2 reply): see {@link Neighbours#arpInput}. */
    public void arpInput(NetDevice dev, int op, int sender, byte[] senderMac, int target) {
        neighbours.arpInput(dev, op, sender, senderMac, target);
    }

    /** Turns packet tracing on ({@code t}) or off (null). */
    public void trace(Tracer t) {
        trace = t;
        par.trace = t;
        if (t != null) {
            t.attach(host);
        }
    }

    /** Chooses the IP id of a packet the stack generated. */
    public interface IpIdSource {
        int ipId(Skb generated);
    }

    /**
     * inet_current_timestamp() for a timestamp reply to {@code request}: {@code now} is the wall
     * clock's reading when it arrived; the kernel read its clock a little later.
     */
    public interface IcmpClock {
        int timestamp(Skb request, int now);
    }

    /**
     * The payload the kernel sent for a segment or datagram a NAT helper rewrote after a random
     * port search (nf_nat_exp_find_port), to read the port it chose; null when there is none.
     */
    public interface HelperRewrites {
        byte[] kernelPayload(Skb rewritten);
    }

    /** a replay's view of the kernel's helper rewrites (null: the PRNG's ports) */
    public void helperRewrites(HelperRewrites r) {
        helpers.rewrites = r;
    }

    /** Decides a random draw instead of the PRNG: 1 true, 0 false, -1 no opinion. */
    public interface RandomDraws {
        int draw(dev.hairpin.rules.Match by, Skb skb, int probability);
    }

    // ================================================================= input

    /**
     * Below this many confirmed entries the table sits in the caches and a batch's touch pass
     * ({@link #receive(Skb[], int)}) would only cost instructions.
     */
    static final int TOUCH_MIN_ENTRIES = 1 << 15;
    /** keeps the touch pass's loads alive */
    private int touched;

    /**
     * A batch of datagrams, as a NIC ring hands them over (netif_receive_skb_list): when the
     * table is larger than the caches, every packet's conntrack slot is read first so the cache
     * misses of the batch overlap, then each packet goes its way in order, exactly as
     * {@link #receive(Skb)} one at a time.
     */
    public void receive(Skb[] skbs, int n) {
        if (conntrack.table.confirmedCount() >= TOUCH_MIN_ENTRIES) {
            // every index slot first, then (slots now cached) every entry, so each pass's misses
            // are independent of one another and overlap
            int x = 0;
            for (int k = 0; k < n; k += Conntrack.PREFETCH_BATCH) {
                x += conntrack.prefetch(skbs, k, Math.min(Conntrack.PREFETCH_BATCH, n - k));
            }
            touched += x;
        }
        for (int k = 0; k < n; k++) {
            receive(skbs[k]);
        }
    }

    /** ip_rcv(): a datagram arrived on {@code skb.in}. */
    public void receive(Skb skb) {
        if (skb.in != null && !skb.in.up) {
            return; // a device set down receives nothing (nothing here ever sees the frame)
        }
        if (trace != null) {
            trace.begin(skb);
        } else if (flowCache) {
            long misses = conntrack.missesNoted();
            if (fast.receive(skb)) {
                return;
            }
            if (conntrack.missesNoted() != misses) {
                firstPacket(skb);
                return;
            }
        }
        byte[] b = skb.buf;
        int avail = skb.len;
        if (avail < Ipv4.MIN_HEADER || Ipv4.version(b, skb.l3) != 4) {
            dropped(skb, "ip_rcv: not an IPv4 header");
            return;
        }
        int ihl = Ipv4.ihlBytes(b, skb.l3);
        int tot = Ipv4.totLen(b, skb.l3);
        if (ihl < Ipv4.MIN_HEADER || avail < ihl || tot < ihl || tot > avail) {
            dropped(skb, "ip_rcv: bad header length");
            return;
        }
        if (!Checksum.ipv4HeaderValid(b, skb.l3)) {
            dropped(skb, "ip_rcv: bad header checksum");
            return;
        }
        skb.len = tot; // trim link-layer padding
        skb.l4 = skb.l3 + ihl;
        skb.ipRcv();
        if (Ipv4.isFragment(b, skb.l3) && tables.defragNeeded() && !gatherFrags(skb, DEFRAG_IN)) {
            return;
        }
        if (steering != null && steering.steal(skb)) {
            return;
        }
        fromPreRouting(skb);
    }

    /**
     * ip_rcv() of a datagram FastPath declined at its conntrack lookup (a new flow's first
     * packet, usually): it noted the miss only after checking everything ip_rcv_core checks here
     * (IHL 5, total length within the data, header checksum) and that it is no fragment, on the
     * untouched skb, so only ip_rcv's settings remain. FirstPacketCachesTest holds FastPath to
     * that order (a bad header or a fragment of a new flow still goes ip_rcv's way).
     */
    private void firstPacket(Skb skb) {
        if (steering != null && steering.steal(skb)) {
            return;
        }
        skb.len = Ipv4.totLen(skb.buf, skb.l3); // trim link-layer padding
        skb.l4 = skb.l3 + Ipv4.MIN_HEADER;
        skb.ipRcv();
        readSkips();
        int hook = Hooks.PRE_ROUTING;
        int skip = skipMask(hook);
        int v;
        if ((skip & 1 << Tables.RAW) != 0) {
            // raw has no rule (FastPath looked only then): conntrack takes the tuple FastPath noted
            setHook(skb, hook, skb.in, null, false); // FastPath noted no fragment's miss
            // conntrackNeeded() as the mask has it (FastPath noted the miss only with conntrack on)
            v = (skip & 1 << Tables.CONNTRACK) == 0 ? conntrack.inNoted(skb, hook) : Verdict.NF_ACCEPT;
            if (v == Verdict.NF_ACCEPT) {
                v = preRoutingAfterConntrack(skb, skip);
            }
        } else {
            v = preRouting(skb);
        }
        if (v != Verdict.NF_ACCEPT) {
            finish(skb, v, "PREROUTING");
            return;
        }
        routing.route(skb);
    }

    private int preRouting(Skb skb) {
        int hook = Hooks.PRE_ROUTING;
        setHook(skb, hook, skb.in, null);
        int skip = skipMask(hook);
        int v = run(Tables.RAW, hook, skb, skip);
        if (v != Verdict.NF_ACCEPT) {
            return v;
        }
        v = conntrackIn(skb, hook);
        if (v != Verdict.NF_ACCEPT) {
            return v;
        }
        return preRoutingAfterConntrack(skb, skip);
    }

    /**
     * nf_conntrack_in() at {@code hook}, when conntrack's hooks are registered at all: they are
     * only while some rule holds a reference (nf_ct_netns_get(); recorded: a ruleset of counting
     * rules tracks nothing, and its nat PREROUTING rule counts no packet).
     */
    private int conntrackIn(Skb skb, int hook) {
        if (!tables.conntrackNeeded()) {
            return Verdict.NF_ACCEPT;
        }
        int v = conntrack.in(skb, hook);
        if (trace != null) {
            trace.conntrack(skb, hook, v);
        }
        return v;
    }

    /** PREROUTING's hooks after conntrack's: mangle, then NAT's destination manip */
    private int preRoutingAfterConntrack(Skb skb, int skip) {
        int v = run(Tables.MANGLE, Hooks.PRE_ROUTING, skb, skip);
        if (v != Verdict.NF_ACCEPT) {
            return v;
        }
        return natHook(skb, Hooks.PRE_ROUTING);
    }

    /** the full way on from conntrack's PREROUTING verdict {@code v} (the fast path's way back) */
    void resumeAfterConntrack(Skb skb, int v) {
        readSkips();
        setHook(skb, Hooks.PRE_ROUTING, skb.in, null);
        if (v == Verdict.NF_ACCEPT) {
            v = preRoutingAfterConntrack(skb, skipMask(Hooks.PRE_ROUTING));
        }
        if (v != Verdict.NF_ACCEPT) {
            finish(skb, v, "PREROUTING");
            return;
        }
        routing.route(skb);
    }

    // ================================================================= local delivery

    void localDeliver(Skb skb) {
        if (trace != null) {
            trace.route(skb, "local");
        }
        // ip_local_deliver(): a fragment nf_defrag did not take (no rule needs it; recorded:
        // fragments-no-conntrack) is reassembled before LOCAL_IN
        if (Ipv4.isFragment(skb.buf, skb.l3) && !gatherFrags(skb, DEFRAG_LOCAL)) {
            return;
        }
        if (skb.l4 - skb.l3 > Ipv4.MIN_HEADER && !skb.local && !rcvOptions(skb, skb.daddr())) {
            return;
        }
        int hook = Hooks.LOCAL_IN;
        setHook(skb, hook, skb.in, null);
        int v = tables.run(Tables.MANGLE, hook, skb, par);
        if (v == Verdict.NF_ACCEPT) {
            v = tables.run(Tables.FILTER, hook, skb, par);
        }
        if (v == Verdict.NF_ACCEPT) {
            v = tables.run(Tables.SECURITY, hook, skb, par);
        }
        if (v == Verdict.NF_ACCEPT) {
            v = natHook(skb, hook);
        }
        if (v == Verdict.NF_ACCEPT) {
            v = confirm(skb, skb.in);
        }
        if (v != Verdict.NF_ACCEPT) {
            finish(skb, v, "INPUT");
            return;
        }
        if (trace != null) {
            trace.deliver(skb);
        }
        if (output != null) {
            output.deliver(skb);
        }
        localStack.deliver(skb);
        conntrack.put(skb);
    }

    /**
     * ip_rcv_options() after the route lookup: compiles the options ({@link IpOptions#compile});
     * a malformed one gets a parameter problem pointing at it and the datagram is dropped, as is
     * a source-routed one unless accept_source_route (all and device) allows it.
     */
    private boolean rcvOptions(Skb skb, int specDst) {
        int opt = IpOptions.compile(skb.buf, skb.l3, specDst, this::unicastAddr, wallNanos());
        if ((opt & IpOptions.ERROR) != 0) {
            skb.ipOpt = 0;
            icmpSend(skb, 12, 0, (opt & 0xff) << 24);
            dropped(skb, "ip_rcv_options: bad option (parameter problem)");
            return false;
        }
        skb.ipOpt = opt;
        if ((opt & IpOptions.SRR) != 0 && !host.sysctls.acceptSourceRoute(skb.in)) {
            dropped(skb, "ip_rcv_options: source route (accept_source_route 0)");
            return false;
        }
        return true;
    }

    /** inet_addr_type() == RTN_UNICAST: neither ours nor broadcast nor multicast */
    private boolean unicastAddr(int addr) {
        return addr != 0 && addr != -1 && !isMulticast(addr) && !host.fib.isLocal(addr);
    }

    /**
     * fib_compute_spec_dst(): the address a reply to {@code skb} comes from: the one it was sent
     * to when that is ours (unicast to us), else our preferred source towards its sender (a
     * forwarded datagram's, or one sent to a broadcast or multicast address)
     */
    int specDst(Skb skb) {
        return skb.rtType == Route.RTN_LOCAL ? skb.daddr() : forwardSpecDst(skb);
    }

    /** fib_compute_spec_dst() for a datagram not addressed to us: our preferred source towards its sender */
    private int forwardSpecDst(Skb skb) {
        int saddr = skb.saddr();
        Route r = saddr != 0 ? host.fib.lookup(saddr) : null;
        if (r != null && r.prefsrc() != 0) {
            return r.prefsrc();
        }
        NetDevice dev = r != null && r.dev() != null ? r.dev() : skb.in;
        return host.selectAddr(dev, r != null && r.gateway() != 0 ? r.gateway() : saddr,
                saddr != 0 ? Route.SCOPE_UNIVERSE : Route.SCOPE_LINK);
    }

    /** ip_options_echo() of a received datagram's compiled options into {@code into}: 0 none, -1 no answer */
    int echoOptions(Skb orig, byte[] into) {
        if (orig.ipOpt == 0 || orig.l4 - orig.l3 <= Ipv4.MIN_HEADER) {
            return 0;
        }
        return IpOptions.echo(orig.buf, orig.l3, orig.ipOpt, into, this::unicastAddr);
    }

    // ================================================================= forwarding

    /** ip_forward(): TTL, MTU, FORWARD, then {@link #postRouting} */
    void forward(Skb skb) {
        readSkips();
        forwardIn(skb);
    }

    /** {@link #forward} within a packet's way (the skip masks read) */
    void forwardIn(Skb skb) {
        if (trace != null) {
            trace.route(skb, "forward");
        }
        byte[] b = skb.buf;
        if (skb.l4 - skb.l3 > Ipv4.MIN_HEADER && !rcvOptions(skb, forwardSpecDst(skb))) {
            return;
        }
        if (Ipv4.ttl(b, skb.l3) <= 1) {
            icmpSend(skb, 11, 0, 0);
            dropped(skb, "ip_forward: TTL exceeded");
            return;
        }
        int mtu = skb.mtu(); // ip_dst_mtu_maybe_forward(): the route's mtu metric, else the device's
        if (exceedsMtu(skb, mtu)) {
            icmpSend(skb, 3, 4, mtu);
            dropped(skb, "ip_forward: fragmentation needed");
            return;
        }
        Ipv4.decreaseTtl(b, skb.l3);
        if (skb.out == skb.in && (skb.ipOpt & IpOptions.SRR) == 0 && host.sysctls.sendRedirects(skb.in)
                && routing.sourceOnLink(skb.in, skb.saddr())) {
            icmp.sendRedirect(skb); // IPSKB_DOREDIRECT: out the device it came in on, from an on-link source
        }
        int hook = Hooks.FORWARD;
        setHook(skb, hook, skb.in, skb.out);
        int skip = skipMask(hook);
        int v = run(Tables.MANGLE, hook, skb, skip);
        if (v == Verdict.NF_ACCEPT) {
            v = run(Tables.FILTER, hook, skb, skip);
        }
        if (v == Verdict.NF_ACCEPT) {
            v = run(Tables.SECURITY, hook, skb, skip);
        }
        if (v != Verdict.NF_ACCEPT) {
            finish(skb, v, "FORWARD");
            return;
        }
        if (skb.ipOpt != 0 && skb.l4 - skb.l3 > Ipv4.MIN_HEADER) {
            // ip_forward_finish() -> ip_forward_options(): the reserved slots get our outgoing address
            Route r = host.fib.lookup(skb.daddr());
            int src = r != null && r.prefsrc() != 0 ? r.prefsrc()
                    : host.selectAddr(skb.out, skb.nexthop, Route.SCOPE_UNIVERSE);
            IpOptions.forward(b, skb.l3, skb.ipOpt, src);
        }
        postRoutingIn(skb);
    }

    /**
     * nf_confirm(): a connection helper (FTP, TFTP) and its sequence adjustment, on the way out of
     * POSTROUTING or INPUT after NAT, then the confirmation ({@code dev}: skb->dev, the
     * device out or in; no adjustment for a packet on loopback).
     */
    private int confirm(Skb skb, NetDevice dev) {
        if (conntrack.table.ext.used && skb.ct >= 0) {
            int v = helpers.help(skb, dev != null && dev.isLoopback());
            if (v != Verdict.NF_ACCEPT) {
                return v;
            }
        }
        return conntrack.confirm(skb);
    }

    /** ip_output(): POSTROUTING, then out on skb.out (or back in through lo). */
    void postRouting(Skb skb) {
        readSkips();
        postRoutingIn(skb);
    }

    /** {@link #postRouting} within a packet's way (the skip masks read) */
    private void postRoutingIn(Skb skb) {
        int hook = Hooks.POST_ROUTING;
        setHook(skb, hook, null, skb.out);
        int v = run(Tables.MANGLE, hook, skb, skipMask(hook));
        if (v == Verdict.NF_ACCEPT) {
            v = natHook(skb, hook);
        }
        if (v == Verdict.NF_ACCEPT) {
            v = confirm(skb, skb.out);
        }
        if (v != Verdict.NF_ACCEPT) {
            finish(skb, v, "POSTROUTING");
            return;
        }
        NetDevice out = skb.out;
        if (out.isLoopback()) {
            // loopback_xmit: the packet comes back in on lo, keeping its conntrack entry
            skb.in = out;
            skb.out = null;
            int pv = preRouting(skb);
            if (pv != Verdict.NF_ACCEPT) {
                finish(skb, pv, "PREROUTING");
                return;
            }
            skb.rtType = Route.RTN_LOCAL;
            localDeliver(skb);
            return;
        }
        int mtu = skb.mtu(); // ip_skb_dst_mtu()
        if (skb.len > mtu || skb.fragMaxSize != 0) {
            if (trace != null) {
                trace.transmit(skb, out);
            }
            Fragmenter.fragment(this, skb, out, mtu); // ip_fragment()
        } else if (neighbours.output(skb, out, skb.nexthop)) {
            if (trace != null) {
                trace.transmit(skb, out);
            }
            if (output != null) {
                output.transmit(skb, out, skb.nexthop);
            }
        } else if (trace != null) {
            trace.awaitingNeighbour(skb, out);
        }
        conntrack.put(skb);
    }

    /** ip_exceeds_mtu(): a reassembled datagram is judged by its largest fragment */
    private static boolean exceedsMtu(Skb skb, int mtu) {
        if (skb.len <= mtu || (Ipv4.fragOff(skb.buf, skb.l3) & Ipv4.IP_DF) == 0) {
            return false;
        }
        return skb.fragMaxSize == 0 || skb.fragMaxSize > mtu; // reassembled: ignore_df
    }

    // ================================================================= fragments

    /**
     * nf_defrag_ipv4 (hook priority -400, before raw): a fragment is held until its datagram is
     * complete (NF_STOLEN, false); the reassembled datagram then goes on in its place.
     */
    private boolean gatherFrags(Skb skb, int user) {
        defrag.setLimits(host.sysctls.getLong("net.ipv4.ipfrag_time", 30) * 1_000_000_000L,
                host.sysctls.getLong("net.ipv4.ipfrag_high_thresh", Defrag.DEFAULT_HIGH_THRESH));
        byte[] d = defrag.offer(skb.buf, skb.l3, skb.len, user, skb.in == null ? 0 : skb.in.ifindex, conntrack.now());
        if (d == null) {
            if (defrag.outcome() != Defrag.Outcome.QUEUED) {
                dropped(skb, "nf_defrag: " + defrag.outcome().name().toLowerCase(java.util.Locale.ROOT));
            } else if (trace != null) {
                trace.queued(skb);
            }
            return false;
        }
        skb.buf = d;
        skb.l3 = 0;
        skb.len = d.length;
        skb.l4 = Ipv4.ihlBytes(d, 0);
        skb.fragMaxSize = defrag.maxSize();
        skb.fragList = defrag.fragLengths();
        return true;
    }

    /**
     * ip_expire(): a queue timed out. Only an end host answers (RFC 792): for conntrack's
     * queues the error goes out only when the datagram was for this host, and only when its
     * first fragment had come (ICMP time exceeded, fragment reassembly).
     */
    private void fragmentsExpired(byte[] head, int user, int ifindex) {
        Route r = host.fib.lookup(Ipv4.daddr(head, 0));
        if (r == null || r.type() != Route.RTN_LOCAL) {
            return;
        }
        Skb h = new Skb(head, 0, head.length);
        h.in = host.device(ifindex);
        h.rtType = Route.RTN_LOCAL;
        icmpSend(h, 11, 1, 0);
    }

    // ================================================================= local output

    /**
     * ip_local_out(): a packet the host itself sends; {@code routed} is the device its socket's
     * route chose (null: route it here by destination).
     */
    public void localOut(Skb skb, NetDevice routed, int nexthop) {
        localOut(skb, routed, nexthop, false);
    }

    /**
     * ip_local_out() of a packet the stack itself routed with {@code r} (its reply or error):
     * the route's device, next hop and mtu metric, with no second lookup
     */
    void localOut(Skb skb, Route r) {
        boolean local = r.type() == Route.RTN_LOCAL;
        skb.rtMtu = local ? 0 : r.mtu();
        localOut(skb, local ? host.loopback() : r.dev(), r.gateway() != 0 ? r.gateway() : skb.daddr(), true);
    }

    private void localOut(Skb skb, NetDevice routed, int nexthop, boolean mtuKnown) {
        if (trace != null) {
            trace.begin(skb);
        }
        byte[] b = skb.buf;
        skb.l4 = skb.l3 + Ipv4.ihlBytes(b, skb.l3);
        skb.local = true;
        if (Ipv4.isFragment(b, skb.l3) && tables.defragNeeded() && !gatherFrags(skb, DEFRAG_OUT)) {
            return;
        }
        if (routed == null) {
            Route r = host.fib.lookup(skb.daddr(), skb.saddr(), skb.mark, null);
            if (r == null) {
                dropped(skb, "ip_local_out: no route");
                return;
            }
            routed = r.type() == Route.RTN_LOCAL ? host.loopback() : r.dev();
            nexthop = r.gateway() != 0 ? r.gateway() : skb.daddr();
            skb.rtMtu = r.type() == Route.RTN_LOCAL ? 0 : r.mtu();
        } else if (!mtuKnown) {
            // the socket's route, chosen by the caller: its mtu metric, where the FIB agrees on the device
            Route r = host.fib.lookup(skb.daddr(), skb.saddr(), skb.mark, null);
            boolean same = r != null && r.type() == Route.RTN_UNICAST && r.dev() == routed;
            skb.rtMtu = same ? r.mtu() : 0;
            if (nexthop == 0 && same && r.gateway() != 0) {
                nexthop = r.gateway(); // rt_nexthop(): the neighbour asked for is the route's gateway
            }
        }
        skb.out = routed;
        skb.nexthop = nexthop != 0 ? nexthop : skb.daddr();
        int hook = Hooks.LOCAL_OUT;
        setHook(skb, hook, null, skb.out);
        int daddr = skb.daddr();
        int mark = skb.mark;
        int v = tables.run(Tables.RAW, hook, skb, par);
        if (v == Verdict.NF_ACCEPT) {
            v = conntrackIn(skb, hook);
        }
        if (v == Verdict.NF_ACCEPT) {
            v = tables.run(Tables.MANGLE, hook, skb, par);
            if (v == Verdict.NF_ACCEPT && (skb.mark != mark || skb.daddr() != daddr)) {
                v = rerouteLocal(skb);
            }
        }
        if (v == Verdict.NF_ACCEPT) {
            v = natHook(skb, hook);
            if (v == Verdict.NF_ACCEPT && skb.ct >= 0) {
                int dir = CtInfo.dir(skb.ctinfo);
                CtView t = conntrack.table;
                if (t.dst(skb.ct, dir) != t.src(skb.ct, 1 - dir)) {
                    v = rerouteLocal(skb); // nf_nat_ipv4_local_fn: DNATed → ip_route_me_harder
                }
            }
        }
        if (v == Verdict.NF_ACCEPT) {
            setHook(skb, hook, null, skb.out);
            v = tables.run(Tables.FILTER, hook, skb, par);
        }
        if (v == Verdict.NF_ACCEPT) {
            v = tables.run(Tables.SECURITY, hook, skb, par);
        }
        if (v != Verdict.NF_ACCEPT) {
            finish(skb, v, "OUTPUT");
            return;
        }
        postRouting(skb); // reads the skip masks: this may be a packet within another's way
    }

    /** ip_route_me_harder(): route again by the (new) destination, keeping the source. */
    private int rerouteLocal(Skb skb) {
        int saddr = skb.saddr();
        int daddr = skb.daddr();
        Route r = host.fib.lookup(daddr, saddr, skb.mark, null);
        if (r == null) {
            return Verdict.NF_DROP;
        }
        NetDevice dev = r.type() == Route.RTN_LOCAL ? host.loopback() : r.dev();
        if (saddr != 0 && host.deviceOf(saddr) == null && host.fib.lookupLocal(saddr) == null) {
            return Verdict.NF_DROP; // source is not ours: EINVAL
        }
        if (isLoopback(saddr) && !dev.isLoopback() && !host.sysctls.routeLocalnet(dev)) {
            return Verdict.NF_DROP; // EINVAL: 127/8 source out of a real device
        }
        skb.out = dev;
        skb.nexthop = r.gateway() != 0 ? r.gateway() : daddr;
        skb.rtMtu = r.type() == Route.RTN_LOCAL ? 0 : r.mtu();
        return Verdict.NF_ACCEPT;
    }

    // ================================================================= NAT hook functions

    private int natHook(Skb skb, int hook) {
        // kept under the JIT's 35-byte inlining limit: the traced variant is its own method
        return trace == null ? natFn(skb, hook) : tracedNat(skb, hook);
    }

    private int tracedNat(Skb skb, int hook) {
        trace.natBefore(skb, hook);
        int v = natFn(skb, hook);
        trace.natAfter(skb, hook, v);
        return v;
    }

    /** nf_nat_ipv4_fn() / nf_nat_inet_fn() for the hook's manip type. */
    private int natFn(Skb skb, int hook) {
        int ct = skb.ct;
        if (ct < 0) {
            return Verdict.NF_ACCEPT;
        }
        int ctinfo = skb.ctinfo;
        if ((ctinfo == CtInfo.RELATED || ctinfo == CtInfo.RELATED_REPLY) && skb.protocol() == Ipv4.PROTO_ICMP) {
            return nat.icmpReplyTranslation(skb, hook) ? Verdict.NF_ACCEPT : Verdict.NF_DROP;
        }
        int manip = Manip.ofHook(hook);
        // the status word, read again only after something that may have bound the entry
        int st = conntrack.status(ct);
        if (ctinfo == CtInfo.NEW || ctinfo == CtInfo.RELATED || ctinfo == CtInfo.RELATED_REPLY) {
            if (!Nat.initialized(st, manip)) {
                int v = tables.run(Tables.NAT, hook, skb, par);
                if (v != Verdict.NF_ACCEPT) {
                    return v;
                }
                st = conntrack.status(ct);
                if (!Nat.initialized(st, manip)) {
                    v = nat.allocNullBinding(ct, hook, st);
                    if (v != Verdict.NF_ACCEPT) {
                        return v;
                    }
                    st = conntrack.status(ct);
                }
            } else if (oifChanged(skb, hook)) {
                conntrack.killAcct(ct, ctinfo, skb);
                return Verdict.NF_DROP;
            }
        } else if (oifChanged(skb, hook)) {
            conntrack.killAcct(ct, ctinfo, skb);
            return Verdict.NF_DROP;
        }
        return nat.natPacket(skb, hook, st);
    }

    /** nf_nat_oif_changed(): a masqueraded flow now leaving by another device */
    private boolean oifChanged(Skb skb, int hook) {
        int masq = conntrack.table.masqIndex(skb.ct);
        return masq != 0 && hook == Hooks.POST_ROUTING && CtInfo.dir(skb.ctinfo) == 0 && skb.out != null
                && masq != skb.out.ifindex;
    }

    /** 224.0.0.1, the all-systems group every multicast-capable device joins */

    // ================================================================= XtServices

    /** xt_socket: the connected socket of the packet (its mark is 0 here), else none; a listener bound to 0.0.0.0 only with --nowildcard */
    @Override
    public long socketLookup(Skb skb, int flags) {
        int proto = skb.protocol();
        if ((proto != Ipv4.PROTO_TCP && proto != Ipv4.PROTO_UDP) || skb.l3 + skb.len - skb.l4 < 4) {
            return -1;
        }
        return connectedSocket(skb, proto)
                || (flags & 2) != 0 && host.isListening(proto, Ipv4.u16(skb.buf, skb.l4 + 2)) ? 0 : -1;
    }

    @Override
    public boolean tproxySocket(Skb skb, int lport) {
        int proto = skb.protocol();
        return connectedSocket(skb, proto) || host.isListening(proto, lport);
    }

    /** a connected socket of the host's owns the packet's flow */
    private boolean connectedSocket(Skb skb, int proto) {
        byte[] b = skb.buf;
        return host.sockets.owns(proto, skb.saddr(), Ipv4.u16(b, skb.l4), skb.daddr(), Ipv4.u16(b, skb.l4 + 2));
    }

    @Override
    public boolean connTuple(Skb skb, long[] out) {
        if (skb.ct >= 0) {
            out[0] = conntrack.table.k1(skb.ct, 0);
            out[1] = conntrack.table.k2(skb.ct, 0);
            return true;
        }
        return conntrack.tupleOf(skb, out);
    }

    @Override
    public boolean connConfirmed(Skb skb, long k1, long k2) {
        if (skb.ct >= 0) {
            return conntrack.isConfirmed(skb.ct);
        }
        return conntrack.findLive(k1, k2) >= 0; // in the table: confirmed
    }

    @Override
    public void assignHelper(Skb skb, int helper, int l4proto) {
        int ct = skb.ct;
        if (ct < 0 || conntrack.isConfirmed(ct) || conntrack.table.protocol(ct) != l4proto
                || (conntrack.status(ct) & dev.hairpin.conntrack.CtStatus.HELPER) != 0) {
            return;
        }
        conntrack.addHelper(ct, helper);
    }

    @Override
    public boolean connExists(long k1, long k2) {
        return conntrack.findLive(k1, k2) >= 0;
    }

    @Override
    public boolean connOpen(long k1, long k2) {
        int node = conntrack.findLive(k1, k2);
        if (node < 0) {
            return false;
        }
        int ct = node >>> 1;
        if (conntrack.table.protocol(ct) != Ipv4.PROTO_TCP) {
            return true;
        }
        int st = conntrack.table.l4state(ct);
        return st != dev.hairpin.conntrack.TcpState.TIME_WAIT && st != dev.hairpin.conntrack.TcpState.CLOSE;
    }

    @Override
    public long nowNanos() {
        return conntrack.now();
    }

    /** what the wall clock reads when the conntrack clock reads 0 (a replay's clock starts elsewhere) */
    public long wallOffsetNs;

    @Override
    public long wallNanos() {
        return conntrack.now() + wallOffsetNs;
    }

    @Override
    public IpSetView ipset(String name) {
        return ipsets.apply(name);
    }

    @Override
    public int random32() {
        return random.nextInt();
    }

    @Override
    public boolean randomDraw(dev.hairpin.rules.Match by, Skb skb, int probability) {
        int d = randomDraws == null ? -1 : randomDraws.draw(by, skb, probability);
        return d < 0 ? XtServices.super.randomDraw(by, skb, probability) : d == 1;
    }

    @Override
    public CtView conntrack() {
        return conntrack.table;
    }

    @Override
    public int natSetup(Skb skb, NatRange range, int manip) {
        if (skb.ct < 0) {
            return Verdict.NF_ACCEPT;
        }
        return nat.setupInfo(skb.ct, range, manip);
    }

    @Override
    public int masquerade(Skb skb, NatRange range) {
        int ct = skb.ct;
        if (ct < 0 || conntrack.table.src(ct, 0) == 0) {
            return Verdict.NF_ACCEPT;
        }
        int newsrc = host.selectAddrCached(skb.out, skb.nexthop, Route.SCOPE_UNIVERSE);
        if (newsrc == 0) {
            kernelLog.accept(skb.out.name + " ate my IP address");
            return Verdict.NF_DROP;
        }
        conntrack.table.setMasqIndex(ct, skb.out.ifindex);
        return nat.setupInfo(ct, range.flags() | NatRange.MAP_IPS, newsrc, newsrc, range.minProto(), range.maxProto(),
                range.baseProto(), Manip.SRC);
    }

    @Override
    public int redirect(Skb skb, NatRange range) {
        int ct = skb.ct;
        if (ct < 0) {
            return Verdict.NF_ACCEPT;
        }
        int newdst;
        if (skb.hook == Hooks.LOCAL_OUT) {
            newdst = 0x7f000001;
        } else {
            newdst = skb.in == null ? 0 : skb.in.primaryAddr();
            if (newdst == 0) {
                return Verdict.NF_DROP;
            }
        }
        return nat.setupInfo(ct, range.flags() | NatRange.MAP_IPS, newdst, newdst, range.minProto(), range.maxProto(),
                range.baseProto(), Manip.DST);
    }

    @Override
    public void reject(Skb skb, boolean tcpReset, int icmpCode) {
        if (tcpReset) {
            localStack.sendReset(skb, true);
        } else {
            if ((Ipv4.fragOff(skb.buf, skb.l3) & Ipv4.IP_OFFSET) != 0) {
                return;
            }
            icmpSend(skb, 3, icmpCode, 0);
        }
    }

    /**
     * rpfilter_mt()'s reverse lookup (xt_rpfilter.c): the route from iif lo to the packet's
     * source, with its destination as source (none when that is multicast, broadcast or zero) and
     * the mark with --validmark; a failed lookup (no route, blackhole, unreachable, prohibit)
     * never matches; a local route only with --accept-local; then the route must leave through
     * the input device, unless --loose.
     */
    @Override
    public boolean rpfilterLookup(Skb skb, int flags) {
        int daddr = skb.daddr();
        int fsaddr = isMulticast(daddr) || daddr == -1 || isZeronet(daddr) ? 0 : daddr;
        Route r = host.fib.lookup(skb.saddr(), fsaddr, (flags & 2) != 0 ? skb.mark : 0, null);
        if (r == null || RouteInput.routeError(r) != 0) {
            return false;
        }
        if (r.type() != Route.RTN_UNICAST && (r.type() != Route.RTN_LOCAL || (flags & 4) == 0)) {
            return false;
        }
        return (flags & 1) != 0 || r.usesDev(skb.in);
    }

    /** nf_skb_duplicated: a clone on its way through the hooks makes no clone of its own */
    private boolean duplicating;

    /**
     * nf_dup_ipv4() (TEE): a copy of the packet as it is now, untracked, DF set, TTL one less
     * when cloned in PREROUTING or INPUT, routed to {@code gateway} (the next hop itself:
     * FLOWI_FLAG_KNOWN_NH; with {@code oif}, out that device, assumed on link when no route
     * uses it), through OUTPUT and POSTROUTING (ip_local_out) before the original goes on.
     */
    @Override
    public int routeMtu(int daddr) {
        Route r = host.fib.lookup(daddr, 0, 0, null);
        if (r == null || RouteInput.routeError(r) != 0) {
            return -1;
        }
        return r.type() == Route.RTN_LOCAL ? host.loopback().mtu : r.pathMtu();
    }

    @Override
    public void dup(Skb skb, int hook, int gateway, String oif) {
        if (duplicating) {
            return;
        }
        NetDevice want = oif == null ? null : host.device(oif);
        Route r = host.fib.lookup(gateway, 0, skb.mark, null);
        NetDevice dev;
        if (want != null) {
            dev = want;
        } else if (r == null || RouteInput.routeError(r) != 0) {
            return;
        } else {
            dev = r.type() == Route.RTN_LOCAL ? host.loopback() : r.dev();
        }
        byte[] p = java.util.Arrays.copyOfRange(skb.buf, skb.l3, skb.l3 + skb.len);
        p[6] |= 0x40; // IP_DF
        if (hook == Hooks.PRE_ROUTING || hook == Hooks.LOCAL_IN) {
            p[8]--;
        }
        Ipv4.put16(p, Ipv4.CHECK, 0);
        Ipv4.put16(p, Ipv4.CHECK, Checksum.compute(p, 0, Ipv4.ihlBytes(p, 0)));
        Skb n = new Skb(p, 0, p.length);
        n.mark = skb.mark;
        notrack(n);
        duplicating = true;
        try {
            localOut(n, dev, gateway);
        } finally {
            duplicating = false;
        }
    }

    @Override
    public void notrack(Skb skb) {
        skb.ct = -1;
        skb.ctinfo = CtInfo.UNTRACKED;
    }

    @Override
    public void log(int level, String line) {
        kernelLog.accept(line);
    }

    @Override
    public int addrType(int addr, NetDevice dev) {
        if (isZeronet(addr) || addr == -1) {
            return Route.RTN_BROADCAST;
        }
        if (isMulticast(addr)) {
            return Route.RTN_MULTICAST;
        }
        Route r = host.fib.lookupLocal(addr);
        if (r == null) {
            return Route.RTN_UNICAST;
        }
        return dev == null || r.dev() == dev ? r.type() : Route.RTN_UNICAST;
    }

    // ================================================================= generated packets

    /**
     * icmp_send(): an ICMP error about {@code orig}, sent through OUTPUT with the offending
     * packet's conntrack entry attached (icmp_glue_bits' nf_ct_attach), so NAT rewrites the
     * quoted packet back ({@link IcmpErrors}).
     */
    public void icmpSend(Skb orig, int type, int code, int info) {
        icmp.send(orig, type, code, info);
    }

    /** IP4_REPLY_MARK(): the mark of a reply the stack makes to {@code orig}: its own under fwmark_reflect, else none */
    int replyMark(Skb orig) {
        return host.sysctls.fwmarkReflect() ? orig.mark : 0;
    }

    /** nf_ct_attach(): a reply the stack makes for a packet rides that packet's entry */
    void attachRelated(Skb n, Skb orig) {
        if (orig.ct >= 0) {
            int ctinfo = CtInfo.dir(orig.ctinfo) == 0 ? CtInfo.RELATED_REPLY : CtInfo.RELATED;
            conntrack.attach(n, orig.ct, ctinfo);
        }
    }

    static void ipHeader(byte[] p, int tos, int len, int frag, int ttl, int proto, int saddr, int daddr) {
        p[0] = 0x45;
        p[1] = (byte) tos;
        Ipv4.put16(p, 2, len);
        Ipv4.put16(p, 6, frag);
        p[8] = (byte) ttl;
        p[9] = (byte) proto;
        Ipv4.put32(p, 12, saddr);
        Ipv4.put32(p, 16, daddr);
        Ipv4.put16(p, 10, Checksum.compute(p, 0, 20));
    }

    // ================================================================= helpers

    /**
     * The skip masks ({@link Tables#skipMasks}) as read when the packet being processed entered
     * the full path ({@link #readSkips}): once per packet, not once per hook. A packet the stack
     * makes on the way of another (an ICMP error, TEE) reads them again on entry; the tables
     * cannot change in between (only between packets), so the outer packet's stay right.
     */
    private int[] skips = Tables.NO_SKIPS;

    /** at each way into the full path: the current tables' masks; none while tracing (every chain shows) */
    void readSkips() {
        int[] m = trace == null ? tables.skipMasks() : Tables.NO_SKIPS;
        if (m != skips) { // mostly the same array: no reference store (and its GC barrier)
            skips = m;
        }
    }

    /** the tables the hook may skip ({@link Tables#skipMask}) */
    private int skipMask(int hook) {
        return skips[hook];
    }

    private int run(int table, int hook, Skb skb, int skip) {
        return (skip & 1 << table) != 0 ? Verdict.NF_ACCEPT : tables.run(table, hook, skb, par);
    }

    /** The packet enters {@code hook} with devices {@code in}, {@code out}: skb, rule parameters, tracer. */
    void setHook(Skb skb, int hook, NetDevice in, NetDevice out) {
        setHook(skb, hook, in, out, (Ipv4.fragOff(skb.buf, skb.l3) & Ipv4.IP_OFFSET) != 0);
    }

    /** {@link #setHook} for a caller that knows whether the packet is a non-first fragment */
    private void setHook(Skb skb, int hook, NetDevice in, NetDevice out, boolean fragment) {
        skb.hook = hook;
        par.hook = hook;
        par.in = in;
        par.out = out;
        par.fragment = fragment;
        par.hotdrop = false;
        if (trace != null) {
            trace.hook(skb, hook);
        }
    }

    void finish(Skb skb, int verdict, String where) {
        if (trace != null) {
            trace.finish(skb, verdict, where);
        }
        if (verdict == Verdict.NF_DROP) {
            dropped(skb, "dropped in " + where);
        } else {
            conntrack.put(skb);
        }
    }

    void dropped(Skb skb, String reason) {
        if (trace != null) {
            trace.dropped(skb, reason);
        }
        if (output != null) {
            output.drop(skb, reason);
        }
        conntrack.put(skb);
    }

    static boolean isMulticast(int a) {
        return (a & 0xf0000000) == 0xe0000000;
    }

    static boolean isLoopback(int a) {
        return (a & 0xff000000) == 0x7f000000;
    }

    static boolean isZeronet(int a) {
        return (a & 0xff000000) == 0;
    }
}
