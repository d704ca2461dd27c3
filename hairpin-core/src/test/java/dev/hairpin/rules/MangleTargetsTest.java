package dev.hairpin.rules;

import dev.hairpin.conntrack.CtView;
import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.iptables.Iptables;
import dev.hairpin.rules.iptables.IptablesRestore;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** TTL, ECN and CLASSIFY rewrite the packet (checksums kept valid); connbytes reads accounting. */
class MangleTargetsTest {
    private static Ruleset load(String rules) {
        Ruleset rs = new Ruleset();
        Iptables.Result r = IptablesRestore.restore(rs, rules);
        assertThat(r.stderr()).isEmpty();
        return rs;
    }

    /** one's complement sum over [off, off+len) plus {@code seed}, folded */
    private static int sum(byte[] b, int off, int len, long seed) {
        long s = seed;
        for (int i = 0; i < len; i += 2) {
            s += Ipv4.u16(b, off + i);
        }
        while (s >> 16 != 0) {
            s = (s & 0xffff) + (s >> 16);
        }
        return (int) s;
    }

    private static void fixIpCheck(Skb skb) {
        Ipv4.put16(skb.buf, 10, 0);
        Ipv4.put16(skb.buf, 10, ~sum(skb.buf, 0, 20, 0) & 0xffff);
    }

    private static long pseudo(Skb skb) {
        byte[] b = skb.buf;
        return Ipv4.u16(b, 12) + Ipv4.u16(b, 14) + Ipv4.u16(b, 16) + Ipv4.u16(b, 18) + 6 + (skb.len - 20);
    }

    private static void fixTcpCheck(Skb skb) {
        Ipv4.put16(skb.buf, 36, 0);
        Ipv4.put16(skb.buf, 36, ~sum(skb.buf, 20, skb.len - 20, pseudo(skb)) & 0xffff);
    }

    @Test
    void ttlTargetSaturatesAndKeepsTheHeaderChecksumValid() {
        Ruleset rs = load("""
                *mangle
                -A PREROUTING -s 10.0.0.1/32 -j TTL --ttl-dec 100
                -A PREROUTING -s 10.0.0.2/32 -j TTL --ttl-inc 10
                -A PREROUTING -s 10.0.0.3/32 -j TTL --ttl-set 1
                COMMIT
                """);
        XtParam par = new XtParam();
        par.services = new FakeServices();
        int[][] cases = {{1, 0}, {2, 74}, {3, 1}};
        for (int[] c : cases) {
            Skb skb = Packets.tcp("10.0.0." + c[0], 1, "10.0.0.9", 2, 0x10);
            fixIpCheck(skb);
            rs.table("mangle").doTable(Hooks.PRE_ROUTING, skb, par);
            assertThat(Ipv4.ttl(skb.buf, 0)).isEqualTo(c[1]);
            assertThat(sum(skb.buf, 0, 20, 0)).isEqualTo(0xffff);
        }
    }

    @Test
    void ecnTcpRemoveClearsTheFlagsAndKeepsTheTcpChecksumValid() {
        Ruleset rs = load("""
                *mangle
                -A POSTROUTING -p tcp -j ECN --ecn-tcp-remove --ecn-ip-ect 0
                COMMIT
                """);
        XtParam par = new XtParam();
        par.services = new FakeServices();
        Skb skb = Packets.tcp("10.0.0.1", 1, "10.0.0.9", 2, 0xc2);
        skb.buf[1] = 0x03;
        fixIpCheck(skb);
        fixTcpCheck(skb);
        rs.table("mangle").doTable(Hooks.POST_ROUTING, skb, par);
        assertThat(skb.buf[33] & 0xff).isEqualTo(0x02);
        assertThat(skb.buf[1]).isZero();
        assertThat(sum(skb.buf, 0, 20, 0)).isEqualTo(0xffff);
        assertThat(sum(skb.buf, 20, skb.len - 20, pseudo(skb))).isEqualTo(0xffff);
    }

    @Test
    void ecnOnANonTcpRuleIsRefusedByTheKernelCheck() {
        Ruleset rs = new Ruleset();
        Iptables.Result r = Iptables.run(rs, "-t", "mangle", "-A", "FORWARD", "-j", "ECN", "--ecn-tcp-remove");
        assertThat(r.exitCode()).isNotZero();
        assertThat(Iptables.run(rs, "-t", "mangle", "-A", "FORWARD", "-p", "tcp", "-m", "ecn", "!",
                "--ecn-tcp-ece", "-j", "ECN", "--ecn-tcp-remove").exitCode()).isZero();
        assertThat(Iptables.run(rs, "-t", "mangle", "-S", "FORWARD").stdout())
                .isEqualTo("-P FORWARD ACCEPT\n-A FORWARD -p tcp -m ecn ! --ecn-tcp-ece -j ECN --ecn-tcp-remove\n");
    }

    @Test
    void classifyHandsThePriorityToTheStack() {
        Ruleset rs = load("""
                *mangle
                -A POSTROUTING -j CLASSIFY --set-class 1:10
                COMMIT
                """);
        FakeServices svc = new FakeServices();
        XtParam par = new XtParam();
        par.services = svc;
        rs.table("mangle").doTable(Hooks.POST_ROUTING, Packets.udp("1.1.1.1", 1, "2.2.2.2", 2), par);
        assertThat(svc.priority).isEqualTo(0x10010);
        assertThat(Iptables.run(rs, "-t", "mangle", "-S", "POSTROUTING").stdout())
                .contains("-j CLASSIFY --set-class 0001:0010");
    }

    @Test
    void connbytesComparesTheAccountedCounters() {
        Ruleset rs = load("""
                *filter
                -A FORWARD -m connbytes --connbytes 10:20 --connbytes-mode packets --connbytes-dir both -j DROP
                -A FORWARD -m connbytes ! --connbytes 100 --connbytes-mode avgpkt --connbytes-dir original -j REJECT
                COMMIT
                """);
        long[] acct = {8, 4, 800, 400};
        CtView ct = new CtView() {
            public int status(int c) { return 0; }
            public int protocol(int c) { return 17; }
            public int src(int c, int d) { return 0; }
            public int dst(int c, int d) { return 0; }
            public int sport(int c, int d) { return 0; }
            public int dport(int c, int d) { return 0; }
            public int mark(int c) { return 0; }
            public void setMark(int c, int m) {}
            public long expiresSeconds(int c) { return 0; }
            public int tcpState(int c) { return 0; }
            public int zone(int c) { return 0; }
            @Override
            public long packets(int c, int d) { return acct[d]; }
            @Override
            public long bytes(int c, int d) { return acct[2 + d]; }
        };
        FakeServices svc = new FakeServices();
        svc.ct = ct;
        XtParam par = new XtParam();
        par.services = svc;
        Skb skb = Packets.udp("1.1.1.1", 1, "2.2.2.2", 2);
        skb.ct = 0;
        Table t = rs.table("filter");
        t.doTable(Hooks.FORWARD, skb, par);
        assertThat(t.chain("FORWARD").rules().get(0).counter().packets()).isEqualTo(1);
        acct[0] = 2;
        t.doTable(Hooks.FORWARD, skb, par);
        // 6 packets is not in 10..20; the average 800/2 = 400 is in 100.., so the ! fails
        assertThat(t.chain("FORWARD").rules().get(1).counter().packets()).isZero();
        acct[2] = 100;
        t.doTable(Hooks.FORWARD, skb, par);
        // the average 100/2 = 50 is below 100: matches
        assertThat(t.chain("FORWARD").rules().get(1).counter().packets()).isEqualTo(1);
        assertThat(Iptables.run(rs, "-S", "FORWARD").stdout()).isEqualTo("""
                -P FORWARD ACCEPT
                -A FORWARD -m connbytes --connbytes 10:20 --connbytes-mode packets --connbytes-dir both -j DROP
                -A FORWARD -m connbytes ! --connbytes 100 --connbytes-mode avgpkt --connbytes-dir original -j REJECT --reject-with icmp-port-unreachable
                """);
    }

    @Test
    void tcpoptstripTurnsTheListedOptionsIntoNops() {
        Ruleset rs = load("""
                *mangle
                -A FORWARD -p tcp -j TCPOPTSTRIP --strip-options mss,timestamp
                COMMIT
                """);
        // a SYN with MSS 1460, SACK-permitted, timestamps, NOP, window scale 7
        byte[] opts = {2, 4, 0x05, (byte) 0xb4, 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0, 1, 3, 3, 7};
        byte[] b = new byte[40 + opts.length];
        Skb syn = Packets.tcp("10.0.0.1", 1, "10.0.0.9", 2, 0x02);
        System.arraycopy(syn.buf, 0, b, 0, 40);
        System.arraycopy(opts, 0, b, 40, opts.length);
        b[32] = (byte) ((20 + opts.length) / 4 << 4);
        Ipv4.put16(b, 2, b.length);
        Skb skb = new Skb(b, 0, b.length);
        skb.l4 = 20;
        fixIpCheck(skb);
        fixTcpCheck(skb);
        XtParam par = new XtParam();
        par.services = new FakeServices();
        rs.table("mangle").doTable(Hooks.FORWARD, skb, par);
        byte[] expect = {1, 1, 1, 1, 4, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 7};
        assertThat(java.util.Arrays.copyOfRange(b, 40, b.length)).isEqualTo(expect);
        assertThat(sum(b, 20, skb.len - 20, pseudo(skb))).isEqualTo(0xffff);
        assertThat(Iptables.run(rs, "-t", "mangle", "-L", "FORWARD", "-n").stdout()).contains(
                "TCPOPTSTRIP  6    --  0.0.0.0/0            0.0.0.0/0            TCPOPTSTRIP options 2,8");
    }

    @Test
    void dccpMatchesPortsAndPacketTypes() {
        Ruleset rs = load("""
                *filter
                -A INPUT -p dccp -m dccp --dport 5004 --dccp-types REQUEST,INVALID -j DROP
                COMMIT
                """);
        byte[] b = new byte[20 + 16];
        Ipv4.put16(b, 2, b.length);
        b[0] = 0x45;
        b[9] = 33;
        Ipv4.put16(b, 22, 5004);
        b[24] = 4;
        b[28] = 0 << 1 | 1;
        Skb skb = new Skb(b, 0, b.length);
        skb.l4 = 20;
        XtParam par = new XtParam();
        par.services = new FakeServices();
        Table t = rs.table("filter");
        assertThat(t.doTable(Hooks.LOCAL_IN, skb, par)).isEqualTo(dev.hairpin.packet.Verdict.NF_DROP);
        b[28] = 2 << 1 | 1;
        assertThat(t.doTable(Hooks.LOCAL_IN, skb, par)).isEqualTo(dev.hairpin.packet.Verdict.NF_ACCEPT);
        b[28] = 13 << 1 | 1;
        assertThat(t.doTable(Hooks.LOCAL_IN, skb, par)).isEqualTo(dev.hairpin.packet.Verdict.NF_DROP);
        assertThat(Iptables.run(rs, "-S", "INPUT").stdout())
                .endsWith("-A INPUT -p dccp -m dccp --dport 5004 --dccp-types REQUEST,INVALID -j DROP\n");
    }
}
