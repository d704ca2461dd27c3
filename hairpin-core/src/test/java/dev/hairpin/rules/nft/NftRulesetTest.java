package dev.hairpin.rules.nft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hairpin.packet.Hooks;
import dev.hairpin.rules.TableDef;
import dev.hairpin.rules.iptables.IptablesSave;
import org.junit.jupiter.api.Test;

/**
 * Reading `nft list ruleset` (nft 1.0.6's layout, as recorded in conformance/nft-firewall-nat)
 * into iptables-equivalent rules: base chains with hook, priority and policy, regular chains as
 * user chains, ip6 tables ignored, and a clear refusal of what is not modelled.
 */
class NftRulesetTest {
    static final String RULESET = """
            table inet fw {
            	chain forward {
            		type filter hook forward priority filter + 10; policy drop;
            		ct state established,related counter packets 3 bytes 120 accept
            		iifname "eth0" oifname != "eth1" jump lan_out
            	}

            	chain lan_out {
            		tcp dport { 22, 25 } counter packets 0 bytes 0 drop
            		ip saddr 10.0.0.0/24 udp sport 1000-2000 accept
            	}
            }
            table ip6 v6 {
            	chain x {
            		type filter hook input priority 0; policy drop;
            	}
            }
            table ip natfw {
            	chain pre {
            		type nat hook prerouting priority dstnat - 5; policy accept;
            		iifname "eth1" tcp dport 8080 counter packets 0 bytes 0 dnat to 10.0.0.5:80
            		iifname "eth0" tcp dport 3128 redirect to :3129
            	}

            	chain post {
            		type nat hook postrouting priority 100; policy accept;
            		oifname "eth1" ip saddr 10.0.0.3 meta l4proto tcp snat to 203.0.113.5-203.0.113.6:1024-2048 persistent
            		oifname "eth1" masquerade fully-random
            	}
            }
            """;

    @Test
    void baseChainsBecomeBuiltInChainsWithTheRulesTranslated() {
        NftRuleset n = NftRuleset.parse(RULESET, "nft-ruleset.txt");
        assertThat(n.chains).extracting(NftRuleset.BaseChain::name).containsExactly("forward", "pre", "post");
        NftRuleset.BaseChain fw = n.chains.get(0);
        assertThat(fw.hook()).isEqualTo(Hooks.FORWARD);
        assertThat(fw.priority()).isEqualTo(10);
        assertThat(IptablesSave.save(fw.rules())).contains(":FORWARD DROP [0:0]\n", ":lan_out - [0:0]\n").contains("""
                -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
                -A FORWARD -i eth0 ! -o eth1 -j lan_out
                -A lan_out -p tcp -m multiport --dports 22,25 -j DROP
                -A lan_out -s 10.0.0.0/24 -p udp -m udp --sport 1000:2000 -j ACCEPT
                """);
        NftRuleset.BaseChain pre = n.chains.get(1);
        assertThat(pre.priority()).isEqualTo(-105);
        assertThat(pre.rules().table(TableDef.NAT)).isNotNull();
        assertThat(IptablesSave.save(pre.rules())).contains("""
                -A PREROUTING -i eth1 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80
                -A PREROUTING -i eth0 -p tcp -m tcp --dport 3128 -j REDIRECT --to-ports 3129
                """);
        assertThat(IptablesSave.save(n.chains.get(2).rules())).contains("""
                -A POSTROUTING -s 10.0.0.3/32 -o eth1 -p tcp -j SNAT --to-source 203.0.113.5-203.0.113.6:1024-2048 --persistent
                -A POSTROUTING -o eth1 -j MASQUERADE --random-fully
                """);
    }

    @Test
    void whatIsNotModelledIsRefusedWithItsLine() {
        String text = """
                table ip filter {
                	chain input {
                		type filter hook input priority 0; policy accept;
                		ip dscp cs1 accept
                	}
                }
                """;
        assertThatThrownBy(() -> NftRuleset.parse(text, "nft-ruleset.txt"))
                .hasMessage("nft-ruleset.txt:4: nft expression `ip dscp` is not modelled");
    }
}
