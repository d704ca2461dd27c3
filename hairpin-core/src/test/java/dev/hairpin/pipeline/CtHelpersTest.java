package dev.hairpin.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtConfig;
import dev.hairpin.conntrack.CtExt;
import dev.hairpin.host.Host;
import dev.hairpin.host.NetDevice;
import dev.hairpin.host.Route;
import dev.hairpin.nat.NatRange;
import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.packet.Verdict;
import dev.hairpin.tools.ConntrackFormat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The FTP helper through MASQUERADE and icmp_send()'s rate limit, as the kernel did them in the
 * recordings ftp-helper-nat, ftp-helper-edges and icmp-error-ratelimit (Linux 6.18).
 */
class CtHelpersTest {
    static final int CLIENT = Ipv4.parse("10.0.0.2");
    static final int SERVER = Ipv4.parse("198.51.100.10");
    static final int WAN_ADDR = Ipv4.parse("203.0.113.1");

    final Host host = new Host();
    final CtConfig cfg = new CtConfig();
    final Conntrack ct = new Conntrack(cfg, 1);
    final Stack stack = new Stack(host, ct, new SplittableRandom(1));
    final List<byte[]> sent = new ArrayList<>();
    final List<String> sentOn = new ArrayList<>();
    NetDevice eth0;
    NetDevice eth1;

    CtHelpersTest() {
        host.add(new NetDevice("lo", 1, NetDevice.ARPHRD_LOOPBACK, new byte[6], 65536)).addrs
                .add(new NetDevice.InAddr(0x7f000001, 8, Route.SCOPE_HOST, false));
        eth0 = host.add(new NetDevice("eth0", 2, NetDevice.ARPHRD_ETHER, new byte[6], 1500));
        eth0.addrs.add(new NetDevice.InAddr(Ipv4.parse("10.0.0.1"), 24, 0, false));
        eth1 = host.add(new NetDevice("eth1", 3, NetDevice.ARPHRD_ETHER, new byte[6], 1500));
        eth1.addrs.add(new NetDevice.InAddr(WAN_ADDR, 24, 0, false));
        host.addressesChanged();
        host.fib.addMain(new Route(0, 0, Route.RTN_UNICAST, eth1, Ipv4.parse("203.0.113.254"), 0, 0, 0, "main"));
        host.fib.addMain(new Route(Ipv4.parse("10.0.0.0"), 24, Route.RTN_UNICAST, eth0, 0, Ipv4.parse("10.0.0.1"), Route.SCOPE_LINK, 0, "main"));
        host.fib.addMain(new Route(Ipv4.parse("203.0.113.0"), 24, Route.RTN_UNICAST, eth1, 0, WAN_ADDR, Route.SCOPE_LINK, 0, "main"));
        host.sysctls.set("net.ipv4.ip_forward", "1");
        // raw: CT --helper ftp for port 21 from the LAN; nat: MASQUERADE out of eth1
        stack.tables = (table, hook, skb, par) -> {
            if (table == Tables.RAW && hook == Hooks.PRE_ROUTING && par.in == eth0 && skb.protocol() == 6
                    && Ipv4.u16(skb.buf, skb.l4 + 2) == 21 && skb.ct < 0) {
                skb.helper = CtExt.HELPER_FTP;
            }
            if (table == Tables.NAT && hook == Hooks.POST_ROUTING && par.out == eth1) {
                return par.services.masquerade(skb, NatRange.NONE);
            }
            return Verdict.NF_ACCEPT;
        };
        stack.output = (skb, dev, nh) -> {
            sent.add(skb.copyDatagram());
            sentOn.add(dev.name);
        };
    }

    static byte[] tcp(int src, int dst, int sport, int dport, int flags, int seq, int ack, String payload) {
        byte[] data = payload.getBytes(StandardCharsets.US_ASCII);
        int len = 40 + data.length;
        byte[] p = new byte[len];
        p[0] = 0x45;
        Ipv4.put16(p, 2, len);
        Ipv4.put16(p, 4, 1);
        p[8] = 64;
        p[9] = 6;
        Ipv4.put32(p, 12, src);
        Ipv4.put32(p, 16, dst);
        Ipv4.put16(p, 10, Checksum.compute(p, 0, 20));
        Ipv4.put16(p, 20, sport);
        Ipv4.put16(p, 22, dport);
        Ipv4.put32(p, 24, seq);
        Ipv4.put32(p, 28, ack);
        p[32] = 0x50;
        p[33] = (byte) flags;
        Ipv4.put16(p, 34, 64240);
        System.arraycopy(data, 0, p, 40, data.length);
        Ipv4.put16(p, 36, Checksum.transport(p, 0, 20, 20 + data.length));
        return p;
    }

    void receive(NetDevice in, byte[] p) {
        Skb skb = new Skb(p, 0, p.length);
        skb.in = in;
        stack.receive(skb);
    }

    static String payload(byte[] p) {
        return new String(p, 40, Ipv4.totLen(p, 0) - 40, StandardCharsets.US_ASCII);
    }

    /** the control connection up to the server's first line and the client's first line */
    void controlConnection() {
        receive(eth0, tcp(CLIENT, SERVER, 40000, 21, 0x02, 1000, 0, ""));
        receive(eth1, tcp(SERVER, WAN_ADDR, 21, 40000, 0x12, 9000, 1001, ""));
        receive(eth0, tcp(CLIENT, SERVER, 40000, 21, 0x10, 1001, 9001, ""));
        receive(eth1, tcp(SERVER, WAN_ADDR, 21, 40000, 0x18, 9001, 1001, "220 ready\r\n"));
        receive(eth0, tcp(CLIENT, SERVER, 40000, 21, 0x18, 1001, 9012, "USER anonymous\r\n"));
        receive(eth1, tcp(SERVER, WAN_ADDR, 21, 40000, 0x18, 9012, 1017, "331 ok\r\n"));
    }

    @Test
    void portIsRewrittenToThePublicAddressTheStreamShiftsAndTheDataConnectionIsRelated() {
        controlConnection();
        sent.clear();
        receive(eth0, tcp(CLIENT, SERVER, 40000, 21, 0x18, 1017, 9020, "PORT 10,0,0,2,156,66\r\n"));
        assertThat(payload(sent.getLast())).isEqualTo("PORT 203,0,113,1,156,66\r\n");
        assertThat(Checksum.transportValid(sent.getLast(), 0)).isTrue();
        // the server acknowledges 3 bytes more than the client sent: taken back on the way in
        receive(eth1, tcp(SERVER, WAN_ADDR, 21, 40000, 0x18, 9020, 1042, "200 ok\r\n"));
        assertThat(Ipv4.i32(sent.getLast(), 28)).isEqualTo(1039);
        assertThat(Checksum.transportValid(sent.getLast(), 0)).isTrue();
        receive(eth0, tcp(CLIENT, SERVER, 40000, 21, 0x18, 1039, 9028, "QUIT\r\n"));
        assertThat(Ipv4.i32(sent.getLast(), 24)).isEqualTo(1042);
        // the server's data connection to 203.0.113.1:40002 reaches the client's 40002
        receive(eth1, tcp(SERVER, WAN_ADDR, 20, 40002, 0x02, 6000, 0, ""));
        assertThat(sentOn.getLast()).isEqualTo("eth0");
        assertThat(Ipv4.daddr(sent.getLast(), 0)).isEqualTo(CLIENT);
        assertThat(Ipv4.u16(sent.getLast(), 22)).isEqualTo(40002);
        List<String> lines = new ArrayList<>();
        for (int e : ct.snapshot()) {
            lines.add(ConntrackFormat.entry(ct.table, e, false).replaceAll("^(\\S+ +\\d+) \\d+ ", "$1 T "));
        }
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("tcp      6 T ESTABLISHED src=10.0.0.2 dst=198.51.100.10 sport=40000 dport=21")
                .endsWith("[ASSURED] mark=0 helper=ftp use=2"));
        assertThat(lines).anySatisfy(l -> assertThat(l).isEqualTo(
                "tcp      6 T SYN_SENT src=198.51.100.10 dst=203.0.113.1 sport=20 dport=40002 [UNREPLIED] src=10.0.0.2 dst=198.51.100.10 sport=40002 dport=20 mark=0 use=1"));
    }

    @Test
    void aCommandCutShortIsDroppedAndItsRetransmissionRewritten() {
        controlConnection();
        sent.clear();
        receive(eth0, tcp(CLIENT, SERVER, 40000, 21, 0x18, 1017, 9020, "PORT 10,0,0,2,15"));
        assertThat(sent).isEmpty();
        receive(eth0, tcp(CLIENT, SERVER, 40000, 21, 0x18, 1017, 9020, "PORT 10,0,0,2,156,90\r\n"));
        assertThat(payload(sent.getLast())).isEqualTo("PORT 203,0,113,1,156,90\r\n");
    }

    @Test
    void aPortNamingAnotherHostExpectsNothingAndIsLeftAlone() {
        controlConnection();
        receive(eth0, tcp(CLIENT, SERVER, 40000, 21, 0x18, 1017, 9020, "PORT 10,0,0,9,156,80\r\n"));
        assertThat(payload(sent.getLast())).isEqualTo("PORT 10,0,0,9,156,80\r\n");
        assertThat(ct.table.ext.expects).isEmpty();
    }

    @Test
    void aSecondClientsPortOnTheSamePortClashesAndDrawsARandomOne() {
        // ftp-port-clash: identical expectations of two masters clash (EBUSY); nf_nat_exp_find_port
        // then draws from [port, 65534) instead of trying port + 1
        controlConnection();
        receive(eth0, tcp(CLIENT, SERVER, 40000, 21, 0x18, 1017, 9020, "PORT 10,0,0,2,156,100\r\n"));
        assertThat(payload(sent.getLast())).isEqualTo("PORT 203,0,113,1,156,100\r\n");
        int other = Ipv4.parse("10.0.0.3");
        receive(eth0, tcp(other, SERVER, 40200, 21, 0x02, 3000, 0, ""));
        receive(eth1, tcp(SERVER, WAN_ADDR, 21, 40200, 0x12, 7000, 3001, ""));
        receive(eth0, tcp(other, SERVER, 40200, 21, 0x10, 3001, 7001, ""));
        receive(eth1, tcp(SERVER, WAN_ADDR, 21, 40200, 0x18, 7001, 3001, "220 ready\r\n"));
        receive(eth0, tcp(other, SERVER, 40200, 21, 0x18, 3001, 7012, "USER b\r\n"));
        receive(eth1, tcp(SERVER, WAN_ADDR, 21, 40200, 0x18, 7012, 3009, "331 ok\r\n"));
        receive(eth0, tcp(other, SERVER, 40200, 21, 0x18, 3009, 7020, "PORT 10,0,0,3,156,100\r\n"));
        String out = payload(sent.getLast());
        assertThat(out).startsWith("PORT 203,0,113,1,");
        String[] n = out.substring(5, out.length() - 2).split(",");
        int port = Integer.parseInt(n[4]) * 256 + Integer.parseInt(n[5]);
        assertThat(port).isBetween(40037, 65533);
        // a replay takes the kernel's draw (run 1 of the recording: 46213)
        stack.helperRewrites(skb -> "PORT 203,0,113,1,180,133\r\n".getBytes(StandardCharsets.US_ASCII));
        receive(eth0, tcp(other, SERVER, 40200, 21, 0x18, 3009 + 23, 7020, "PORT 10,0,0,3,156,100\r\n"));
        assertThat(payload(sent.getLast())).isEqualTo("PORT 203,0,113,1,180,133\r\n");
    }

    static byte[] ttl1(int src, int sport) {
        byte[] p = tcp(src, Ipv4.parse("198.51.100.20"), sport, 33434, 0x02, 1, 0, "");
        p[8] = 1;
        Ipv4.put16(p, 10, 0);
        Ipv4.put16(p, 10, Checksum.compute(p, 0, 20));
        return p;
    }

    @Test
    void timeExceededIsLimitedToABurstOfSixPerDestinationUnlessIcmpRatelimitIsZero() {
        host.sysctls.set("net.ipv4.icmp_ratelimit", "1000");
        for (int i = 0; i < 9; i++) {
            receive(eth0, ttl1(CLIENT, 7000 + i));
        }
        assertThat(sent).hasSize(6).allSatisfy(p -> assertThat(p[20]).isEqualTo((byte) 11));
        receive(eth0, ttl1(Ipv4.parse("10.0.0.3"), 7100));
        assertThat(sent).hasSize(7); // another destination, its own bucket
        host.sysctls.set("net.ipv4.icmp_ratelimit", "0");
        for (int i = 0; i < 8; i++) {
            receive(eth0, ttl1(Ipv4.parse("10.0.0.4"), 7200 + i));
        }
        assertThat(sent).hasSize(15);
    }

    @Test
    void generatedErrorsTakeIpDefaultTtl() {
        host.sysctls.set("net.ipv4.ip_default_ttl", "100");
        receive(eth0, ttl1(CLIENT, 7000));
        assertThat(Ipv4.ttl(sent.getLast(), 0)).isEqualTo(100);
    }
}
