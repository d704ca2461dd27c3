package dev.hairpin.rules;

import dev.hairpin.host.NetDevice;
import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.iptables.IptablesRestore;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** doTable allocates nothing per packet: the hot path of a gateway. */
class TableAllocationTest {
    private static final String RULES = """
            *filter
            :INPUT DROP [0:0]
            :FORWARD DROP [0:0]
            :OUTPUT ACCEPT [0:0]
            :in_tcp - [0:0]
            :in_udp - [0:0]
            -A INPUT -i lo -j ACCEPT
            -A INPUT -p tcp -m tcp --dport 22 -m recent --set --name ALLOC_SSH --rsource
            -A INPUT -p tcp -m tcp --dport 22 -m recent --update --seconds 60 --hitcount 4 --name ALLOC_SSH --rsource -j DROP
            -A INPUT -m hashlimit --hashlimit-upto 50/sec --hashlimit-mode srcip --hashlimit-name ALLOC -j CONNMARK --set-mark 1
            -A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT
            -A INPUT -p icmp -m icmp --icmp-type 8 -m limit --limit 10/sec -j ACCEPT
            -A INPUT -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j in_tcp
            -A INPUT -p udp -j in_udp
            -A INPUT -m addrtype --dst-type BROADCAST -j DROP
            -A in_tcp -s 10.0.0.0/8 -p tcp -m multiport --dports 22,80,443 -m comment --comment "web and ssh" -j ACCEPT
            -A in_tcp -p tcp -m tcp --dport 8000:9000 -m mark --mark 0x1/0xff -j ACCEPT
            -A in_tcp -m statistic --mode nth --every 3 --packet 0 -j RETURN
            -A in_tcp -p tcp -j REJECT --reject-with tcp-reset
            -A in_tcp -j REJECT --reject-with icmp-port-unreachable
            -A in_udp -p udp -m udp --dport 53 -g in_tcp
            -A in_udp -m iprange --src-range 192.168.1.1-192.168.1.100 -j ACCEPT
            -A FORWARD -m conntrack --ctstate NEW,ESTABLISHED -m time --timestart 06:00 --timestop 23:00 -j ACCEPT
            COMMIT
            """;

    @Test
    void evaluationDoesNotAllocate() {
        Ruleset rs = new Ruleset();
        assertThat(IptablesRestore.restore(rs, RULES).exitCode()).isZero();
        Table t = rs.table("filter");
        FakeServices svc = new FakeServices();
        svc.quiet = true;
        XtParam par = new XtParam();
        par.services = svc;
        NetDevice eth0 = new NetDevice("eth0", 2, NetDevice.ARPHRD_ETHER, new byte[6], 1500);
        Skb[] pkts = {
            Packets.tcp("10.1.2.3", 40000, "10.0.0.1", 22, 0x02),
            Packets.tcp("192.0.2.9", 40000, "10.0.0.1", 8080, 0x02),
            Packets.udp("192.168.1.50", 5353, "10.0.0.1", 53),
            Packets.icmp("192.0.2.9", "10.0.0.1", 8, 0),
            Packets.udp("192.0.2.9", 1, "10.0.0.1", 9),
        };
        for (Skb s : pkts) {
            s.in = eth0;
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 200_000; i++) {
            run(t, pkts, par, svc, i);
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        int n = 500_000;
        for (int i = 0; i < n; i++) {
            run(t, pkts, par, svc, i);
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertThat(svc.rejects).isPositive();
        assertThat(allocated).as("bytes allocated for %d packets", n).isLessThan(64 * 1024);
    }

    private static void run(Table t, Skb[] pkts, XtParam par, FakeServices svc, int i) {
        Skb s = pkts[i % pkts.length];
        s.mark = i & 1;
        svc.now = i * 1_000_000L;
        t.doTable(Hooks.LOCAL_IN, s, par);
        t.doTable(Hooks.FORWARD, s, par);
        if (svc.calls.size() > 1000) {
            svc.calls.clear();
        }
    }
}
