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
    void metaSkuidIsOwnerAndItsNegationStillNeedsASocketWithAFile() {
        String text = """
                table ip own {
                	chain out {
                		type filter hook output priority filter; policy accept;
                		meta skuid 0 counter
                		meta skuid != 0 counter
                		meta skgid 1000-2000 counter
                	}
                }
                """;
        NftRuleset n = NftRuleset.parse(text, "nft-ruleset.txt");
        // nft breaks without a full socket with a file (recording nft-owner): != is not ! --uid-owner alone
        assertThat(IptablesSave.save(n.chains.get(0).rules())).contains("""
                -A OUTPUT -m owner --uid-owner 0
                -A OUTPUT -m owner ! --uid-owner 0 -m owner --uid-owner 0-4294967294
                -A OUTPUT -m owner --gid-owner 1000-2000
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

    /** nft 1.0.9's listing of sets, maps and several statements (as `nft list ruleset` printed it) */
    static final String SETS = """
            table inet t8 {
            	set blk {
            		type ipv4_addr
            		flags interval
            		elements = { 192.0.2.0/24,
            			     198.51.100.7 }
            	}

            	flowtable ft {
            		hook ingress priority filter
            		devices = { eth0, eth1 }
            	}

            	chain forward8 {
            		type filter hook forward priority filter; policy accept;
            		ip saddr @blk counter packets 0 bytes 0 drop
            		iifname { "eth0", "eth1" } meta l4proto { tcp, udp } th dport 53 accept
            		ct state vmap { invalid : drop, established : accept, related : jump lan }
            		icmp type { echo-reply, echo-request } counter packets 0 bytes 0 accept
            		ip protocol icmp icmp type destination-unreachable icmp code port-unreachable counter packets 0 bytes 0
            		tcp flags != syn / fin,syn,rst,ack drop
            		meta nfproto ipv6 counter packets 0 bytes 0 drop
            		ip6 saddr != ::1 icmpv6 type { nd-neighbor-solicit } accept
            		meta mark set 0x00000001 ct mark set meta mark accept
            		fib daddr type local drop
            		icmp type echo-request limit rate 10/minute burst 8 packets accept
            		limit rate 3/second accept
            		meta mark & 0x0000ff00 == 0x00000100 ct mark & 0x000000ff != 0x00000001 accept
            		oifname "veth*" accept
            		reject with icmpx admin-prohibited
            	}

            	chain lan {
            	}
            }
            table ip nat8 {
            	chain pre8 {
            		type nat hook prerouting priority dstnat; policy accept;
            		dnat to tcp dport map { 80 : 10.0.0.5, 443 : 10.0.0.6:8443 }
            	}

            	chain post8 {
            		type nat hook postrouting priority srcnat; policy accept;
            		oifname "eth1" masquerade random,persistent
            		oifname "eth1" ip daddr != { 10.0.0.0/8, 192.168.0.0/16 } masquerade
            		oifname "eth1" meta l4proto tcp snat ip to 203.0.113.5-203.0.113.9:1000-2000 fully-random,persistent
            	}
            }
            """;

    @Test
    void setsMapsAndStatementsBecomeOneRuleEach() {
        NftRuleset n = NftRuleset.parse(SETS, "nft-ruleset.txt");
        assertThat(n.chains).extracting(NftRuleset.BaseChain::name).containsExactly("forward8", "pre8", "post8");
        String fw = IptablesSave.save(n.chains.get(0).rules());
        assertThat(fw).startsWith("# Generated").contains("*filter\n", ":nft.24.0 - [0:0]\n").contains("""
                -A FORWARD -s 192.0.2.0/24 -j DROP
                -A FORWARD -s 198.51.100.7/32 -j DROP
                -A FORWARD -i eth0 -p tcp -m tcp --dport 53 -j ACCEPT
                -A FORWARD -i eth0 -p udp -m udp --dport 53 -j ACCEPT
                -A FORWARD -i eth1 -p tcp -m tcp --dport 53 -j ACCEPT
                -A FORWARD -i eth1 -p udp -m udp --dport 53 -j ACCEPT
                -A FORWARD -m conntrack --ctstate INVALID -j DROP
                -A FORWARD -m conntrack --ctstate ESTABLISHED -j ACCEPT
                -A FORWARD -m conntrack --ctstate RELATED -j lan
                -A FORWARD -p icmp -m icmp --icmp-type 0 -j ACCEPT
                -A FORWARD -p icmp -m icmp --icmp-type 8 -j ACCEPT
                -A FORWARD -p icmp -m icmp --icmp-type 3/3
                -A FORWARD -p tcp -m tcp ! --tcp-flags FIN,SYN,RST,ACK SYN -j DROP
                -A FORWARD -j nft.24.0
                -A FORWARD -m addrtype --dst-type LOCAL -j DROP
                -A FORWARD -p icmp -m icmp --icmp-type 8 -m nft --expr "limit rate 10/minute burst 8 packets" -j ACCEPT
                -A FORWARD -m nft --expr "limit rate 3/second" -j ACCEPT
                -A FORWARD -m mark --mark 0x100/0xff00 -m connmark ! --mark 0x1/0xff -j ACCEPT
                -A FORWARD -o veth+ -j ACCEPT
                -A FORWARD -j REJECT --reject-with icmp-admin-prohibited
                -A nft.24.0 -j MARK --set-xmark 0x1/0xffffffff
                -A nft.24.0 -j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff
                -A nft.24.0 -j ACCEPT
                """);
        assertThat(IptablesSave.save(n.chains.get(1).rules())).contains("""
                -A PREROUTING -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.5
                -A PREROUTING -p tcp -m tcp --dport 443 -j DNAT --to-destination 10.0.0.6:8443
                """);
        // persistent only picks among several addresses: masquerade has one
        assertThat(IptablesSave.save(n.chains.get(2).rules())).contains("""
                -A nft.45.0 -d 10.0.0.0/8 -j RETURN
                -A nft.45.0 -d 192.168.0.0/16 -j RETURN
                -A nft.45.0 -j MASQUERADE
                """).contains("""
                -A POSTROUTING -o eth1 -j MASQUERADE --random
                -A POSTROUTING -o eth1 -j nft.45.0
                -A POSTROUTING -o eth1 -p tcp -j SNAT --to-source 203.0.113.5-203.0.113.9:1000-2000 --random-fully --persistent
                """);
    }

    @Test
    void whatCannotBeRewrittenExactlyIsRefused() {
        String[][] cases = {
            {"udp dport 53 ip daddr set 10.0.0.9", "nft-ruleset.txt:4: nft expression `ip daddr set` is not modelled"},
            {"limit rate 10 gbytes/second accept", "nft-ruleset.txt:4: nft expression `limit rate 10 gbytes/second` is not modelled"},
            {"limit rate 2/fortnight accept", "nft-ruleset.txt:4: nft expression `limit rate 2/fortnight` is not modelled"},
            {"limit rate 2/second ip saddr 10.0.0.1 accept",
                "nft-ruleset.txt:4: a match after a stateful expression (`ip` after a limit, set update or ct count) is not modelled"},
            {"meta mark set 0x00000001 return", "nft-ruleset.txt:4: `return` or `goto` after another statement is not modelled"},
            {"ip saddr @nope drop", "nft-ruleset.txt:4: no set or map named nope in this table"},
            {"th dport 53 accept", "nft-ruleset.txt:4: nft expression `th dport without meta l4proto tcp or udp before it` is not modelled"},
            {"tcp flags syn,fin accept", "nft-ruleset.txt:4: nft expression `tcp flags syn,fin (a bare flag list tests any of them)` is not modelled"},
        };
        for (String[] c : cases) {
            String text = "table ip filter {\n\tchain input {\n\t\ttype filter hook input priority 0; policy accept;\n\t\t"
                    + c[0] + "\n\t}\n}\n";
            assertThatThrownBy(() -> NftRuleset.parse(text, "nft-ruleset.txt")).as(c[0]).hasMessage(c[1]);
        }
    }

    @Test
    void theListingAfterTrafficCannotTellACounterBeforeAMatch() {
        String text = "table ip f {\n\tchain input {\n\t\ttype filter hook input priority 0; policy accept;\n"
                + "\t\tip saddr 10.0.0.1 counter packets 0 bytes 0 drop\n"
                + "\t\tcounter packets 0 bytes 0 ip saddr 10.0.0.2 drop\n\t}\n}\n";
        NftRuleset n = NftRuleset.parse(text, "nft-ruleset.txt");
        assertThatThrownBy(() -> NftListing.render(n, new dev.hairpin.rules.Ruleset()))
                .hasMessage("line 5: a counter before a match counts what no rewritten rule does");
        String first = text.substring(0, text.indexOf("\t\tcounter")) + "\t}\n}\n";
        assertThat(NftListing.render(NftRuleset.parse(first, "nft-ruleset.txt"), new dev.hairpin.rules.Ruleset())).isEqualTo(first);
    }

    /** Docker's nftables backend style, as nft 1.0.9 listed it: named verdict maps keyed by interface */
    static final String DOCKER = """
            table ip docker-bridges {
            	map filter-forward-in-jumps {
            		type ifname : verdict
            		elements = { "docker0" : jump filter-forward-in__docker0 }
            	}

            	map filter-forward-out-jumps {
            		type ifname : verdict
            		elements = { "docker0" : jump filter-forward-out__docker0 }
            	}

            	chain filter-FORWARD {
            		type filter hook forward priority filter; policy accept;
            		oifname vmap @filter-forward-in-jumps
            		iifname vmap @filter-forward-out-jumps
            	}

            	chain filter-forward-in__docker0 {
            		ct state established,related counter packets 0 bytes 0 accept
            		iifname "docker0" counter packets 0 bytes 0 accept comment "ICC"
            		counter packets 0 bytes 0 drop comment "UNPUBLISHED PORT DROP"
            	}

            	chain filter-forward-out__docker0 {
            		ct state established,related counter packets 0 bytes 0 accept
            		counter packets 0 bytes 0 accept comment "OUTGOING"
            	}

            	chain nat-POSTROUTING {
            		type nat hook postrouting priority srcnat; policy accept;
            		oifname != "docker0" ip saddr 172.17.0.0/16 counter packets 0 bytes 0 masquerade comment "MASQUERADE"
            	}

            	chain nat-PREROUTING {
            		type nat hook prerouting priority dstnat; policy accept;
            		fib daddr type local counter packets 0 bytes 0 jump nat-prerouting-and-output
            	}

            	chain nat-prerouting-and-output {
            	}

            	chain raw-PREROUTING {
            		type filter hook prerouting priority raw; policy accept;
            		ip daddr 172.17.0.2 iifname != "docker0" counter packets 0 bytes 0 drop comment "DROP DIRECT ACCESS TO CONTAINERS"
            	}
            }
            """;

    @Test
    void namedVerdictMapsJumpAndEachBaseChainTakesOnlyTheChainsItReaches() {
        NftRuleset n = NftRuleset.parse(DOCKER, "nft-ruleset.txt");
        assertThat(n.chains).extracting(NftRuleset.BaseChain::name)
                .containsExactly("filter-FORWARD", "nat-POSTROUTING", "nat-PREROUTING", "raw-PREROUTING");
        assertThat(IptablesSave.save(n.chains.get(0).rules())).contains("""
                -A FORWARD -o docker0 -j filter-forward-in__docker0
                -A FORWARD -i docker0 -j filter-forward-out__docker0
                -A filter-forward-in__docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
                """);
        // the filter chains' DROP is in no nat chain's ruleset (iptables-restore would refuse it there)
        String post = IptablesSave.save(n.chains.get(1).rules());
        assertThat(post).contains("-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE\n").doesNotContain("filter-forward");
        assertThat(IptablesSave.save(n.chains.get(2).rules()))
                .contains("-A PREROUTING -m addrtype --dst-type LOCAL -j nat-prerouting-and-output\n");
    }

    /** {@code nft list ruleset} as nft 1.0 printed it (recorded in a namespace): kube-proxy's nftables mode style */
    static final String CONCAT = """
            table ip kp {
            	map service-ips {
            		type ipv4_addr . inet_proto . inet_service : verdict
            		elements = { 172.30.0.10 . tcp . 53 : goto svc-dns-tcp,
            			     172.30.0.10 . udp . 53 : goto svc-dns-udp }
            	}

            	set allowed {
            		type ifname . ipv4_addr . inet_service
            		flags interval
            		elements = { "eth0" . 10.0.0.0/24 . 22,
            			     "eth1" . 192.0.2.7 . 8000-8080 }
            	}

            	chain svc-dns-tcp {
            		meta l4proto tcp dnat to 10.0.0.5:53
            	}

            	chain svc-dns-udp {
            		meta l4proto udp dnat to 10.0.0.6:5353
            	}

            	chain pre {
            		type nat hook prerouting priority dstnat; policy accept;
            		ip daddr . meta l4proto . th dport vmap @service-ips
            	}

            	chain filt {
            		type filter hook forward priority filter; policy accept;
            		iifname . ip saddr . tcp dport @allowed accept
            		ip saddr . udp dport { 10.0.0.2 . 53, 10.0.0.3 . 123 } counter packets 0 bytes 0 drop
            		ip daddr . tcp dport vmap { 198.51.100.1 . 80 : accept, 198.51.100.2 . 443 : drop }
            	}
            }
            """;

    /**
     * A concatenated key is one match per field, each with its part of the element (a set's
     * elements never overlap, so one copy at most matches, as the one lookup would)
     */
    @Test
    void concatenationsBecomeOneMatchPerField() {
        NftRuleset n = NftRuleset.parse(CONCAT, "nft-ruleset.txt");
        assertThat(n.chains).extracting(NftRuleset.BaseChain::name).containsExactly("pre", "filt");
        assertThat(IptablesSave.save(n.chains.get(0).rules())).contains("""
                -A PREROUTING -d 172.30.0.10/32 -p tcp -m tcp --dport 53 -g svc-dns-tcp
                -A PREROUTING -d 172.30.0.10/32 -p udp -m udp --dport 53 -g svc-dns-udp
                -A svc-dns-tcp -p tcp -j DNAT --to-destination 10.0.0.5:53
                -A svc-dns-udp -p udp -j DNAT --to-destination 10.0.0.6:5353
                """);
        assertThat(IptablesSave.save(n.chains.get(1).rules())).contains("""
                -A FORWARD -s 10.0.0.0/24 -i eth0 -p tcp -m tcp --dport 22 -j ACCEPT
                -A FORWARD -s 192.0.2.7/32 -i eth1 -p tcp -m tcp --dport 8000:8080 -j ACCEPT
                -A FORWARD -s 10.0.0.2/32 -p udp -m udp --dport 53 -j DROP
                -A FORWARD -s 10.0.0.3/32 -p udp -m udp --dport 123 -j DROP
                -A FORWARD -d 198.51.100.1/32 -p tcp -m tcp --dport 80 -j ACCEPT
                -A FORWARD -d 198.51.100.2/32 -p tcp -m tcp --dport 443 -j DROP
                """);
        String bad = CONCAT.replace("{ 10.0.0.2 . 53, 10.0.0.3 . 123 }", "{ 10.0.0.2 . 53 . 7 }");
        assertThatThrownBy(() -> NftRuleset.parse(bad, "nft-ruleset.txt"))
                .hasMessage("nft-ruleset.txt:31: element `10.0.0.2 . 53 . 7` has 3 parts, the key 2 fields");
        // negated: a chain that RETURNs for each element, then does the rule's statement
        String negated = CONCAT.replace("ip saddr . udp dport {", "ip saddr . udp dport != {");
        assertThat(IptablesSave.save(NftRuleset.parse(negated, "nft-ruleset.txt").chains.get(1).rules())).contains("""
                -A FORWARD -j nft.31.0
                """).contains("""
                -A nft.31.0 -s 10.0.0.2/32 -p udp -m udp --dport 53 -j RETURN
                -A nft.31.0 -s 10.0.0.3/32 -p udp -m udp --dport 123 -j RETURN
                -A nft.31.0 -j DROP
                """);
    }

    /** kube-proxy's nftables mode (the nft-kube-proxy recording's shapes) */
    @Test
    void kubeProxysNumgenMarksCommentsAndLongChainNames() {
        String text = """
                table ip kube-proxy {
                	comment "rules for kube-proxy"
                	map service-ips {
                		type ipv4_addr . inet_proto . inet_service : verdict
                		comment "ClusterIP, ExternalIP and LoadBalancer IP traffic"
                		elements = { 10.96.0.10 . tcp . 80 : goto service-ULMVA6XW-default/web/tcp/p80 }
                	}

                	chain mark-for-masquerade {
                		meta mark set meta mark | 0x00004000
                	}

                	chain masquerading {
                		meta mark & 0x00004000 == 0x00000000 return
                		meta mark set meta mark ^ 0x00004000
                		masquerade fully-random
                	}

                	chain nat-prerouting {
                		type nat hook prerouting priority dstnat; policy accept;
                		ip daddr . meta l4proto . th dport vmap @service-ips
                	}

                	chain nat-postrouting {
                		type nat hook postrouting priority srcnat; policy accept;
                		jump masquerading
                	}

                	chain service-ULMVA6XW-default/web/tcp/p80 {
                		ip daddr 10.96.0.10 tcp dport 80 ip saddr != 10.0.0.0/24 jump mark-for-masquerade
                		numgen random mod 3 vmap { 0 : goto endpoint-A, 2 : goto endpoint-C, 1 : goto endpoint-B, 3 : drop }
                	}

                	chain endpoint-A {
                		meta l4proto tcp dnat to 10.0.0.5:8080
                	}

                	chain endpoint-B {
                		meta l4proto tcp dnat to 10.0.0.6:8080
                	}

                	chain endpoint-C {
                		meta l4proto tcp dnat to 10.0.0.7:8080
                	}
                }
                """;
        NftRuleset n = NftRuleset.parse(text, "nft-ruleset.txt");
        // each value 1/3: the first element present 1/3, the next 1/2 of what is left, the last all
        // of it; 3 is never drawn; the long name is aliased, the marks are MARK's --or/--xor-mark
        assertThat(IptablesSave.save(n.chains.get(0).rules())).contains("""
                -A PREROUTING -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -g service-ULMVA6XW-defau~0
                """).contains("""
                -A service-ULMVA6XW-defau~0 ! -s 10.0.0.0/24 -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -j mark-for-masquerade
                -A service-ULMVA6XW-defau~0 -m statistic --mode random --probability 0.33333333349 -g endpoint-A
                -A service-ULMVA6XW-defau~0 -m statistic --mode random --probability 0.50000000000 -g endpoint-C
                -A service-ULMVA6XW-defau~0 -g endpoint-B
                """).contains("-A mark-for-masquerade -j MARK --set-xmark 0x4000/0x4000\n");
        assertThat(IptablesSave.save(n.chains.get(1).rules())).contains("""
                -A masquerading -m mark --mark 0x0/0x4000 -j RETURN
                -A masquerading -j MARK --set-xmark 0x4000/0x0
                -A masquerading -j MASQUERADE --random-fully
                """);
        String jump = text.replace("1 : goto endpoint-B", "1 : jump endpoint-B");
        assertThatThrownBy(() -> NftRuleset.parse(jump, "nft-ruleset.txt"))
                .hasMessage("nft-ruleset.txt:31: numgen's verdict map with `jump` (the walk goes on past the map: not modelled)");
    }

    /** an element's comment (kube-proxy writes one on each) is no part of its key, a comma in it no separator */
    @Test
    void elementCommentsAreNotKeys() {
        String text = """
                table ip kube-proxy {
                	map no-endpoint-services {
                		type ipv4_addr . inet_proto . inet_service : verdict
                		elements = { 10.96.0.44 . tcp . 80 comment "ns2/svc2:p80, no endpoints" : goto reject-chain,
                			     10.96.0.45 . udp . 53 comment "ns2/dns" : drop }
                	}

                	chain reject-chain {
                		comment "helper for @no-endpoint-services / @no-endpoint-nodeports"
                		reject
                	}

                	chain filter-forward {
                		type filter hook forward priority -110; policy accept;
                		ct state new ip daddr . meta l4proto . th dport vmap @no-endpoint-services
                	}
                }
                """;
        assertThat(IptablesSave.save(NftRuleset.parse(text, "nft-ruleset.txt").chains.get(0).rules())).contains("""
                -A FORWARD -d 10.96.0.44/32 -p tcp -m conntrack --ctstate NEW -m tcp --dport 80 -g reject-chain
                -A FORWARD -d 10.96.0.45/32 -p udp -m conntrack --ctstate NEW -m udp --dport 53 -j DROP
                -A reject-chain -j REJECT --reject-with icmp-port-unreachable
                """);
    }

    /** OpenWrt fw4's shapes (the nft-openwrt-fw4 recording's) */
    @Test
    void fw4MtuFixBareSynAndIpv6RulesWithSets() {
        String text = """
                table inet fw4 {
                	chain forward_wan {
                		icmpv6 type { destination-unreachable, echo-request } limit rate 1000/second counter packets 0 bytes 0 accept comment "!fw4: Allow-ICMPv6-Forward"
                		ct status dnat accept comment "!fw4: Accept port forwards"
                	}

                	chain mangle_forward {
                		type filter hook forward priority mangle; policy accept;
                		iifname "eth1" tcp flags syn tcp option maxseg size set rt mtu comment "!fw4: Zone wan IPv4/IPv6 ingress MTU fixing"
                		jump forward_wan
                	}
                }
                """;
        assertThat(IptablesSave.save(NftRuleset.parse(text, "nft-ruleset.txt").chains.get(0).rules())).contains("""
                -A FORWARD -i eth1 -p tcp -m tcp --tcp-flags SYN SYN -m tcpmss --mss 0:65535 -j TCPMSS --clamp-mss-to-pmtu
                -A FORWARD -j forward_wan
                -A forward_wan -m conntrack --ctstate DNAT -j ACCEPT
                """).doesNotContain("icmpv6").doesNotContain("limit");
        String two = text.replace("tcp flags syn tcp", "tcp flags syn,ack tcp");
        assertThatThrownBy(() -> NftRuleset.parse(two, "nft-ruleset.txt"))
                .hasMessage("nft-ruleset.txt:9: nft expression `tcp flags syn,ack (a bare flag list tests any of them)` is not modelled");
    }

    /** fib's reverse-path forms (recorded: nft-fib-rpfilter) */
    @Test
    void fibReversePathIsRpfilter() {
        String text = """
                table ip antispoof {
                	chain pre {
                		type filter hook prerouting priority raw; policy accept;
                		fib saddr . iif oif missing counter packets 0 bytes 0 drop
                		fib saddr oif missing drop
                		fib saddr . mark . iif oif exists accept
                	}
                }
                """;
        assertThat(IptablesSave.save(NftRuleset.parse(text, "nft-ruleset.txt").chains.get(0).rules())).contains("""
                -A PREROUTING -m rpfilter --invert -j DROP
                -A PREROUTING -m rpfilter --loose --invert -j DROP
                -A PREROUTING -m rpfilter --validmark -j ACCEPT
                """);
        String bad = text.replace(". mark . iif", ". oif");
        assertThatThrownBy(() -> NftRuleset.parse(bad, "nft-ruleset.txt"))
                .hasMessage("nft-ruleset.txt:6: nft expression `fib saddr . oif` is not modelled");
    }

    /** header-writing and logging statements (recorded: nft-mangle-statements) */
    @Test
    void ttlDscpPriorityAndLogGroupStatements() {
        String text = """
                table ip mg {
                	chain forward_mg {
                		type filter hook forward priority mangle; policy accept;
                		oifname "eth1" ip ttl set 65 counter packets 0 bytes 0
                		oifname "eth1" udp dport 53 ip dscp set af21
                		oifname "eth1" udp dport 123 ip dscp set 0x2e
                		oifname "eth1" meta priority set 1:2
                		iifname "eth1" log prefix "fw: " group 2 counter packets 0 bytes 0
                	}
                }
                """;
        assertThat(IptablesSave.save(NftRuleset.parse(text, "nft-ruleset.txt").chains.get(0).rules())).contains("""
                -A FORWARD -o eth1 -j TTL --ttl-set 65
                -A FORWARD -o eth1 -p udp -m udp --dport 53 -j DSCP --set-dscp 0x12
                -A FORWARD -o eth1 -p udp -m udp --dport 123 -j DSCP --set-dscp 0x2e
                -A FORWARD -o eth1 -j CLASSIFY --set-class 0001:0002
                -A FORWARD -i eth1 -j NFLOG --nflog-prefix "fw: " --nflog-group 2
                """);
        String bad = text.replace("ip ttl set 65", "ip ttl set 300");
        assertThatThrownBy(() -> NftRuleset.parse(bad, "nft-ruleset.txt"))
                .hasMessage("nft-ruleset.txt:4: nft expression `ip ttl set 300` is not modelled");
    }

    /** the nft-natmap-limit-over recording's shapes */
    @Test
    void natMapWithConcatenationsLimitOverAndNftrace() {
        String text = """
                table ip nm {
                	chain pre {
                		type nat hook prerouting priority dstnat; policy accept;
                		iifname "eth1" dnat ip to ip saddr . tcp dport map { 198.51.100.7 . 8080 : 10.0.0.5 . 80, 198.51.100.8 . 8080 : 10.0.0.6 . 8000 }
                	}

                	chain fw {
                		type filter hook forward priority filter; policy accept;
                		tcp dport 22 meta nftrace set 1
                		ip saddr { 10.0.0.2, 10.0.0.3 } limit rate over 2/second burst 2 packets counter packets 0 bytes 0 drop
                	}
                }
                """;
        NftRuleset n = NftRuleset.parse(text, "nft-ruleset.txt");
        assertThat(IptablesSave.save(n.chains.get(0).rules())).contains("""
                -A PREROUTING -s 198.51.100.7/32 -i eth1 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80
                -A PREROUTING -s 198.51.100.8/32 -i eth1 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.0.0.6:8000
                """);
        // one limit expression in nft: one bucket in both copies
        assertThat(IptablesSave.save(n.chains.get(1).rules())).contains("""
                -A FORWARD -p tcp -m tcp --dport 22 -j TRACE
                -A FORWARD -s 10.0.0.2/32 -m nft --expr "limit rate over 2/second burst 2 packets" -j DROP
                -A FORWARD -s 10.0.0.3/32 -m nft --expr "limit rate over 2/second burst 2 packets" -j DROP
                """);
        var rules = n.chains.get(1).compiled().chain("FORWARD").rules();
        assertThat(rules.get(1).matches().getLast()).isSameAs(rules.get(2).matches().getLast());
        String bad = text.replace("ip saddr . tcp dport map", "ip saddr . tcp dport . ip daddr map");
        assertThatThrownBy(() -> NftRuleset.parse(bad, "nft-ruleset.txt"))
                .hasMessage("nft-ruleset.txt:4: element `198.51.100.7 . 8080` has 2 parts, the key 3 fields");
    }

    /** the nft-ct-zone-dup recording's shapes: ct zone set is CT --zone (raw, before conntrack), dup is TEE */
    @Test
    void ctZoneSetAndDup() {
        String text = """
                table ip z {
                	chain raw {
                		type filter hook prerouting priority raw; policy accept;
                		iifname "eth0" udp dport 53 ct zone set 5
                		iifname "eth0" udp dport 54 ct original zone set 6
                		iifname "eth0" udp dport 7000 dup to 10.0.0.9
                	}

                	chain fw {
                		type filter hook forward priority filter; policy accept;
                		udp dport 7002 counter packets 0 bytes 0 dup to 198.51.100.9 device "eth1"
                	}
                }
                """;
        NftRuleset n = NftRuleset.parse(text, "nft-ruleset.txt");
        assertThat(n.chains.get(0).rules().table(TableDef.RAW)).isNotNull();
        assertThat(IptablesSave.save(n.chains.get(0).rules())).contains("""
                -A PREROUTING -i eth0 -p udp -m udp --dport 53 -j CT --zone 5
                -A PREROUTING -i eth0 -p udp -m udp --dport 54 -j CT --zone-orig 6
                -A PREROUTING -i eth0 -p udp -m udp --dport 7000 -j TEE --gateway 10.0.0.9
                """);
        assertThat(IptablesSave.save(n.chains.get(1).rules())).contains("""
                -A FORWARD -p udp -m udp --dport 7002 -j TEE --gateway 198.51.100.9 --oif eth1
                """);
        // after conntrack (priority -200) the packet has its entry: nft_ct_set_zone_eval does nothing
        String late = text.replace("priority raw;", "priority filter;");
        assertThatThrownBy(() -> NftRuleset.parse(late, "nft-ruleset.txt")).hasMessage("nft-ruleset.txt:4: `ct zone set` in chain "
                + "z/raw (priority 0, conntrack's is -200): only before conntrack in prerouting or output is modelled");
        String big = text.replace("ct zone set 5", "ct zone set 70000");
        assertThatThrownBy(() -> NftRuleset.parse(big, "nft-ruleset.txt"))
                .hasMessage("nft-ruleset.txt:4: nft expression `ct zone set 70000` is not modelled");
    }

    /** the nft-dynset-connlimit recording's shapes: set updates, meters, ct count, lookups of a dynamic set */
    @Test
    void dynamicSetsMetersAndCtCount() {
        String text = """
                table ip dl {
                	set connl {
                		type ipv4_addr
                		size 65535
                		flags dynamic
                	}

                	set seen {
                		type ipv4_addr . inet_service
                		size 65535
                		flags dynamic,timeout
                		timeout 1m
                	}

                	chain fw {
                		type filter hook forward priority filter; policy accept;
                		tcp dport 80 ct state new add @connl { ip saddr ct count over 2 } counter packets 0 bytes 0 drop
                		add @seen { ip saddr . udp dport timeout 10s counter }
                		ip saddr . udp dport @seen accept
                		udp dport 9000 ct count over 2 counter packets 0 bytes 0 drop
                		icmp type echo-request meter flood size 128 { ip saddr limit rate over 2/second } drop
                	}
                }
                """;
        NftRuleset n = NftRuleset.parse(text, "nft-ruleset.txt");
        String fw = IptablesSave.save(n.chains.get(0).rules());
        assertThat(fw).contains("""
                -A FORWARD -p tcp -m tcp --dport 80 -m conntrack --ctstate NEW -m nft --expr "add @connl { ip saddr ct count over 2 }" -j DROP
                -A FORWARD -p udp -m nft --expr "add @seen { ip saddr . udp dport timeout 10s counter }"
                -A FORWARD -p udp -m nft --expr "ip saddr . udp dport @seen" -j ACCEPT
                -A FORWARD -p udp -m udp --dport 9000 -m nft --expr "ct count over 2" -j DROP
                -A FORWARD -p icmp -m icmp --icmp-type 8 -m nft --expr "meter flood size 128 { ip saddr limit rate over 2/second }" -j DROP
                """);
        assertThat(n.chains.get(0).rules().needsConntrack()).isTrue();
        // the listing gets the elements after the run; none yet
        assertThat(NftListing.render(n, new dev.hairpin.rules.Ruleset())).isEqualTo(text);
        String[][] bad = {
            {"add @seen { ip saddr . udp dport timeout 10s counter }", "add @seen { ip saddr timeout 10s }",
                "nft-ruleset.txt:18: the key ip saddr does not fit set seen (ipv4_addr . inet_service)"},
            {"add @seen { ip saddr . udp dport timeout 10s counter }", "add @connl { ip saddr timeout 10s }",
                "nft-ruleset.txt:18: a timeout for set connl without the timeout flag"},
            {"add @seen { ip saddr . udp dport timeout 10s counter }", "add @seen { ip saddr . udp dport quota 10 mbytes }",
                "nft-ruleset.txt:18: nft expression `quota in a set update` is not modelled"},
            {"add @seen { ip saddr . udp dport timeout 10s counter }", "add @seen { iifname . udp dport }",
                "nft-ruleset.txt:18: nft expression `iifname . (in a dynamic set's key)` is not modelled"},
            {"\t\tflags dynamic\n\t}", "\t\tflags dynamic\n\t\telements = { 10.0.0.2 ct count over 2 }\n\t}",
                "nft-ruleset.txt:6: set connl element `10.0.0.2 ct count over 2` before the run: its `ct` (state or expiry the "
                    + "listing cannot restore) is not modelled"},
            {"\t\tflags dynamic\n\t}", "\t\tflags dynamic\n\t\telements = { 10.0.0.2 . 53 }\n\t}",
                "nft-ruleset.txt:6: element `10.0.0.2 . 53` does not fit set connl"},
            {"\t\tflags dynamic\n\t}", "\t\tflags dynamic\n\t\telements = { 10.0.0.256 }\n\t}",
                "nft-ruleset.txt:6: element `10.0.0.256`: `10.0.0.256` is no ipv4_addr"},
        };
        for (String[] b : bad) {
            String t = text.replaceFirst(java.util.regex.Pattern.quote(b[0]), java.util.regex.Matcher.quoteReplacement(b[1]));
            assertThatThrownBy(() -> NftRuleset.parse(t, "nft-ruleset.txt")).as(b[1]).hasMessage(b[2]);
        }
    }

    /** a cut or unbalanced listing names the line and the brace it expected */
    @Test
    void truncatedAndUnbalancedListings() {
        String text = """
                table ip t {
                	set s {
                		type ipv4_addr
                		flags dynamic
                	}

                	chain fw {
                		type filter hook forward priority filter; policy accept;
                		add @s { ip saddr } accept
                	}
                }
                """;
        assertThat(NftRuleset.parse(text, "r.txt").chains).hasSize(1);
        assertThatThrownBy(() -> NftRuleset.parse(text.substring(0, text.indexOf("\t}\n}")), "r.txt"))
                .hasMessage("r.txt:10: expected `}` closing chain fw (line 7), got the end of the file");
        assertThatThrownBy(() -> NftRuleset.parse(text.substring(0, text.lastIndexOf("}")), "r.txt"))
                .hasMessage("r.txt:11: expected `}` closing table t (line 1), got the end of the file");
        assertThatThrownBy(() -> NftRuleset.parse(text.replace("\t\tflags dynamic\n\t}\n", "\t\tflags dynamic\n"), "r.txt"))
                .hasMessage("r.txt:6: expected `}` closing set s (line 2), got: chain fw {");
        assertThatThrownBy(() -> NftRuleset.parse(text.replace("add @s { ip saddr }", "add @s { ip saddr"), "r.txt"))
                .hasMessage("r.txt:9: unclosed set");
        assertThatThrownBy(() -> NftRuleset.parse(text + "}\n", "r.txt"))
                .hasMessage("r.txt:12: expected `table FAMILY NAME {`, got: }");
    }

    /** the nft-tproxy recording's shapes: tproxy is a statement that breaks the rule without a socket */
    @Test
    void tproxyStatement() {
        String text = """
                table ip tp {
                	chain pre {
                		type filter hook prerouting priority mangle; policy accept;
                		iifname "eth0" tcp dport 80 tproxy to :3129 meta mark set 0x00000001 counter packets 0 bytes 0 accept
                		meta l4proto udp tproxy to 127.0.0.1:53
                	}
                }
                """;
        NftRuleset n = NftRuleset.parse(text, "nft-ruleset.txt");
        assertThat(IptablesSave.save(n.chains.get(0).rules())).contains("""
                -A PREROUTING -i eth0 -p tcp -m tcp --dport 80 -m nft --expr "tproxy to :3129" -j nft.4.0
                -A PREROUTING -p udp -m nft --expr "tproxy to 127.0.0.1:53"
                -A nft.4.0 -j MARK --set-xmark 0x1/0xffffffff
                -A nft.4.0 -j ACCEPT
                """);
        assertThatThrownBy(() -> NftRuleset.parse(text.replace("tproxy to :3129", "tproxy to :70000"), "nft-ruleset.txt"))
                .hasMessage("nft-ruleset.txt:4: nft expression `tproxy to :70000` is not modelled");
        String late = text.replace("tproxy to :3129 meta mark", "tproxy to :3129 tcp sport 1 meta mark");
        assertThatThrownBy(() -> NftRuleset.parse(late, "nft-ruleset.txt")).hasMessage(
                "nft-ruleset.txt:4: a match after a stateful expression (`tcp` after a limit, set update or ct count) is not modelled");
    }

    /** the nft-statement-maps recording's shapes: a statement's value from a map is one rule per element */
    @Test
    void statementValuesFromMaps() {
        String text = """
                table ip sm {
                	chain raw {
                		type filter hook prerouting priority raw; policy accept;
                		ct zone set iifname map { "eth0" : 5, "eth1" : 6 }
                	}

                	chain forw {
                		type filter hook forward priority mangle; policy accept;
                		ct mark set ip saddr . udp dport map { 10.0.0.2 . 53 : 0x00000010 } counter packets 0 bytes 0
                	}
                }
                """;
        NftRuleset n = NftRuleset.parse(text, "nft-ruleset.txt");
        assertThat(IptablesSave.save(n.chains.get(0).rules())).contains("""
                -A PREROUTING -i eth0 -j CT --zone 5
                -A PREROUTING -i eth1 -j CT --zone 6
                """);
        assertThat(IptablesSave.save(n.chains.get(1).rules())).contains("""
                -A FORWARD -s 10.0.0.2/32 -p udp -m udp --dport 53 -j CONNMARK --set-xmark 0x10/0xffffffff
                """);
        assertThatThrownBy(() -> NftRuleset.parse(text.replace("ct zone set iifname map", "ip ttl set iifname map"), "nft-ruleset.txt"))
                .hasMessage("nft-ruleset.txt:4: nft expression `ip ttl set iifname map` is not modelled");
    }

    /** the nft-ct-helper recording's shapes: firewalld's ct helper objects */
    @Test
    void ctHelperObjects() {
        String text = """
                table ip fh {
                	ct helper ftp-std {
                		type "ftp" protocol tcp
                		l3proto ip
                	}

                	chain forw {
                		type filter hook forward priority filter; policy accept;
                		tcp dport 21 ct helper set "ftp-std"
                		ct state related ct helper "ftp" counter packets 0 bytes 0
                	}
                }
                """;
        NftRuleset n = NftRuleset.parse(text, "nft-ruleset.txt");
        assertThat(IptablesSave.save(n.chains.get(0).rules())).contains("""
                -A FORWARD -p tcp -m tcp --dport 21 -m nft --expr "ct helper set ftp-std"
                -A FORWARD -m conntrack --ctstate RELATED -m helper --helper ftp
                """);
        assertThat(n.chains.get(0).rules().needsConntrack()).isTrue();
        // every helper a kernel registers can be an object's type (sip: attached and named, no payload read)
        NftRuleset.parse(text.replace("type \"ftp\"", "type \"sip\""), "nft-ruleset.txt");
        assertThatThrownBy(() -> NftRuleset.parse(text.replace("type \"ftp\"", "type \"foo\""), "nft-ruleset.txt"))
                .hasMessageStartingWith("nft-ruleset.txt:3: ct helper ftp-std of type \"foo\": no such conntrack helper"
                        + " (expected one of ftp, tftp, irc, sip,");
        assertThatThrownBy(() -> NftRuleset.parse(text.replace("set \"ftp-std\"", "set \"nope\""), "nft-ruleset.txt"))
                .hasMessage("nft-ruleset.txt:9: no ct helper named nope in this table");
    }

    /** the nft-quota recording's shapes: the listing's `used` is where counting resumes and what it shows after */
    @Test
    void quotas() {
        String text = """
                table ip q {
                	chain forw {
                		type filter hook forward priority filter; policy accept;
                		udp dport 7000 quota over 100 bytes used 40 bytes counter packets 0 bytes 0 drop
                	}
                }
                """;
        NftRuleset n = NftRuleset.parse(text, "nft-ruleset.txt");
        assertThat(IptablesSave.save(n.chains.get(0).rules())).contains("""
                -A FORWARD -p udp -m udp --dport 7000 -m nft --expr "quota over 100 bytes" -j DROP
                """);
        NftQuota q = (NftQuota) n.chains.get(0).compiled().chain("FORWARD").rules().getFirst().matches().getLast();
        assertThat(q.consumed).isEqualTo(40);
        q.consumed = 3 * 1024;
        assertThat(NftListing.render(n, new dev.hairpin.rules.Ruleset())).contains("quota over 100 bytes used 100 bytes counter");
        assertThat(NftQuota.bytes(3 * 1024)).isEqualTo("3 kbytes");
        assertThatThrownBy(() -> NftRuleset.parse(text.replace("drop", "quota 5 bytes drop"), "nft-ruleset.txt"))
                .hasMessage("nft-ruleset.txt:4: two quotas in one rule are not modelled");
        assertThatThrownBy(() -> NftRuleset.parse(text.replace("100 bytes used", "100 tbytes used"), "nft-ruleset.txt"))
                .hasMessage("nft-ruleset.txt:4: nft expression `quota 100 tbytes` is not modelled");
    }

    /** the nft-dynset-preloaded recording's shapes: plain and counter elements before the run are loaded */
    @Test
    void dynamicSetElementsBeforeTheRun() {
        String text = """
                table ip pl {
                	set seen {
                		type ipv4_addr . inet_service
                		size 65535
                		flags dynamic
                		elements = { 10.0.0.2 . 9000 counter packets 3 bytes 90,
                			     10.0.0.7 . 53 counter packets 1 bytes 30 }
                	}

                	chain forw {
                		type filter hook forward priority filter; policy accept;
                		udp dport 9000 add @seen { ip saddr . udp dport counter }
                	}
                }
                """;
        NftRuleset n = NftRuleset.parse(text, "nft-ruleset.txt");
        assertThat(NftListing.render(n, new dev.hairpin.rules.Ruleset())).isEqualTo(text);
        String limited = text.replace("counter packets 1 bytes 30", "limit rate 1/second");
        assertThatThrownBy(() -> NftRuleset.parse(limited, "nft-ruleset.txt")).hasMessage("nft-ruleset.txt:6: set seen element "
                + "`10.0.0.7 . 53 limit rate 1/second` before the run: its `limit` (state or expiry the listing cannot restore) is not modelled");
    }

    /** older nft lists `tcp flags syn / fin,syn,rst,ack` as `tcp flags & (fin | syn | rst | ack) == syn`: the same expression */
    @Test
    void olderTcpFlagsListing() {
        String text = """
                table inet f {
                	chain input {
                		type filter hook input priority filter; policy accept;
                		tcp flags & (fin | syn | rst | ack) == syn ct count over 50 reject with tcp reset
                		tcp flags & (syn | ack) != 0x0 drop
                	}
                }
                """;
        assertThat(IptablesSave.save(NftRuleset.parse(text, "nft-ruleset.txt").chains.get(0).rules())).contains("""
                -A INPUT -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -m nft --expr "ct count over 50" -j REJECT --reject-with tcp-reset
                -A INPUT -p tcp -m tcp ! --tcp-flags SYN,ACK NONE -j DROP
                """);
        assertThatThrownBy(() -> NftRuleset.parse(text.replace("(syn | ack)", "(syn | ecn)"), "nft-ruleset.txt"))
                .hasMessage("nft-ruleset.txt:5: nft expression `tcp flags ecn` is not modelled");
    }
}
