package dev.hairpin.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.iptables.Iptables;
import dev.hairpin.rules.iptables.IptablesRestore;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * -m owner as xt_owner's owner_mt did in the recording owner-match: a process's socket (root:
 * uid 0, gid 0) is compared by uid/gid; the kernel's control socket that sends the stack's RSTs
 * and ICMP exists but has no file (--socket-exists matches, --uid-owner does not, ! --uid-owner
 * does); no socket (a closed socket's last ACK, REJECT's RST) matches only fully inverted rules.
 */
class OwnerMatchTest {
    static final List<String> RULES = List.of(
            "-m owner --socket-exists",
            "-m owner ! --socket-exists",
            "-m owner --uid-owner 0",
            "-m owner ! --uid-owner 0",
            "-m owner --uid-owner 1000-2000",
            "-m owner ! --uid-owner 1000-2000",
            "-m owner --gid-owner 0",
            "-m owner --socket-exists ! --uid-owner 0",
            "-m owner ! --gid-owner 0");

    /** which of RULES count the packet */
    private static boolean[] counted(Skb skb) {
        Ruleset rs = new Ruleset();
        StringBuilder sb = new StringBuilder("*filter\n:OUTPUT ACCEPT [0:0]\n");
        for (String r : RULES) {
            sb.append("-A OUTPUT ").append(r).append('\n');
        }
        sb.append("COMMIT\n");
        Iptables.Result res = IptablesRestore.restore(rs, sb.toString());
        assertThat(res.exitCode()).isZero();
        XtParam par = new XtParam();
        par.services = new FakeServices();
        rs.table("filter").doTable(Hooks.LOCAL_OUT, skb, par);
        List<Rule> rules = rs.table("filter").chain("OUTPUT").rules();
        boolean[] out = new boolean[RULES.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rules.get(i).counter().packets() > 0;
        }
        return out;
    }

    @Test
    void aProcessSocketIsComparedByUidAndGid() {
        Skb skb = Packets.tcp("203.0.113.1", 45000, "198.51.100.10", 80, 0x02);
        skb.owner = Skb.OWNER_PROCESS;
        assertThat(counted(skb)).containsExactly(true, false, true, false, false, true, true, false, false);
    }

    @Test
    void aKernelControlSocketExistsButHasNoOwner() {
        Skb skb = Packets.tcp("203.0.113.1", 23, "198.51.100.7", 41000, 0x14);
        skb.owner = Skb.OWNER_KERNEL;
        assertThat(counted(skb)).containsExactly(true, false, false, true, false, true, false, true, true);
    }

    @Test
    void withoutASocketOnlyInvertedOptionsHold() {
        Skb skb = Packets.tcp("203.0.113.1", 45000, "198.51.100.10", 80, 0x10);
        assertThat(counted(skb)).containsExactly(false, true, false, true, false, true, false, false, true);
    }
}
