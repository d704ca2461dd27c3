package dev.hairpin.pipeline;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.Tuple;
import dev.hairpin.nat.Nat;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * A multi-core engine: {@code n} workers, each a {@link Stack} with its own conntrack table,
 * NAT by-source table, routing cache and host copy, each run by one thread, sharing nothing on
 * the packet path. Packets are dispatched by {@link Rss} (a NIC's symmetric RSS: both directions
 * of an un-NATed flow hash alike); NAT keeps a flow's reply on its worker by choosing, wherever
 * it chooses a port or id, only candidates whose reply tuple {@link Rss} sends back to that
 * worker ({@link Nat#owner}). The flows NAT cannot steer (no choice to make: DNAT to a fixed
 * address:port, a one-port range, a protocol without ports, a null binding after a DNAT) are
 * noted in a {@link FlowDirectory}; their replies, arriving elsewhere, are handed over through
 * single-producer/single-consumer rings ({@link HandoffRing}), as are datagrams one worker
 * reassembled for a flow another owns. An established home flow never looks at either.
 *
 * <p>Threading: {@link #receive(int, Skb[], int)} and {@link #poll(int)} for worker {@code w}
 * are called by w's thread only; {@link #settle()} is for a caller running every worker on one
 * thread (tests, a replay). With one worker there is no ring, no directory and no owner: the
 * stack is exactly the single-worker engine.
 *
 * <p>Configuration (devices, routes, sysctls, rule sets) is per worker: the factory builds each
 * worker's own (the host's caches, e.g. {@code Host.selectAddrCached}, are not thread-safe, and
 * each ruleset counts its own packets: {@link RuleCounters#sum} adds them up for a listing, as
 * the kernel sums its per-CPU counters). An operator change must be applied to every worker.
 */
public final class Workers {
    private final Stack[] stacks;
    private final Worker[] workers;
    /** [from][to]; null on the diagonal and with one worker */
    private final HandoffRing[][] rings;
    final FlowDirectory directory;

    /** builds worker {@code w}'s stack ({@code build.apply(w)}, each with its own host, conntrack and tables) */
    public Workers(int n, IntFunction<Stack> build) {
        if (n < 1 || n > 256) {
            throw new IllegalArgumentException("workers must be 1..256, not " + n);
        }
        stacks = new Stack[n];
        workers = new Worker[n];
        rings = new HandoffRing[n][n];
        directory = n > 1 ? new FlowDirectory(n) : null;
        for (int w = 0; w < n; w++) {
            Stack s = build.apply(w);
            for (int v = 0; v < w; v++) {
                if (stacks[v] == s || stacks[v].conntrack == s.conntrack || stacks[v].host == s.host) {
                    throw new IllegalArgumentException("worker " + w + " shares its stack, conntrack or host with worker " + v);
                }
            }
            stacks[w] = s;
            if (n > 1) {
                workers[w] = new Worker(w, s);
                for (int v = 0; v < n; v++) {
                    if (v != w) {
                        rings[w][v] = new HandoffRing();
                    }
                }
            }
        }
    }

    /** how many workers */
    public int count() {
        return stacks.length;
    }

    public Stack stack(int w) {
        return stacks[w];
    }

    /** which worker a datagram is dispatched to ({@link Rss}) */
    public int workerOf(byte[] b, int l3, int len) {
        return Rss.workerOf(b, l3, len, stacks.length);
    }

    /** a NIC queue's batch for worker {@code w} (its thread): the datagrams handed to it first, then the batch */
    public void receive(int w, Skb[] skbs, int n) {
        poll(w);
        stacks[w].receive(skbs, n);
    }

    /** one datagram for worker {@code w} (its thread) */
    public void receive(int w, Skb skb) {
        poll(w);
        stacks[w].receive(skb);
    }

    /** runs the datagrams other workers handed to {@code w} (its thread); returns how many */
    public int poll(int w) {
        Worker me = workers[w];
        if (me == null) {
            return 0;
        }
        int n = 0;
        for (int v = 0; v < stacks.length; v++) {
            if (v != w) {
                n += rings[v][w].drain(stacks[w], me.inbound);
            }
        }
        return n;
    }

    /** for a caller running every worker on one thread: polls them all until no handoff is pending */
    public void settle() {
        boolean moved = true;
        while (moved) {
            moved = false;
            for (int w = 0; w < stacks.length; w++) {
                moved |= poll(w) > 0;
            }
        }
    }

    /** datagrams handed from one worker to another so far, and those dropped for a full ring */
    public long handedOff() {
        long n = 0;
        for (Worker w : workers) {
            n += w == null ? 0 : w.handedOff;
        }
        return n;
    }

    public long handoffDrops() {
        long n = 0;
        for (Worker w : workers) {
            n += w == null ? 0 : w.ringFull;
        }
        return n;
    }

    /** flows whose reply is dispatched to another worker than their entry's (the directory's size) */
    public int foreignFlows() {
        return directory == null ? 0 : directory.size();
    }

    /** conntrack -C: every worker's entries */
    public int conntrackCount() {
        int n = 0;
        for (Stack s : stacks) {
            n += s.conntrack.table.count();
        }
        return n;
    }

    /** an entry of some worker's table, for a merged dump (conntrack -L) */
    public interface EntryVisitor {
        void entry(int worker, Conntrack conntrack, int ct);
    }

    /** conntrack -L over all workers: each worker's entries in its table's order, worker by worker */
    public void forEachEntry(EntryVisitor v) {
        for (int w = 0; w < stacks.length; w++) {
            Conntrack c = stacks[w].conntrack;
            for (int ct : c.snapshot()) {
                v.entry(w, c, ct);
            }
        }
    }

    /** a worker's owner of its NAT choices and steering of datagrams it does not own */
    private final class Worker implements Nat.Owner, Stack.Steering {
        final int w;
        final Stack stack;
        final Conntrack conntrack;
        final int n;
        /** the datagrams handed to this worker run in it */
        final Skb inbound = new Skb();
        /** a reusable directory probe (no allocation per lookup) */
        final FlowDirectory.Key probe = new FlowDirectory.Key();
        /** this worker's entries in the directory: entry → its reply tuple {k1, k2, target} */
        final Map<Integer, long[]> registered = new HashMap<>();
        long handedOff;
        long ringFull;

        Worker(int w, Stack stack) {
            this.w = w;
            this.stack = stack;
            this.conntrack = stack.conntrack;
            this.n = stacks.length;
            stack.nat.owner = this;
            stack.steering = this;
            conntrack.addFreeHook(this::freed);
        }

        @Override
        public boolean home(long k1, long k2) {
            return Rss.ofTuple(k1, k2, n) == w;
        }

        @Override
        public void bound(int ct) {
            long rk1 = conntrack.table.replyK1(ct);
            long rk2 = conntrack.table.replyK2(ct);
            int target = Rss.ofTuple(rk1, rk2, n);
            long[] old = registered.isEmpty() ? null : registered.get(ct);
            if (old != null) {
                if (old[0] == rk1 && old[1] == rk2) {
                    return;
                }
                registered.remove(ct);
                directory.remove(old[0], old[1], w, (int) old[2]);
            }
            if (target != w) {
                registered.put(ct, new long[] {rk1, rk2, target});
                directory.put(rk1, rk2, w, target);
            }
        }

        @Override
        public boolean takenElsewhere(long rk1, long rk2) {
            if (directory.towards(Rss.ofTuple(rk1, rk2, n)) == 0) {
                return false;
            }
            int o = directory.owner(probe.set(rk1, rk2));
            return o >= 0 && o != w;
        }

        /** the entry is freed: out of the directory */
        private void freed(int ct) {
            if (registered.isEmpty()) {
                return;
            }
            long[] old = registered.remove(ct);
            if (old != null) {
                directory.remove(old[0], old[1], w, (int) old[2]);
            }
        }

        @Override
        public boolean steal(Skb skb) {
            int to = -1;
            if (skb.fragMaxSize != 0) { // reassembled here: its flow's worker by its whole tuple
                to = Rss.workerOf(skb.buf, skb.l3, skb.len, n);
            }
            if (directory.towards(w) != 0) {
                int o = directoryOwner(skb);
                if (o >= 0) {
                    to = o;
                }
            }
            if (to < 0 || to == w) {
                return false;
            }
            if (rings[w][to].offer(skb)) {
                handedOff++;
            } else {
                ringFull++;
                if (stack.output != null) {
                    stack.output.drop(skb, "handoff to worker " + to + ": ring full");
                }
            }
            return true;
        }

        /** the worker owning the flow this datagram is a reply of (or an ICMP error about), or -1 */
        private int directoryOwner(Skb skb) {
            byte[] b = skb.buf;
            int l3 = skb.l3;
            int proto = Ipv4.protocol(b, l3);
            int l4 = l3 + Ipv4.ihlBytes(b, l3);
            int avail = skb.len - (l4 - l3);
            long k2 = Tuple.k2Of(b, l4, avail, proto, 0);
            if (k2 == -1) {
                return -1;
            }
            long k1 = Tuple.k1(Ipv4.saddr(b, l3), Ipv4.daddr(b, l3));
            int o = directory.owner(probe.set(k1, k2));
            if (o >= 0 || proto != Ipv4.PROTO_ICMP || !Rss.isError(b[l4] & 0xff) || avail < 8 + Ipv4.MIN_HEADER) {
                return o;
            }
            // an ICMP error: the flow of the datagram it quotes, whichever direction that was
            int in = l4 + 8;
            int iihl = Ipv4.ihlBytes(b, in);
            long ik2 = Tuple.k2Of(b, in + iihl, avail - 8 - iihl, Ipv4.protocol(b, in), 0);
            if (iihl < Ipv4.MIN_HEADER || ik2 == -1) {
                return -1;
            }
            long ik1 = Tuple.k1(Ipv4.saddr(b, in), Ipv4.daddr(b, in));
            o = directory.owner(probe.set(ik1, ik2));
            long rk2 = Tuple.invertK2(ik2);
            if (o < 0 && rk2 != -1) {
                o = directory.owner(probe.set(Tuple.invertK1(ik1), rk2));
            }
            return o;
        }
    }
}
