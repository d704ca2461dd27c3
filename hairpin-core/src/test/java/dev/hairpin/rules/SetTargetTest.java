package dev.hairpin.rules;

import dev.hairpin.ipset.IpSets;
import dev.hairpin.ipset.IpsetCommand;
import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.iptables.Iptables;
import dev.hairpin.rules.iptables.IptablesRestore;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * -j SET changes the ipsets the rules name (xt_set's set_target_v3): the element the packet makes
 * is added with the rule's timeout or the set's, left alone when already there unless --exist
 * renews it, deleted by --del-set; the rule then goes on to the next one.
 */
class SetTargetTest {
    private long now = 1_000_000_000_000L;
    private final IpSets sets = new IpSets(() -> now);

    private void ipset(String... argv) {
        assertThat(IpsetCommand.run(sets, List.of(argv), null).exitCode()).isZero();
    }

    /** the element lines of "ipset list NAME" */
    private List<String> members(String name) {
        String out = IpsetCommand.run(sets, List.of("list", name), null).stdout();
        return out.substring(out.indexOf("Members:\n") + 9).lines().toList();
    }

    private Ruleset load(String rules) {
        Ruleset rs = new Ruleset();
        sets.all().forEach(s -> rs.ipsets().add(s.name));
        Iptables.Result r = IptablesRestore.restore(rs, rules);
        assertThat(r.stderr()).isEmpty();
        assertThat(r.exitCode()).isZero();
        return rs;
    }

    private int input(Ruleset rs, Skb skb) {
        FakeServices svc = new FakeServices();
        svc.ipsets = sets::get;
        XtParam par = new XtParam();
        par.services = svc;
        return rs.table("filter").doTable(Hooks.LOCAL_IN, skb, par);
    }

    @Test
    void addsAndDeletesThePacketsElements() {
        ipset("create", "blk", "hash:ip", "timeout", "60");
        ipset("create", "svc", "hash:ip,port");
        Ruleset rs = load("""
                *filter
                :INPUT ACCEPT [0:0]
                -A INPUT -p udp -j SET --add-set blk src --timeout 30
                -A INPUT -p udp -j SET --add-set svc dst,dst
                -A INPUT -s 192.0.2.9/32 -j SET --del-set blk src
                COMMIT
                """);
        input(rs, Packets.udp("192.0.2.7", 5000, "198.51.100.1", 53));
        input(rs, Packets.udp("192.0.2.9", 5000, "198.51.100.1", 123));
        assertThat(members("blk")).containsExactly("192.0.2.7 timeout 30");
        assertThat(members("svc")).containsExactlyInAnyOrder("198.51.100.1,udp:53", "198.51.100.1,udp:123");
    }

    @Test
    void anElementAlreadyThereIsRenewedOnlyWithExist() {
        ipset("create", "seen", "hash:ip", "timeout", "100");
        ipset("create", "kept", "hash:ip", "timeout", "100");
        Ruleset rs = load("""
                *filter
                :INPUT ACCEPT [0:0]
                -A INPUT -j SET --add-set seen src
                -A INPUT -j SET --add-set kept src --exist
                COMMIT
                """);
        input(rs, Packets.tcp("203.0.113.5", 1000, "198.51.100.1", 22, 0x02));
        now += 40_000_000_000L;
        input(rs, Packets.tcp("203.0.113.5", 1000, "198.51.100.1", 22, 0x10));
        assertThat(members("seen")).containsExactly("203.0.113.5 timeout 60");
        assertThat(members("kept")).containsExactly("203.0.113.5 timeout 100");
    }
}
