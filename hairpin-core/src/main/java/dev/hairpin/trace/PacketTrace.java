package dev.hairpin.trace;

import java.util.ArrayList;
import java.util.List;

/**
 * The trace of one packet: where it came from, its header on arrival, every step, and its fate.
 * A packet the stack generated (ICMP error, RST, echo reply) has its own trace whose
 * {@code parent} is the trace of the packet that caused it.
 */
public final class PacketTrace {
    public final int id;
    /** the packet's origin tag (skb.seq: the input frame number of a replay), inherited by generated packets */
    public final long seq;
    /** 0 for a packet from outside or injected at OUTPUT, else the id of the packet that caused it */
    public final int parent;
    /** "in eth0", "local out" or "generated" */
    public final String origin;
    public final Header header;
    /** simulated time (conntrack clock, ns) when it arrived */
    public final long timeNs;
    public final List<Step> steps = new ArrayList<>();
    public Fate fate;
    /** the header when it left the stack (after the last rewrite) */
    public Header last;

    PacketTrace(int id, long seq, int parent, String origin, Header header, long timeNs) {
        this.id = id;
        this.seq = seq;
        this.parent = parent;
        this.origin = origin;
        this.header = header;
        this.last = header;
        this.timeNs = timeNs;
    }

    /** the steps of one kind, e.g. {@code of(Step.Nat.class)} */
    public <T extends Step> List<T> of(Class<T> kind) {
        List<T> out = new ArrayList<>();
        for (Step s : steps) {
            if (kind.isInstance(s)) {
                out.add(kind.cast(s));
            }
        }
        return out;
    }
}
