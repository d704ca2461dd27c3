package dev.hairpin.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.ipset.IpSets;
import dev.hairpin.ipset.IpsetCommand;
import dev.hairpin.packet.Hooks;
import dev.hairpin.rules.iptables.Iptables;
import dev.hairpin.rules.iptables.IptablesRestore;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * -m set as xt_set's set_match_v4 and ip_set_test() did in the recording ipset-traffic: a set
 * with counters counts every test that finds the element (the rule's --packets-gt compares the
 * count including this packet; `! --update-counters` leaves it), --return-nomatch matches a
 * hash:net nomatch element and no longer the plain ones.
 */
class SetMatchTest {
    private final long now = 1_000_000_000_000L;
    private final IpSets sets = new IpSets(() -> now);

    private void ipset(String... argv) {
        assertThat(IpsetCommand.run(sets, List.of(argv), null).exitCode()).isZero();
    }

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

    private int forward(Ruleset rs, dev.hairpin.packet.Skb skb) {
        FakeServices svc = new FakeServices();
        svc.ipsets = sets::get;
        XtParam par = new XtParam();
        par.services = svc;
        return rs.table("filter").doTable(Hooks.FORWARD, skb, par);
    }

    @Test
    void countersCountEveryLookupAndPacketsGtSeesThisPacket() {
        ipset("create", "hiports", "bitmap:port", "range", "1000-2000", "counters");
        ipset("add", "hiports", "1605");
        Ruleset rs = load("""
                *filter
                :FORWARD ACCEPT [0:0]
                -A FORWARD -p udp -m set --match-set hiports dst --packets-gt 2 -j DROP
                -A FORWARD -p udp -m set --match-set hiports dst ! --update-counters -j ACCEPT
                COMMIT
                """);
        int[] verdicts = new int[4];
        for (int i = 0; i < 4; i++) {
            verdicts[i] = forward(rs, Packets.udp("10.0.0.3", 45000 + i, "198.51.100.99", 1605));
        }
        assertThat(verdicts).containsExactly(1, 1, 0, 0); // accept, accept, drop, drop
        assertThat(members("hiports")).containsExactly("1605 packets 4 bytes 112");
    }

    @Test
    void returnNomatchMatchesTheExceptionAndNotThePlainElement() {
        ipset("create", "blocklist", "hash:net");
        ipset("add", "blocklist", "198.51.100.64/26");
        ipset("add", "blocklist", "198.51.100.70", "nomatch");
        Ruleset rs = load("""
                *filter
                :FORWARD DROP [0:0]
                -A FORWARD -m set --match-set blocklist src --return-nomatch -j DROP
                -A FORWARD -m set --match-set blocklist src -j ACCEPT
                COMMIT
                """);
        // the exception matches the first rule only; the plain element the second only
        assertThat(forward(rs, Packets.tcp("198.51.100.70", 41001, "10.0.0.2", 80, 0x02))).isEqualTo(0);
        assertThat(forward(rs, Packets.tcp("198.51.100.65", 41000, "10.0.0.2", 80, 0x02))).isEqualTo(1);
        assertThat(forward(rs, Packets.tcp("198.51.100.20", 41000, "10.0.0.2", 80, 0x02))).isEqualTo(0);
    }
}
