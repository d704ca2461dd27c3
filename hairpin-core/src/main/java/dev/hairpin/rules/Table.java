package dev.hairpin.rules;

import dev.hairpin.host.NetDevice;
import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of one table, compiled for evaluation the way the kernel lays out an
 * {@code ipt_replace} blob: every chain's rules in one flat array, each built-in chain closed by
 * its policy entry (the hook's "underflow"), each user chain by an implicit RETURN, and jumps
 * resolved to array indices. {@link #doTable} walks that array with an explicit return stack:
 * no recursion, no allocation.
 *
 * <pre>
 *  entries: [INPUT rules..][INPUT policy][FORWARD ..][policy][OUTPUT ..][policy][userA ..][RETURN]..
 *            ^hookEntry[IN] ^underflow[IN]
 * </pre>
 *
 * Counters live in the {@link Rule} and {@link Counter} objects, so a replaced snapshot that keeps
 * a rule keeps its counts.
 */
public final class Table {
    private static final int K_NONE = 0;
    private static final int K_VERDICT = 1;
    private static final int K_RETURN = 2;
    private static final int K_JUMP = 3;
    private static final int K_GOTO = 4;
    private static final int K_TARGET = 5;
    /** end of a built-in chain: the policy, counted in the chain's policy counter */
    private static final int K_POLICY = 6;
    /** end of a user chain: an implicit RETURN nobody sees counted */
    private static final int K_CHAIN_END = 7;

    /** One slot of the flat layout. */
    private static final class Entry {
        final IptIp ip;
        final boolean ipAny;
        // the ipt_ip fields copied in, so the hot loop reads one object per rule
        final int src;
        final int smsk;
        final int dst;
        final int dmsk;
        final int proto;
        final boolean invSrc;
        final boolean invDst;
        final boolean invProto;
        /** -i / -o given: checked by IptIp's interface code */
        final boolean ifaces;
        /** -f (or ! -f) given */
        final boolean frag;
        /**
         * the last device whose name matched -i / -o: a name never changes, so it matches for
         * good (a race between workers only costs a full compare)
         */
        NetDevice inNamed;
        NetDevice outNamed;
        /** -i / -o given */
        final boolean hasIn;
        final boolean hasOut;
        final Match[] matches;
        final Counter counter;
        final int kind;
        final int verdict;
        int jump = -1;
        final Target target;
        final Rule rule;
        final Chain chain;
        final int num;

        Entry(Chain chain, int num, Rule rule, IptIp ip, Match[] matches, Counter counter, int kind, int verdict,
              Target target) {
            this.chain = chain;
            this.num = num;
            this.rule = rule;
            this.ip = ip;
            this.ipAny = ip.matchesAll();
            this.src = ip.src();
            this.smsk = ip.smsk();
            this.dst = ip.dst();
            this.dmsk = ip.dmsk();
            this.proto = ip.proto();
            this.invSrc = ip.inverted(IptIp.INV_SRCIP);
            this.invDst = ip.inverted(IptIp.INV_DSTIP);
            this.invProto = ip.inverted(IptIp.INV_PROTO);
            this.hasIn = !ip.iniface().isEmpty();
            this.hasOut = !ip.outiface().isEmpty();
            this.ifaces = hasIn || hasOut;
            this.frag = (ip.flags() & IptIp.F_FRAG) != 0 || ip.inverted(IptIp.INV_FRAG);
            this.matches = matches;
            this.counter = counter;
            this.kind = kind;
            this.verdict = verdict;
            this.target = target;
        }
    }

    private static final Match[] NO_MATCHES = new Match[0];

    private final TableDef def;
    private final List<Chain> chains;
    /** built-in chains the kernel does not have */
    private final java.util.Set<String> notInKernel;
    /** user chain names in the order they were made (the kernel's list order) */
    private final List<String> creationOrder;
    private final Map<String, Chain> byName;
    private final Map<String, Integer> references;
    private final Entry[] entries;
    /**
     * The quick IP test of every entry, {@link #QW} ints from entry i's {@code i << 3}: Q_* flags,
     * source and mask, destination and mask, protocol. The skip loop reads it in rule order, not
     * one object per rule: one array base and length for the whole walk, an entry's test on one
     * cache line.
     */
    private final int[] quick;
    static final int QW = 8;
    private static final int Q_FLAGS = 0;
    private static final int Q_SRC = 1;
    private static final int Q_SMSK = 2;
    private static final int Q_DST = 3;
    private static final int Q_DMSK = 4;
    private static final int Q_PROTO = 5;
    private static final int Q_ANY = 1;
    private static final int Q_INV_SRC = 2;
    private static final int Q_INV_DST = 4;
    private static final int Q_INV_PROTO = 8;
    /** in a run of exact-destination rules indexed by destination ({@link DstRun}) */
    private static final int Q_RUN = 16;
    /** shortest run worth an index: below this the linear skip is as fast */
    static final int RUN_MIN = 8;
    /** per entry in a run: its run; null outside runs */
    private final DstRun[] runOf;
    /** per entry in a run: the next entry of the same run with the same destination, or the run's end */
    private final int[] nextSame;
    private final int[] hookEntry = new int[Hooks.COUNT];
    private final int[] underflow = new int[Hooks.COUNT];
    private final int stackSize;
    private final boolean[] acceptsAll = new boolean[Hooks.COUNT];
    /** bit h: no chain at hook h, or one that {@link #acceptsAll} */
    private final int quietHooks;

    /**
     * Checks and compiles a table. {@code chains} must hold every built-in chain of the table
     * (missing ones are added with policy ACCEPT) and the user chains, in the order they were
     * made (kept as {@link #creationOrder()}).
     *
     * @throws RuleCheckException when the kernel would refuse the table
     */
    public Table(TableDef def, List<Chain> chains) {
        this(def, chains, java.util.Set.of());
    }

    /**
     * As {@link #Table(TableDef, List)}, naming the built-in chains the kernel does not have (made
     * on demand by iptables-nft; they hold no rules and accept, and only iptables' -Z and -X see
     * the difference).
     */
    public Table(TableDef def, List<Chain> chains, java.util.Set<String> notInKernel) {
        this.def = def;
        this.notInKernel = java.util.Set.copyOf(notInKernel);
        List<Chain> builtins = new ArrayList<>();
        List<Chain> users = new ArrayList<>();
        Map<String, Chain> names = new HashMap<>();
        for (Chain c : chains) {
            if (names.put(c.name(), c) != null) {
                throw new IllegalArgumentException("chain " + c.name() + " twice in table " + def.tableName());
            }
            if (c.builtin()) {
                if (!def.hasHook(c.hook()) || !Hooks.chainName(c.hook()).equals(c.name())) {
                    throw new IllegalArgumentException("no built-in chain " + c.name() + " in " + def.tableName());
                }
            } else {
                users.add(c);
            }
        }
        for (int h = 0; h < Hooks.COUNT; h++) {
            if (def.hasHook(h)) {
                Chain c = names.get(Hooks.chainName(h));
                if (c == null) {
                    c = Chain.builtin(h);
                    names.put(c.name(), c);
                }
                builtins.add(c);
            }
        }
        List<String> created = new ArrayList<>();
        for (Chain c : users) {
            created.add(c.name());
        }
        this.creationOrder = List.copyOf(created);
        // user chains in the order iptables-nft lists them (nft_cache_sort_chains: strcmp)
        users.sort((a, b) -> compareNames(a.name(), b.name()));
        List<Chain> all = new ArrayList<>(builtins);
        all.addAll(users);
        this.chains = Collections.unmodifiableList(all);
        this.byName = Map.copyOf(names);
        this.references = countReferences(all);
        checkRules(all, names);
        this.stackSize = Math.max(1, users.size());
        this.entries = layout(all);
        int quiet = 0;
        for (int h = 0; h < Hooks.COUNT; h++) {
            Entry first = def.hasHook(h) ? entries[hookEntry[h]] : null;
            acceptsAll[h] = first != null && first.kind == K_POLICY && first.verdict == Verdict.NF_ACCEPT;
            quiet |= first == null || acceptsAll[h] ? 1 << h : 0;
        }
        quietHooks = quiet;
        int n = entries.length;
        quick = new int[n * QW];
        for (int k = 0; k < n; k++) {
            Entry e = entries[k];
            int o = k * QW;
            quick[o + Q_FLAGS] = (e.ipAny ? Q_ANY : 0) | (e.invSrc ? Q_INV_SRC : 0) | (e.invDst ? Q_INV_DST : 0)
                    | (e.invProto ? Q_INV_PROTO : 0);
            quick[o + Q_SRC] = e.src;
            quick[o + Q_SMSK] = e.smsk;
            quick[o + Q_DST] = e.dst;
            quick[o + Q_DMSK] = e.dmsk;
            quick[o + Q_PROTO] = e.proto;
        }
        runOf = new DstRun[n];
        nextSame = new int[n];
        indexRuns();
    }

    /** An empty table: built-in chains with policy ACCEPT and no rules. */
    public static Table empty(TableDef def) {
        return new Table(def, List.of());
    }

    public TableDef def() {
        return def;
    }

    public String name() {
        return def.tableName();
    }

    /** Built-in chains in hook order, then user chains sorted by name. */
    public List<Chain> chains() {
        return chains;
    }

    /** Built-in chains iptables-nft has not made in the kernel (or -X deleted). */
    public java.util.Set<String> notInKernel() {
        return notInKernel;
    }

    /** User chain names in the order they were made, as the kernel keeps them. */
    public List<String> creationOrder() {
        return creationOrder;
    }

    /** null when no chain of that name */
    public Chain chain(String name) {
        return byName.get(name);
    }

    /** The number of -j/-g rules naming {@code chain} (what -L shows as "N references"). */
    public int references(String chain) {
        return references.getOrDefault(chain, 0);
    }

    /** Whether this table has a chain attached to {@code hook}. */
    public boolean hasHook(int hook) {
        return def.hasHook(hook);
    }

    /**
     * Whether the hook's chain has no rule and an ACCEPT policy: running it would accept without
     * touching a counter (iptables-nft counts an ACCEPT policy never, see doTable), so the hook
     * may skip it when nobody traces.
     */
    public boolean acceptsAll(int hook) {
        return acceptsAll[hook];
    }

    /** {@code !hasHook(hook) || acceptsAll(hook)} in one load, for the hooks' per-packet check (hook 0..COUNT-1) */
    public boolean quiet(int hook) {
        return (quietHooks >>> hook & 1) != 0;
    }

    /**
     * {@code ipt_do_table()}: runs the packet through the chain attached to {@code hook}. The
     * first matching rule's counters are bumped (1 packet, skb.len bytes) before its target runs;
     * non-terminating targets continue with the next rule; -j pushes a return point, -g does not;
     * RETURN or the end of a user chain pops it; with nothing to pop, the hook's policy entry runs
     * and counts the packet in the built-in chain's policy counters.
     *
     * @return NF_ACCEPT, NF_DROP, NF_STOLEN or NF_QUEUE
     */
    public int doTable(int hook, Skb skb, XtParam par) {
        if (!def.hasHook(hook)) {
            return Verdict.NF_ACCEPT;
        }
        final Entry[] es = entries;
        final NetDevice in = skb.in;
        final NetDevice out = skb.out;
        final boolean fragment = (Ipv4.fragOff(skb.buf, skb.l3) & Ipv4.IP_OFFSET) != 0;
        par.hook = hook;
        par.in = in;
        par.out = out;
        par.fragment = fragment;
        par.hotdrop = false;
        int[] stack = par.jumpStack;
        if (stack.length < stackSize) {
            stack = new int[stackSize];
            par.jumpStack = stack;
        }
        final RuleTrace trace = par.trace;
        // ip_packet_match() reads the header per rule; only a target can change it, so it is
        // read once here and again after each target that lets the packet go on
        final byte[] b = skb.buf;
        int saddr = Ipv4.saddr(b, skb.l3);
        int daddr = Ipv4.daddr(b, skb.l3);
        int protocol = Ipv4.protocol(b, skb.l3);
        final int[] q = quick;
        int sp = 0;
        int i = hookEntry[hook];
        for (;;) {
            if (trace == null) {
                // the common case, rules whose addresses or protocol differ, in a loop of its
                // own over flat arrays: kept tight whatever gets inlined below (chain ends,
                // which match any packet, always stop it)
                for (;;) {
                    int o = i * QW;
                    int fl = q[o + Q_FLAGS];
                    if ((fl & Q_RUN) != 0 && q[o + Q_DST] != daddr) {
                        // a long run of -d x/32 rules (kube-proxy's): go straight to the next
                        // one for this destination; those between cannot match
                        i = runNext(i, daddr);
                        o = i * QW;
                        fl = q[o + Q_FLAGS];
                    }
                    if ((fl & Q_ANY) != 0
                            || ((saddr & q[o + Q_SMSK]) == q[o + Q_SRC]) != ((fl & Q_INV_SRC) != 0)
                            && ((daddr & q[o + Q_DMSK]) == q[o + Q_DST]) != ((fl & Q_INV_DST) != 0)
                            && (q[o + Q_PROTO] == 0 || (protocol == q[o + Q_PROTO]) != ((fl & Q_INV_PROTO) != 0))) {
                        break;
                    }
                    i++;
                }
            }
            final Entry e = es[i];
            // untraced, the loop above stopped only at an entry whose quick test passed (or that
            // matches anything): only the devices and -f remain to be asked
            boolean hit = trace == null
                    ? !e.ifaces && !e.frag || devicesMatch(e, in, out, fragment)
                    : e.ipAny || ipQuick(e, saddr, daddr, protocol)
                            && (!e.ifaces && !e.frag || devicesMatch(e, in, out, fragment));
            if (!hit || !(trace == null ? extMatches(e.matches, skb, par) : tracedMatches(e.matches, skb, par, trace))) {
                if (trace != null && e.rule != null) {
                    trace.rule(this, e.chain, e.num, e.rule, false);
                }
                if (par.hotdrop) {
                    return Verdict.NF_DROP;
                }
                i++;
                continue;
            }
            // iptables-nft (the recorded 1.8.9 backend) counts a base chain's policy only when it
            // drops: every recorded ACCEPT policy stays [0:0] under traffic, FORWARD DROP counts
            if (e.kind != K_POLICY || e.verdict == dev.hairpin.packet.Verdict.NF_DROP) {
                e.counter.add(skb.len);
            }
            if (trace != null && e.rule != null) {
                trace.rule(this, e.chain, e.num, e.rule, true);
            }
            switch (e.kind) {
                case K_VERDICT -> {
                    if (trace != null) {
                        trace.verdict(this, e.chain, e.num, e.rule, e.verdict);
                    }
                    return e.verdict;
                }
                case K_POLICY -> {
                    if (trace != null) {
                        trace.policy(this, e.chain, e.verdict);
                    }
                    return e.verdict;
                }
                case K_RETURN, K_CHAIN_END -> {
                    if (sp == 0) {
                        i = underflow[hook];
                    } else {
                        int from = stack[--sp];
                        if (trace != null) {
                            trace.ret(this, e.chain, es[from].chain);
                        }
                        i = from + 1;
                    }
                }
                case K_JUMP -> {
                    if (sp >= stack.length) {
                        return Verdict.NF_DROP;
                    }
                    if (trace != null) {
                        trace.jump(this, e.chain, e.num, es[e.jump].chain, false);
                    }
                    stack[sp++] = i;
                    i = e.jump;
                }
                case K_GOTO -> {
                    if (trace != null) {
                        trace.jump(this, e.chain, e.num, es[e.jump].chain, true);
                    }
                    i = e.jump;
                }
                case K_TARGET -> {
                    int v = e.target.target(skb, par);
                    if (par.hotdrop) {
                        return Verdict.NF_DROP;
                    }
                    if (v != Verdict.XT_CONTINUE) {
                        if (trace != null) {
                            trace.verdict(this, e.chain, e.num, e.rule, v);
                        }
                        return v;
                    }
                    saddr = Ipv4.saddr(b, skb.l3);
                    daddr = Ipv4.daddr(b, skb.l3);
                    protocol = Ipv4.protocol(b, skb.l3);
                    i++;
                }
                default -> i++;
            }
        }
    }

    /**
     * A run of consecutive entries of one chain that all test an exact destination ({@code -d a/32},
     * not inverted), indexed by that address: the first entry for each address, then
     * {@link #nextSame} links, in rule order. Skipping to the next entry for the packet's address
     * passes over only rules that cannot match, so first-match order and counters are untouched.
     */
    private static final class DstRun {
        final int end;
        final int[] keys;
        final int[] first;
        final int mask;

        /** {@code quick}: the table's packed quick tests, whose destinations it indexes */
        DstRun(int start, int end, int[] quick, int[] nextSame) {
            this.end = end;
            int cap = Integer.highestOneBit(Math.max(4, (end - start) * 2 - 1)) * 2;
            keys = new int[cap];
            first = new int[cap];
            java.util.Arrays.fill(first, -1);
            mask = cap - 1;
            int[] last = new int[cap];
            for (int k = start; k < end; k++) {
                nextSame[k] = end;
                int dst = quick[k * QW + Q_DST];
                int slot = slot(dst);
                if (first[slot] < 0) {
                    keys[slot] = dst;
                    first[slot] = k;
                } else {
                    nextSame[last[slot]] = k;
                }
                last[slot] = k;
            }
        }

        /** the slot holding {@code addr}, or the free slot where it would go */
        int slot(int addr) {
            int h = addr * 0x9e3779b1;
            for (int i = (h ^ h >>> 16) & mask;; i = (i + 1) & mask) {
                if (first[i] < 0 || keys[i] == addr) {
                    return i;
                }
            }
        }
    }

    /** the first entry at or after {@code i} (in a run) whose destination is {@code daddr}, else the run's end */
    private int runNext(int i, int daddr) {
        DstRun r = runOf[i];
        int p = r.first[r.slot(daddr)];
        if (p < 0) {
            return r.end;
        }
        while (p < i) {
            p = nextSame[p];
        }
        return p;
    }

    private void indexRuns() {
        int n = entries.length;
        int k = 0;
        while (k < n) {
            if (!exactDst(k)) {
                k++;
                continue;
            }
            int start = k;
            while (k < n && exactDst(k) && entries[k].chain == entries[start].chain) {
                k++;
            }
            if (k - start >= RUN_MIN) {
                DstRun r = new DstRun(start, k, quick, nextSame);
                for (int j = start; j < k; j++) {
                    runOf[j] = r;
                    quick[j * QW + Q_FLAGS] |= Q_RUN;
                }
            }
        }
    }

    private boolean exactDst(int k) {
        return (quick[k * QW + Q_FLAGS] & (Q_ANY | Q_INV_DST)) == 0 && quick[k * QW + Q_DMSK] == -1;
    }

    /** {@link IptIp#devicesMatch}, a device that matched the rule's name before answered at once */
    private static boolean devicesMatch(Entry e, NetDevice in, NetDevice out, boolean fragment) {
        IptIp ip = e.ip;
        if (e.hasIn) {
            boolean m = in != null && in == e.inNamed || named(e, ip.iniface(), in, false);
            if (!m ^ ip.inverted(IptIp.INV_VIA_IN)) {
                return false;
            }
        }
        if (e.hasOut) {
            boolean m = out != null && out == e.outNamed || named(e, ip.outiface(), out, true);
            if (!m ^ ip.inverted(IptIp.INV_VIA_OUT)) {
                return false;
            }
        }
        return ip.fragMatches(fragment);
    }

    /** ifname_compare_aligned() of the rule's -i or -o name, remembering a device that matched */
    private static boolean named(Entry e, String pattern, NetDevice dev, boolean out) {
        boolean m = IptIp.ifaceMatches(pattern, dev);
        if (m && dev != null) {
            if (out) {
                e.outNamed = dev;
            } else {
                e.inNamed = dev;
            }
        }
        return m;
    }

    /** the source, destination and protocol tests of ip_packet_match() */
    private static boolean ipQuick(Entry e, int saddr, int daddr, int protocol) {
        return ((saddr & e.smsk) == e.src) != e.invSrc
                && ((daddr & e.dmsk) == e.dst) != e.invDst
                && (e.proto == 0 || (protocol == e.proto) != e.invProto);
    }

    /** extMatches() that tells the trace which match failed */
    private static boolean tracedMatches(Match[] ms, Skb skb, XtParam par, RuleTrace trace) {
        for (int k = 0; k < ms.length; k++) {
            if (!ms[k].matches(skb, par)) {
                trace.matchFailed(k);
                return false;
            }
        }
        return true;
    }

    private static boolean extMatches(Match[] ms, Skb skb, XtParam par) {
        for (Match m : ms) {
            if (!m.matches(skb, par)) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- compilation

    private Entry[] layout(List<Chain> all) {
        List<Entry> list = new ArrayList<>();
        Map<String, Integer> start = new HashMap<>();
        for (Chain c : all) {
            start.put(c.name(), list.size());
            if (c.builtin()) {
                hookEntry[c.hook()] = list.size();
            }
            int num = 0;
            for (Rule r : c.rules()) {
                num++;
                Match[] ms = r.matches().toArray(NO_MATCHES);
                int kind;
                int verdict = 0;
                switch (r.kind()) {
                    case NONE -> kind = K_NONE;
                    case ACCEPT, DROP, QUEUE -> {
                        kind = K_VERDICT;
                        verdict = r.standardVerdict();
                    }
                    case RETURN -> kind = K_RETURN;
                    case JUMP -> kind = K_JUMP;
                    case GOTO -> kind = K_GOTO;
                    default -> kind = K_TARGET;
                }
                list.add(new Entry(c, num, r, r.ip(), ms, r.counter(), kind, verdict, r.target()));
            }
            if (c.builtin()) {
                underflow[c.hook()] = list.size();
                list.add(new Entry(c, 0, null, IptIp.ANY, NO_MATCHES, c.policyCounter(), K_POLICY, c.policy(), null));
            } else {
                list.add(new Entry(c, 0, null, IptIp.ANY, NO_MATCHES, new Counter(), K_CHAIN_END, 0, null));
            }
        }
        Entry[] es = list.toArray(new Entry[0]);
        for (Entry e : es) {
            if (e.kind == K_JUMP || e.kind == K_GOTO) {
                e.jump = start.get(e.rule.chain());
            }
        }
        return es;
    }

    private static Map<String, Integer> countReferences(List<Chain> all) {
        Map<String, Integer> refs = new HashMap<>();
        for (Chain c : all) {
            for (Rule r : c.rules()) {
                if (r.chain() != null) {
                    refs.merge(r.chain(), 1, Integer::sum);
                }
            }
        }
        return Map.copyOf(refs);
    }

    /** nf_tables' jump stack: a chain this many jumps below a base chain is refused (-EMLINK) */
    static final int JUMP_STACK_SIZE = 16;

    /**
     * What nf_tables refuses, in its order: first each rule as it is added (nft_compat's
     * checkentry with the hook of its chain when that is a base chain, a zero-length address
     * comparison, a jump to a missing or a base chain), then the table's validation, which walks
     * it from each base chain: every extension reached must support that hook, and no chain may
     * sit {@link #JUMP_STACK_SIZE} jumps below a base chain. A loop among chains no base chain
     * reaches is therefore accepted; one a base chain reaches is refused with -EMLINK.
     */
    private void checkRules(List<Chain> all, Map<String, Chain> names) {
        for (Chain c : all) {
            int num = 0;
            for (Rule r : c.rules()) {
                checkRule(c, ++num, r, names);
            }
        }
        Map<String, Integer> seen = new HashMap<>();
        for (Chain c : all) {
            if (c.builtin()) {
                validate(c, c.hook(), 0, names, seen);
            }
        }
    }

    private void checkRule(Chain c, int num, Rule r, Map<String, Chain> names) {
        IptIp ip = r.ip();
        // iptables-nft emits a zero-length comparison for "! -s x/0", which the kernel refuses
        if ((ip.smsk() == 0 && ip.inverted(IptIp.INV_SRCIP)) || (ip.dmsk() == 0 && ip.inverted(IptIp.INV_DSTIP))) {
            throw new RuleCheckException(c.name(), num, r, RuleCheckException.Errno.EINVAL,
                    "negated address with a zero mask");
        }
        int hooks = c.builtin() ? 1 << c.hook() : 0;
        if (r.kind() == Rule.Kind.QUEUE) {
            // iptables-nft asks for an xt QUEUE target, which no current kernel has (recorded)
            throw new RuleCheckException(c.name(), num, r, RuleCheckException.Errno.ENOENT, "no QUEUE target");
        }
        for (Match m : r.matches()) {
            if (m.proto() != 0 && !m.nftNative() && (ip.proto() != m.proto() || ip.inverted(IptIp.INV_PROTO))) {
                throw new RuleCheckException(c.name(), num, r, RuleCheckException.Errno.EINVAL,
                        m.name() + " match: only valid for protocol " + m.proto());
            }
            String why = m.checkEntry(ip);
            if (why != null) {
                throw new RuleCheckException(c.name(), num, r, RuleCheckException.Errno.EINVAL, why);
            }
            RuleCheckException.Refusal no = m.refusal();
            if (no != null) {
                throw new RuleCheckException(c.name(), num, r, no.errno(), no.why());
            }
            if (m.tables() != null && !m.tables().contains(def.tableName())) {
                throw new RuleCheckException(c.name(), num, r, RuleCheckException.Errno.EINVAL,
                        m.name() + " match: only valid in " + String.join("/", m.tables()) + " table, not "
                                + def.tableName());
            }
            checkMatchHooks(c, num, r, m, hooks, false);
        }
        Target t = r.target();
        if (t != null) {
            if (t.proto() != 0 && (ip.proto() != t.proto() || ip.inverted(IptIp.INV_PROTO))) {
                throw new RuleCheckException(c.name(), num, r, RuleCheckException.Errno.EINVAL,
                        t.name() + " target: only valid for protocol " + t.proto());
            }
            String why = t.checkEntry(ip, r.matches());
            if (why != null) {
                throw new RuleCheckException(c.name(), num, r, RuleCheckException.Errno.EINVAL, why);
            }
            RuleCheckException.Refusal no = t.refusal(ip);
            if (no != null) {
                throw new RuleCheckException(c.name(), num, r, no.errno(), no.why());
            }
            checkTargetHooks(c, num, r, t, hooks, false);
            if (t.tables() != null && !t.tables().contains(def.tableName())) {
                throw new RuleCheckException(c.name(), num, r, RuleCheckException.Errno.EINVAL,
                        t.name() + " target: only valid in " + String.join("/", t.tables())
                                + " table, not " + def.tableName());
            }
        }
        if (r.chain() != null) {
            Chain to = names.get(r.chain());
            if (to == null) {
                throw new RuleCheckException(c.name(), num, r, RuleCheckException.Errno.ENOENT,
                        "Chain '" + r.chain() + "' does not exist");
            }
            if (to.builtin()) {
                // one iptables-nft has not made yet is not found at all (recorded)
                boolean made = !notInKernel.contains(to.name());
                throw new RuleCheckException(c.name(), num, r, made ? RuleCheckException.Errno.EOPNOTSUPP
                        : RuleCheckException.Errno.ENOENT, "cannot jump to built-in chain " + to.name());
            }
        }
    }

    private static void checkMatchHooks(Chain c, int num, Rule r, Match m, int hooks, boolean validation) {
        if (validation && m.hooksAtEntry()) {
            return;
        }
        if ((hooks & ~m.hooks()) != 0) {
            throw new RuleCheckException(c.name(), num, r, RuleCheckException.Errno.EINVAL,
                    m.name() + " match: used from hooks " + hookNames(hooks) + ", but only valid from "
                            + hookNames(m.hooks()), validation);
        }
    }

    private static void checkTargetHooks(Chain c, int num, Rule r, Target t, int hooks, boolean validation) {
        if (validation && t.hooksAtEntry()) {
            return;
        }
        if ((hooks & ~t.hooks()) != 0) {
            throw new RuleCheckException(c.name(), num, r, RuleCheckException.Errno.EINVAL,
                    t.name() + " target: used from hooks " + hookNames(hooks) + ", but only usable from "
                            + hookNames(t.hooks()), validation);
        }
    }

    /**
     * nft_chain_validate(): the chain's rules in order, each extension for the base chain's
     * hook, then the jump. {@code seen} remembers the deepest level a chain passed at for a hook,
     * as passing there means passing at any shallower level.
     */
    private static void validate(Chain c, int hook, int level, Map<String, Chain> names, Map<String, Integer> seen) {
        String key = c.name() + '/' + hook;
        Integer done = seen.get(key);
        if (done != null && done >= level) {
            return;
        }
        seen.put(key, level);
        int num = 0;
        for (Rule r : c.rules()) {
            num++;
            for (Match m : r.matches()) {
                checkMatchHooks(c, num, r, m, 1 << hook, true);
            }
            if (r.target() != null) {
                checkTargetHooks(c, num, r, r.target(), 1 << hook, true);
            }
            if (r.chain() == null) {
                continue;
            }
            if (level + 1 == JUMP_STACK_SIZE) {
                throw new RuleCheckException(c.name(), num, r, RuleCheckException.Errno.EMLINK,
                        "chain " + r.chain() + " is " + JUMP_STACK_SIZE + " jumps below a base chain", true);
            }
            validate(names.get(r.chain()), hook, level + 1, names, seen);
        }
    }

    private static String hookNames(int mask) {
        StringBuilder sb = new StringBuilder();
        for (int h = 0; h < Hooks.COUNT; h++) {
            if ((mask & (1 << h)) != 0) {
                if (!sb.isEmpty()) {
                    sb.append('/');
                }
                sb.append(Hooks.chainName(h));
            }
        }
        return sb.toString();
    }

    /** strcmp() order on the names' bytes, as the nft cache sorts chains */
    public static int compareNames(String a, String b) {
        byte[] x = a.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] y = b.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return java.util.Arrays.compareUnsigned(x, y);
    }

    @Override
    public String toString() {
        return "Table[" + def.tableName() + ", " + chains.size() + " chains]";
    }
}
