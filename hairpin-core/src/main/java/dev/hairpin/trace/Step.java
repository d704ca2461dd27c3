package dev.hairpin.trace;

/**
 * One step of a packet's way through the stack, in the order it happened. Hooks and tables use
 * iptables' names (PREROUTING, nat); rules are shown in iptables-save form.
 */
public sealed interface Step {
    /** a short machine name of the step's kind (the {@code step} field of --json) */
    String kind();

    /** the packet reached a netfilter hook; {@code in}/{@code out} are the devices it has there */
    record Hook(String hook, String in, String out) implements Step {
        public String kind() {
            return "hook";
        }
    }

    /**
     * A rule was evaluated. {@code failed} names what did not match (the IP part's field, or
     * the {@code -m} match), null when it matched.
     */
    record Rule(String table, String chain, int num, String rule, boolean matched, String failed) implements Step {
        public String kind() {
            return "rule";
        }
    }

    /** -j CHAIN (or -g when {@code isGoto}) from rule {@code num} of {@code from} */
    record Jump(String table, String from, int num, String to, boolean isGoto) implements Step {
        public String kind() {
            return "jump";
        }
    }

    /** RETURN, or the end of a user chain, back into {@code to} */
    record Return(String table, String from, String to) implements Step {
        public String kind() {
            return "return";
        }
    }

    /** the built-in chain's policy decided */
    record Policy(String table, String chain, String verdict) implements Step {
        public String kind() {
            return "policy";
        }
    }

    /** a rule's target decided the packet's fate in this table */
    record Verdict(String table, String chain, int num, String rule, String target, String verdict) implements Step {
        public String kind() {
            return "verdict";
        }
    }

    /**
     * The conntrack lookup (nf_conntrack_in): {@code result} is one of new, hit-original,
     * hit-reply, related, invalid, table-full, untracked, attached (the packet already carried
     * an entry: looped back, or a reply the stack generated for a packet); {@code ctstate} as
     * {@code -m conntrack --ctstate} sees it; {@code entry} the entry's tuples; {@code embedded}
     * the tuple quoted by an ICMP error; {@code reason} why invalid or dropped.
     */
    record Conntrack(String hook, String result, String ctstate, String entry, String embedded, String reason,
                     String verdict) implements Step {
        public String kind() {
            return "conntrack";
        }
    }

    /**
     * The NAT hook function of {@code hook} (nf_nat_ipv4_fn): {@code binding} is "made" when the
     * nat table (or the null binding) chose the entry's mapping for this manip now, "existing"
     * when it was chosen for an earlier packet, "icmp" for an ICMP error's inner translation;
     * {@code reply} is the entry's reply tuple after it; {@code before}/{@code after} the header.
     */
    record Nat(String hook, String manip, String binding, String reply, Header before, Header after, String verdict)
            implements Step {
        public String kind() {
            return "nat";
        }

        public boolean rewrote() {
            return !before.equals(after);
        }
    }

    /**
     * A routing decision: {@code type} is local, forward, output or reroute; {@code route} the
     * FIB entry that decided (as {@code ip route} shows it); {@code out} the output device,
     * {@code nexthop} the gateway or the destination itself.
     */
    record Route(String type, String route, String out, String nexthop) implements Step {
        public String kind() {
            return "route";
        }
    }

    /** a conntrack event delivered while this packet was processed ({@code conntrack -E} line) */
    record Event(String line) implements Step {
        public String kind() {
            return "event";
        }
    }

    /** the stack made another packet because of this one (ICMP error, RST, echo reply) */
    record Generated(int id, Header header, String why) implements Step {
        public String kind() {
            return "generated";
        }
    }
}
