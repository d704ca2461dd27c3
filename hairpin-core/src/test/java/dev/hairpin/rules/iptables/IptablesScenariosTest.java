package dev.hairpin.rules.iptables;

import dev.hairpin.rules.Ruleset;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Command sequences in the spirit of iptables' own shell tests (tests/shell/testcases/iptables):
 * exit codes and messages of failing commands, -v echo lines, -S forms, rule replacement and
 * counter zeroing, as iptables-nft 1.8.9 behaves.
 */
class IptablesScenariosTest {
    private final Ruleset rs = new Ruleset();

    private Iptables.Result run(String line) {
        return Iptables.run(rs, ExtensionTestFilesTest.split(line));
    }

    private void ok(String line) {
        Iptables.Result r = run(line);
        assertThat(r.stderr()).as(line).isEmpty();
        assertThat(r.exitCode()).as(line).isZero();
    }

    private void fails(int code, String message, String line) {
        Iptables.Result r = run(line);
        assertThat(r.exitCode()).as(line).isEqualTo(code);
        assertThat(r.stderr()).as(line).contains(message);
    }

    @Test
    void returnCodesAndMessages() {
        String eexistF = "iptables: File exists.";
        String eexist = "iptables: Chain already exists.";
        String enoent = "iptables: No chain/target/match by that name.";
        String badRule = "iptables: Bad rule (does a matching rule exist in that chain?).";
        ok("-N foo");
        fails(1, eexist, "-N foo");
        ok("-F foo");
        ok("-Z foo");
        fails(1, enoent, "-F bar");
        fails(1, enoent, "-Z bar");
        ok("-E foo bar");
        fails(1, eexistF, "-E foo bar");
        fails(1, enoent, "-E foo bar2");
        ok("-N foo2");
        fails(1, eexistF, "-E foo2 bar");
        ok("-A INPUT -j ACCEPT");
        fails(1, enoent, "-A noexist -j ACCEPT");
        fails(2, "Chain 'foobar' does not exist", "-I INPUT -j foobar");
        fails(2, "Chain 'foobar' does not exist", "-R INPUT 1 -j foobar");
        fails(2, "Chain 'foobar' does not exist", "-D INPUT -j foobar");
        fails(1, badRule, "-D INPUT -p tcp --dport 22 -j ACCEPT");
        fails(1, "iptables: Index of insertion too big.", "-I INPUT 23 -j ACCEPT");
        fails(1, "iptables: Index of deletion too big.", "-D INPUT 23");
        fails(1, "iptables: Index of replacement too big.", "-R INPUT 23 -j ACCEPT");
        fails(1, enoent, "-I nonexist 23 -j ACCEPT");
        fails(1, enoent, "-D nonexist 23");
        fails(1, enoent, "-R nonexist 23 -j ACCEPT");
        ok("-C INPUT -j ACCEPT");
        fails(1, badRule, "-C FORWARD -j ACCEPT");
        fails(1, badRule, "-C nonexist -j ACCEPT");
        fails(2, "iptables v1.8.9 (nf_tables): Couldn't load match `foobar':No such file or directory",
                "-C INPUT -m foobar -j ACCEPT");
        fails(2, "Chain 'foobar' does not exist", "-C INPUT -j foobar");
        fails(3, "table 'foobar' does not exist", "-t foobar -C INPUT -j ACCEPT");
    }

    @Test
    void referencesCountOnlyJumps() {
        ok("-N foo");
        assertThat(run("-L").stdout()).contains("Chain foo (0 references)");
        ok("-A foo -j ACCEPT");
        assertThat(run("-L").stdout()).contains("Chain foo (0 references)");
        ok("-A FORWARD -j foo");
        assertThat(run("-L").stdout()).contains("Chain foo (1 references)");
    }

    @Test
    void verboseEchoesEachRuleAndChain() {
        String rule1 = "-i eth2 -o eth3 -s 10.0.0.1 -d 10.0.0.2 -j ACCEPT";
        String vout1 = "ACCEPT  all opt -- in eth2 out eth3  10.0.0.1  -> 10.0.0.2  \n";
        String rule2 = "-i eth2 -o eth3 -s 10.0.0.4 -d 10.0.0.5 -j ACCEPT";
        String vout2 = "ACCEPT  all opt -- in eth2 out eth3  10.0.0.4  -> 10.0.0.5  \n";
        assertThat(run("-v -A FORWARD " + rule1).stdout()).isEqualTo(vout1);
        assertThat(run("-v -I FORWARD 2 " + rule2).stdout()).isEqualTo(vout2);
        assertThat(run("-v -C FORWARD " + rule1).stdout()).isEqualTo(vout1);
        assertThat(run("-v -C FORWARD " + rule2).stdout()).isEqualTo(vout2);
        assertThat(run("-v -n -L").stdout()).isEqualTo("""
                Chain INPUT (policy ACCEPT 0 packets, 0 bytes)
                 pkts bytes target     prot opt in     out     source               destination         \n
                Chain FORWARD (policy ACCEPT 0 packets, 0 bytes)
                 pkts bytes target     prot opt in     out     source               destination         \n\
                    0     0 ACCEPT     0    --  eth2   eth3    10.0.0.1             10.0.0.2            \n\
                    0     0 ACCEPT     0    --  eth2   eth3    10.0.0.4             10.0.0.5            \n
                Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)
                 pkts bytes target     prot opt in     out     source               destination         \n""");
        assertThat(run("-v -N foobar").stdout()).isEmpty();
        assertThat(run("-v -D FORWARD " + rule1).stdout()).isEqualTo(vout1);
        assertThat(run("-v -D FORWARD " + rule2).stdout()).isEqualTo(vout2);
        assertThat(run("-v -F").stdout()).isEqualTo(
                "Flushing chain `INPUT'\nFlushing chain `FORWARD'\nFlushing chain `OUTPUT'\nFlushing chain `foobar'\n");
        assertThat(run("-v -Z").stdout()).isEqualTo(
                "Zeroing chain `INPUT'\nZeroing chain `FORWARD'\nZeroing chain `OUTPUT'\nZeroing chain `foobar'\n");
        assertThat(run("-v -F OUTPUT").stdout()).isEqualTo("Flushing chain `OUTPUT'\n");
        assertThat(run("-v -Z OUTPUT").stdout()).isEqualTo("Zeroing chain `OUTPUT'\n");
        assertThat(run("-v -F foobar").stdout()).isEqualTo("Flushing chain `foobar'\n");
        assertThat(run("-v -Z foobar").stdout()).isEqualTo("Zeroing chain `foobar'\n");
        assertThat(run("-v -X foobar").stdout()).isEqualTo("Deleting chain `foobar'\n");
        for (String quiet : new String[] {"-N foobar", "-A foobar " + rule1, "-A foobar " + rule2,
            "-C foobar " + rule1, "-D foobar " + rule2, "-F foobar", "-X foobar"}) {
            assertThat(run(quiet).stdout()).as(quiet).isEmpty();
        }
    }

    @Test
    void listRules() {
        ok("-N foo");
        ok("-A FORWARD -i eth23 -o eth42 -j ACCEPT");
        ok("-A FORWARD -i eth42 -o eth23 -g foo");
        ok("-t nat -A OUTPUT -o eth123 -m mark --mark 0x42 -j ACCEPT");
        assertThat(run("-S").stdout()).isEqualTo("""
                -P INPUT ACCEPT
                -P FORWARD ACCEPT
                -P OUTPUT ACCEPT
                -N foo
                -A FORWARD -i eth23 -o eth42 -j ACCEPT
                -A FORWARD -i eth42 -o eth23 -g foo
                """);
        assertThat(run("-v -S").stdout()).isEqualTo("""
                -P INPUT ACCEPT -c 0 0
                -P FORWARD ACCEPT -c 0 0
                -P OUTPUT ACCEPT -c 0 0
                -N foo
                -A FORWARD -i eth23 -o eth42 -c 0 0 -j ACCEPT
                -A FORWARD -i eth42 -o eth23 -c 0 0 -g foo
                """);
        assertThat(run("-v -S FORWARD").stdout()).isEqualTo("""
                -P FORWARD ACCEPT -c 0 0
                -A FORWARD -i eth23 -o eth42 -c 0 0 -j ACCEPT
                -A FORWARD -i eth42 -o eth23 -c 0 0 -g foo
                """);
        assertThat(run("-t nat -S OUTPUT").stdout()).isEqualTo("""
                -P OUTPUT ACCEPT
                -A OUTPUT -o eth123 -m mark --mark 0x42 -j ACCEPT
                """);
        assertThat(run("-v -t nat -S OUTPUT").stdout()).isEqualTo("""
                -P OUTPUT ACCEPT -c 0 0
                -A OUTPUT -o eth123 -m mark --mark 0x42 -c 0 0 -j ACCEPT
                """);
        assertThat(run("-S nonexistent").exitCode()).isEqualTo(1);
        assertThat(run("-S nonexistent 23").exitCode()).isEqualTo(1);
        assertThat(run("-S FORWARD 234").exitCode()).isZero();
    }

    @Test
    void deleteComparesTargetsAndTheirOptions() {
        ok("-A FORWARD -i eth23 -o eth42 -j DROP");
        assertThat(run("-D FORWARD -i eth23 -o eth42 -j REJECT").exitCode()).isEqualTo(1);
        ok("-A FORWARD -i eth23 -o eth42 -j MARK --set-mark 23");
        assertThat(run("-D FORWARD -i eth23 -o eth42 -j MARK --set-mark 42").exitCode()).isEqualTo(1);
        ok("-D FORWARD -i eth23 -o eth42 -j MARK --set-mark 23");
    }

    @Test
    void replaceKeepsThePosition() {
        ok("-A FORWARD -m comment --comment \"rule 1\" -j ACCEPT");
        ok("-A FORWARD -m comment --comment \"rule 2\" -j ACCEPT");
        ok("-A FORWARD -m comment --comment \"rule 3\" -j ACCEPT");
        ok("-R FORWARD 2 -m comment --comment \"replaced 2\" -j ACCEPT");
        ok("-R FORWARD 1 -m comment --comment \"replaced 1\" -j ACCEPT");
        ok("-R FORWARD 3 -m comment --comment \"replaced 3\" -j ACCEPT");
        assertThat(run("-S FORWARD").stdout()).isEqualTo("""
                -P FORWARD ACCEPT
                -A FORWARD -m comment --comment "replaced 1" -j ACCEPT
                -A FORWARD -m comment --comment "replaced 2" -j ACCEPT
                -A FORWARD -m comment --comment "replaced 3" -j ACCEPT
                """);
    }

    private String saveLine(String grep) {
        return IptablesSave.save(rs, new IptablesSave.Options(true, null, () -> "now")).stdout().lines()
                .filter(l -> l.contains(grep)).findFirst().orElseThrow();
    }

    @Test
    void zeroCountersOfARuleAChainOrAll() {
        Iptables.Result r = IptablesRestore.restore(rs, """
                *filter
                :INPUT ACCEPT [1:23]
                :FOO - [0:0]
                [12:345] -A INPUT -i lo -p icmp -m comment --comment "1234"
                [22:123] -A FOO -m comment --comment one
                [44:123] -A FOO -m comment --comment two
                [66:123] -A FOO -m comment --comment three
                COMMIT
                """, new IptablesRestore.Options(true, false, false, null));
        assertThat(r.exitCode()).isZero();
        assertThat(saveLine("comment 1234")).startsWith("[12:345] ");
        ok("-Z FOO 2");
        assertThat(saveLine("comment two")).startsWith("[0:0] ");
        assertThat(saveLine("comment three")).startsWith("[66:123] ");
        ok("-Z FOO");
        assertThat(saveLine("comment 1234")).startsWith("[12:345] ");
        assertThat(saveLine("comment one")).startsWith("[0:0] ");
        ok("-Z");
        assertThat(saveLine("comment 1234")).startsWith("[0:0] ");
        assertThat(saveLine(":INPUT")).isEqualTo(":INPUT ACCEPT [0:0]");
    }
}
