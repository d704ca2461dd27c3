package dev.hairpin.trace;

/**
 * What finally happened to a packet. {@code where} is the hook (or the kernel function) that
 * decided; {@code table}/{@code chain}/{@code rule} name the rule for rule verdicts; {@code dev}
 * the device it left by; {@code generated} the trace id of the packet a REJECT made (0 if none).
 */
public record Fate(Kind kind, String where, String dev, String table, String chain, int rule, String ruleText,
                   String reason, int generated) {

    public enum Kind {
        /** forwarded ({@code reason} starts "forwarded"), or a locally generated packet sent, out of {@code dev} */
        SENT,
        /** delivered to the local stack after INPUT */
        DELIVERED,
        /** a rule's DROP (or a match's hotdrop) */
        DROPPED_BY_RULE,
        /** the built-in chain's policy */
        DROPPED_BY_POLICY,
        /** REJECT: dropped, with an ICMP error or RST sent back */
        REJECTED,
        /** nf_conntrack_max reached and nothing could be early-dropped */
        DROPPED_TABLE_FULL,
        /** conntrack refused it (invalid and dropped, or an insert clash) */
        DROPPED_BY_CONNTRACK,
        /** NAT found no free tuple, or a masqueraded flow changed device */
        DROPPED_BY_NAT,
        /** the IP stack itself: martian, no route, TTL exceeded, header errors ... */
        DROPPED_BY_STACK,
        /** NF_STOLEN / NF_QUEUE: taken by a target */
        STOLEN
    }

    public boolean dropped() {
        return kind != Kind.SENT && kind != Kind.DELIVERED && kind != Kind.STOLEN;
    }

    /** One line, e.g. "dropped by rule 3 of filter FORWARD" */
    public String describe() {
        return switch (kind) {
            case SENT -> (reason != null && reason.startsWith("forwarded") ? "forwarded out of " : "sent out of ") + dev
                    + (reason != null && reason.contains(", ") ? reason.substring(reason.indexOf(", ")) : "");
            case DELIVERED -> "delivered locally";
            case DROPPED_BY_RULE -> "dropped by rule " + rule + " of " + table + " " + chain + " (" + ruleText + ")";
            case DROPPED_BY_POLICY -> "dropped by the policy of " + table + " " + chain;
            case REJECTED -> "rejected by rule " + rule + " of " + table + " " + chain + " (" + ruleText + ")"
                    + (generated != 0 ? ", answered by packet #" + generated : ", nothing sent back");
            case DROPPED_TABLE_FULL -> "dropped in " + where + ": conntrack table full (nf_conntrack_max)";
            case DROPPED_BY_CONNTRACK -> "dropped by conntrack in " + where + ": " + reason;
            case DROPPED_BY_NAT -> "dropped by NAT in " + where + ": " + reason;
            case DROPPED_BY_STACK -> "dropped by the IP stack: " + reason;
            case STOLEN -> "taken in " + where + " (" + reason + ")";
        };
    }
}
