package dev.hairpin.rules;

import dev.hairpin.conntrack.CtView;
import dev.hairpin.host.NetDevice;
import dev.hairpin.nat.NatRange;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;

import java.util.ArrayList;
import java.util.List;

/** An XtServices that records what targets asked for. */
public final class FakeServices implements XtServices {
    public long now;
    public int nextRandom;
    public final List<String> calls = new ArrayList<>();
    public int addrTypeResult = 1;
    /** When set, reject only counts (no string building), for allocation tests. */
    public boolean quiet;
    public int rejects;

    @Override
    public long nowNanos() {
        return now;
    }

    @Override
    public int random32() {
        return nextRandom;
    }

    /** what ipset() finds by name (none by default) */
    public java.util.function.Function<String, IpSetView> ipsets = n -> null;

    @Override
    public IpSetView ipset(String name) {
        return ipsets.apply(name);
    }

    /** what conntrack() returns */
    public CtView ct;
    /** the last CLASSIFY priority */
    public int priority = -1;

    @Override
    public CtView conntrack() {
        return ct;
    }

    @Override
    public void dup(Skb skb, int hook, int gateway, String oif) {
        calls.add("dup " + dev.hairpin.packet.Ipv4.toString(gateway) + " " + oif);
    }

    @Override
    public void setPriority(Skb skb, int priority) {
        this.priority = priority;
    }

    @Override
    public int natSetup(Skb skb, NatRange range, int manip) {
        calls.add("nat " + manip + " " + range);
        return Verdict.NF_ACCEPT;
    }

    @Override
    public int masquerade(Skb skb, NatRange range) {
        calls.add("masquerade");
        return Verdict.NF_ACCEPT;
    }

    @Override
    public int redirect(Skb skb, NatRange range) {
        calls.add("redirect");
        return Verdict.NF_ACCEPT;
    }

    @Override
    public void reject(Skb skb, boolean tcpReset, int icmpCode) {
        rejects++;
        if (!quiet) {
            calls.add("reject " + tcpReset + " " + icmpCode);
        }
    }

    @Override
    public void notrack(Skb skb) {
        calls.add("notrack");
    }

    @Override
    public void log(int level, String line) {
        calls.add("log " + level + " " + line);
    }

    @Override
    public int addrType(int addr, NetDevice dev) {
        return addrTypeResult;
    }
}
