package dev.hairpin.rules.iptables;

import dev.hairpin.rules.Ruleset;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The iptables command as iptables-nft 1.8.9 behaves: output, messages, exit status. */
class IptablesCommandTest {
    private final Ruleset rs = new Ruleset();

    private Iptables.Result ipt(String... args) {
        return Iptables.run(rs, args);
    }

    private String S(String... extra) {
        return ipt(extra.length == 0 ? new String[] {"-S"} : extra).stdout();
    }

    @Test
    void appendInsertDeleteReplace() {
        assertThat(ipt("-A", "INPUT", "-s", "10.0.0.1", "-p", "tcp", "--dport", "22", "-j", "ACCEPT").exitCode()).isZero();
        assertThat(ipt("-I", "INPUT", "-i", "lo", "-j", "ACCEPT").exitCode()).isZero();
        assertThat(ipt("-I", "INPUT", "3", "-j", "DROP").exitCode()).isZero();
        assertThat(S()).isEqualTo("""
                -P INPUT ACCEPT
                -P FORWARD ACCEPT
                -P OUTPUT ACCEPT
                -A INPUT -i lo -j ACCEPT
                -A INPUT -s 10.0.0.1/32 -p tcp -m tcp --dport 22 -j ACCEPT
                -A INPUT -j DROP
                """);
        assertThat(ipt("-D", "INPUT", "-s", "10.0.0.1/32", "-p", "tcp", "-m", "tcp", "--dport", "22", "-j", "ACCEPT")
                .exitCode()).isZero();
        assertThat(ipt("-R", "INPUT", "2", "-j", "REJECT").exitCode()).isZero();
        assertThat(ipt("-D", "INPUT", "1").exitCode()).isZero();
        assertThat(S("-S", "INPUT")).isEqualTo("-P INPUT ACCEPT\n-A INPUT -j REJECT --reject-with icmp-port-unreachable\n");
    }

    @Test
    void multipleAddressesMakeOneRuleEach() {
        ipt("-A", "FORWARD", "-s", "10.0.0.1,10.0.0.2", "-d", "192.0.2.0/24", "-j", "ACCEPT");
        assertThat(S("-S", "FORWARD")).isEqualTo("""
                -P FORWARD ACCEPT
                -A FORWARD -s 10.0.0.1/32 -d 192.0.2.0/24 -j ACCEPT
                -A FORWARD -s 10.0.0.2/32 -d 192.0.2.0/24 -j ACCEPT
                """);
    }

    @Test
    void natTableRefusesDrop() {
        Iptables.Result r = ipt("-t", "nat", "-A", "POSTROUTING", "-j", "DROP");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).isEqualTo("iptables v1.8.9 (nf_tables): \nThe \"nat\" table is not intended for "
                + "filtering, the use of DROP is therefore inhibited.\n\n\nTry `iptables -h' or 'iptables --help' for "
                + "more information.\n");
        assertThat(ipt("-t", "nat", "-P", "PREROUTING", "DROP").exitCode()).isEqualTo(2);
    }

    @Test
    void errorsAsIptablesPrintsThem() {
        Iptables.Result r = ipt("-A", "nochain", "-j", "ACCEPT");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).isEqualTo("iptables: No chain/target/match by that name.\n");

        r = ipt("-A", "INPUT", "-j", "nochain");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).isEqualTo("iptables v1.8.9 (nf_tables): Chain 'nochain' does not exist\n"
                + "Try `iptables -h' or 'iptables --help' for more information.\n");

        r = ipt("-A", "INPUT", "--dport", "22");
        assertThat(r.stderr()).isEqualTo("iptables v1.8.9 (nf_tables): unknown option \"--dport\"\n"
                + "Try `iptables -h' or 'iptables --help' for more information.\n");

        r = ipt("-A", "INPUT", "-p", "tcp", "--dport");
        assertThat(r.stderr()).startsWith("iptables v1.8.9 (nf_tables): option \"--dport\" requires an argument\n");

        r = ipt("-D", "INPUT", "-j", "ACCEPT");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).isEqualTo("iptables: Bad rule (does a matching rule exist in that chain?).\n");

        r = ipt("-P", "INPUT", "FOO");
        assertThat(r.stderr()).isEqualTo("iptables: Bad policy name. Run `dmesg' for more information.\n");

        r = ipt("-t", "foo", "-L");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stderr()).isEqualTo("iptables v1.8.9 (nf_tables): table 'foo' does not exist\n"
                + "Perhaps iptables or your kernel needs to be upgraded.\n");

        r = ipt("-A", "INPUT", "-s", "10.0.0.1", "-s", "10.0.0.2");
        assertThat(r.stderr()).startsWith("iptables v1.8.9 (nf_tables): multiple -s flags not allowed\n");

        r = ipt("-A", "OUTPUT", "-i", "eth0");
        assertThat(r.stderr()).startsWith("iptables v1.8.9 (nf_tables): Can't use -i with OUTPUT\n\n");

        r = ipt("-L", "-A", "INPUT");
        assertThat(r.stderr()).startsWith("iptables v1.8.9 (nf_tables): Cannot use -A with -L\n");

        r = ipt("-A", "INPUT", "-d", "!", "10.0.0.1");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).isEqualTo("Bad argument `10.0.0.1'\nTry `iptables -h' or 'iptables --help' for more "
                + "information.\n");
    }

    @Test
    void chainsCreateRenameDelete() {
        assertThat(ipt("-N", "web").exitCode()).isZero();
        assertThat(ipt("-N", "web").stderr()).isEqualTo("iptables: Chain already exists.\n");
        ipt("-A", "INPUT", "-p", "tcp", "-j", "web");
        ipt("-A", "web", "-j", "RETURN");
        assertThat(ipt("-X", "web").stderr()).isEqualTo(
                "iptables v1.8.9 (nf_tables):  CHAIN_DEL failed (Device or resource busy): chain web\n");
        assertThat(ipt("-E", "web", "www").exitCode()).isZero();
        assertThat(S()).isEqualTo("""
                -P INPUT ACCEPT
                -P FORWARD ACCEPT
                -P OUTPUT ACCEPT
                -N www
                -A INPUT -p tcp -j www
                -A www -j RETURN
                """);
        ipt("-F");
        assertThat(ipt("-X").exitCode()).isZero();
        assertThat(S()).isEqualTo("-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n");
        assertThat(ipt("-N", "LOG").stderr()).startsWith("iptables v1.8.9 (nf_tables): chain name may not clash");
    }

    @Test
    void listFormats() {
        ipt("-P", "FORWARD", "DROP");
        ipt("-N", "x");
        ipt("-A", "FORWARD", "-i", "eth0", "-o", "eth1", "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j",
                "ACCEPT");
        ipt("-A", "FORWARD", "-j", "x");
        assertThat(ipt("-L", "FORWARD").stdout()).isEqualTo("""
                Chain FORWARD (policy DROP)
                target     prot opt source               destination        \s
                ACCEPT     all  --  anywhere             anywhere             ctstate RELATED,ESTABLISHED
                x          all  --  anywhere             anywhere           \s
                """);
        assertThat(ipt("-L", "x", "-n", "-v", "-x", "--line-numbers").stdout()).isEqualTo("""
                Chain x (1 references)
                num      pkts      bytes target     prot opt in     out     source               destination        \s
                """);
        assertThat(ipt("-v", "-C", "FORWARD", "-j", "x").stdout())
                .isEqualTo("x  all opt -- in * out *  0.0.0.0/0  -> 0.0.0.0/0  \n");
    }

    @Test
    void countersAndZero() {
        ipt("-A", "INPUT", "-c", "5", "300", "-j", "ACCEPT");
        assertThat(S("-S", "-v")).contains("-A INPUT -c 5 300 -j ACCEPT");
        assertThat(ipt("-L", "INPUT", "-v").stdout()).contains("    5   300 ACCEPT     all  --  any    any     anywhere");
        ipt("-Z", "INPUT");
        assertThat(S("-S", "-v")).contains("-A INPUT -c 0 0 -j ACCEPT");
    }

    @Test
    void versionAndHelp() {
        assertThat(ipt("-V").stdout()).isEqualTo("iptables v1.8.9 (nf_tables)\n");
        assertThat(ipt("-h").stdout()).startsWith("iptables v1.8.9 (nf_tables)\n\nUsage: iptables -[ACD] chain");
    }
}
