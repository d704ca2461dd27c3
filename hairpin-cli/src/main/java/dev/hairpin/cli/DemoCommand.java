package dev.hairpin.cli;

import dev.hairpin.packet.Ipv4;
import dev.hairpin.report.HtmlReport;
import dev.hairpin.report.TraceJson;
import dev.hairpin.tools.ConntrackFormat;
import dev.hairpin.trace.PacketTrace;
import dev.hairpin.trace.TraceText;
import dev.hairpin.trace.Tracer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hairpin demo}: the home network of the NAT guides, built in (no root, no files): a LAN
 * behind a router with a public address, MASQUERADE, a port forward with its FORWARD rules,
 * hairpin NAT, the router reaching its own forwarded port, load balancing over two backends and
 * a small conntrack table that fills up. Rules go through the iptables-restore front end;
 * traffic runs through the engine on a simulated clock; the output tells the story.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a built-in home network through the engine: conntrack -E as it happens, the final table, "
                + "rule counters, one packet's trace and an HTML report.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--html", paramLabel = "FILE", description = "where to write the HTML report (default: hairpin-demo.html in the temp dir)")
    Path html = Path.of(System.getProperty("java.io.tmpdir"), "hairpin-demo.html");

    @Option(names = "--no-html", description = "do not write the HTML report")
    boolean noHtml;

    static final int CT_MAX = 16;

    static final String RULES = """
            *nat
            :PREROUTING ACCEPT [0:0]
            :INPUT ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            :POSTROUTING ACCEPT [0:0]
            # port forward: the public web port goes to the web server on the LAN
            -A PREROUTING -d 203.0.113.1/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.10:80
            # load balancing: every other new connection to :8080 goes to the first backend, the rest to the second
            -A PREROUTING -d 203.0.113.1/32 -p tcp -m tcp --dport 8080 -m statistic --mode nth --every 2 --packet 0 -j DNAT --to-destination 10.0.0.11:8080
            -A PREROUTING -d 203.0.113.1/32 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.0.0.12:8080
            # router-local access: the router's own programs reach the forwarded port too
            -A OUTPUT -d 203.0.113.1/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.10:80
            # hairpin NAT: LAN clients using the public address; the server must answer through the router
            -A POSTROUTING -s 10.0.0.0/24 -d 10.0.0.10/32 -p tcp -m tcp --dport 80 -j MASQUERADE
            # everything leaving for the Internet takes the router's public address
            -A POSTROUTING -o eth1 -j MASQUERADE
            COMMIT
            *filter
            :INPUT ACCEPT [0:0]
            :FORWARD DROP [0:0]
            :OUTPUT ACCEPT [0:0]
            -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            -A FORWARD -i eth0 -o eth1 -j ACCEPT
            -A FORWARD -m conntrack --ctstate DNAT -j ACCEPT
            COMMIT
            """;

    static final int LAPTOP = Ipv4.parse("10.0.0.2");
    static final int PHONE = Ipv4.parse("10.0.0.3");
    static final int WEB = Ipv4.parse("10.0.0.10");
    static final int CLIENT = Ipv4.parse("198.51.100.7");
    static final int DNS = Ipv4.parse("198.51.100.53");
    static final int SITE = Ipv4.parse("192.0.2.80");
    static final int PUBLIC = DemoNet.ROUTER_WAN;

    PrintStream out = System.out;
    private DemoNet net;

    @Override
    public Integer call() throws Exception {
        net = new DemoNet(CT_MAX, RULES);
        Tracer tracer = new Tracer(net.conntrack);
        net.stack.trace(tracer);
        net.host.listening.add("tcp:43000"); // the router's own client socket (router-local access)
        net.stack.kernelLog = line -> out.println("      kernel: " + line);
        net.conntrack.addListener((t, ct, ev, user) -> out.println("      " + ConntrackFormat.event(t, ct, ev, false).strip()));

        out.println("""
                Hairpin demo: a home router and its NAT, simulated in-process (no root, no network, no files).

                    LAN 10.0.0.0/24 --- eth0 10.0.0.1 [router] eth1 203.0.113.1 --- Internet (gateway 203.0.113.254)
                    LAN:      laptop 10.0.0.2, phone 10.0.0.3, web server 10.0.0.10, app backends 10.0.0.11 and 10.0.0.12
                    Internet: a client 198.51.100.7, a DNS server 198.51.100.53, a web site 192.0.2.80

                The router's rules, loaded through iptables-restore exactly as written:
                """);
        RULES.lines().forEach(l -> out.println("    " + l));
        out.println();
        out.println("nf_conntrack_max is " + CT_MAX + " (tiny on purpose, so the table fills up at the end).");
        out.println("Below, each scene sends real packets through the engine; indented lines are conntrack -E events as");
        out.println("they happen ([NEW] entry created, [UPDATE] state change, [DESTROY] entry gone).");

        int scenes = 8;
        int k = 0;
        scene(++k, scenes, "The laptop looks up a name: UDP DNS out through MASQUERADE, and the answer back");
        net.udp(net.eth0, LAPTOP, 41000, DNS, 53, 32, 80);

        scene(++k, scenes, "The laptop fetches a web page: a TCP handshake, request, response and FIN teardown (MASQUERADE)");
        net.tcp(net.eth0, LAPTOP, 50000, SITE, 443, 300, true);

        scene(++k, scenes, "The phone pings the web site (ICMP echo, id translated), then sends UDP to a closed port on the router");
        net.ping(net.eth0, PHONE, SITE, 77);
        DemoNet.Result r = net.udp(net.eth0, PHONE, 41500, DemoNet.ROUTER_LAN, 9999, 16, 0);
        out.println("      -> the router's own stack answered with " + (r.sent.isEmpty() ? "nothing" : "ICMP port unreachable"));

        scene(++k, scenes, "A client on the Internet opens http://203.0.113.1/: the port forward (DNAT) to the web server, allowed by FORWARD");
        net.tcp(net.eth1, CLIENT, 51000, PUBLIC, 80, 200, true);

        scene(++k, scenes, "The laptop opens http://203.0.113.1/ from inside: hairpin NAT (DNAT, then MASQUERADE back into the LAN)");
        int hairpinFrom = tracer.traces().size() + 1;
        net.tcp(net.eth0, LAPTOP, 50100, PUBLIC, 80, 200, false);

        scene(++k, scenes, "The router itself opens http://203.0.113.1/ (router-local access: DNAT in OUTPUT, then a re-route)");
        net.tcp(null, PUBLIC, 43000, PUBLIC, 80, 100, false);

        scene(++k, scenes, "Four clients open :8080, balanced by -m statistic over backends 10.0.0.11 and 10.0.0.12");
        for (int i = 0; i < 4; i++) {
            net.tcp(net.eth1, CLIENT + 1 + i, 52000 + i, PUBLIC, 8080, 100, false);
        }

        scene(++k, scenes, "The phone opens connection after connection until the table (max " + CT_MAX + ") is full");
        int refused = 0;
        for (int i = 0; i < 24 && refused < 2; i++) {
            int before = tracer.traces().size();
            boolean ok = net.tcp(net.eth0, PHONE, 42000 + i, SITE + 1 + i, 443, 0, false);
            refused += ok ? 0 : 1;
            String why = ok ? "" : "  <- the SYN's trace: " + tracer.get(before + 1).fate.describe();
            out.println("    " + bar(net.conntrack.table.confirmedCount(), CT_MAX) + why);
        }
        net.advance(1);

        out.println();
        out.println("== conntrack -L (the final table) ==");
        for (int e : net.conntrack.snapshot()) {
            out.println(ConntrackFormat.entry(net.conntrack.table, e, false));
        }
        out.println(ConntrackFormat.VERSION + ": " + net.conntrack.snapshot().length + " flow entries have been shown.");
        out.println();
        out.println("== conntrack -S ==  (early_drop: unassured entries evicted to make room, looking only in the 8 hash buckets from the new tuple's; drop: packets refused when none was found)");
        out.println(ConntrackFormat.stats(net.conntrack.stats));
        out.println();
        out.println("== iptables -t nat -L -n -v ==  (nat rules see only the first packet of each connection)");
        out.print(net.iptables("-t", "nat", "-L", "-n", "-v"));
        out.println();
        out.println("== iptables -L FORWARD -n -v ==");
        out.print(net.iptables("-L", "FORWARD", "-n", "-v"));

        PacketTrace syn = tracer.get(hairpinFrom);
        out.println();
        out.println("== one packet's trace: the laptop's SYN to the public address (scene 5, hairpin NAT) ==");
        out.println("(hairpin trace prints this for any packet; rules that did not match show which part failed)");
        out.print(TraceText.render(tracer, syn, true));
        net.stack.trace(null);
        tracer.close();

        if (!noHtml) {
            long t0 = DemoNet.T0;
            HtmlReport.write(html, "Hairpin demo: a home router", tracer.traces().size() + " packets through the built-in home network; "
                    + "click a packet to see its path", TraceJson.of(tracer, tracer.traces(), true, t0), syn.id);
            out.println();
            out.println("HTML report (the packet-flow diagram with each packet's path, the flows over time, the table filling up):");
            out.println("    " + html.toAbsolutePath().toUri());
        }
        out.println();
        out.println("Next: `hairpin trace --help` traces your own packet against a host snapshot; `hairpin replay` runs a kernel recording.");
        return 0;
    }

    private void scene(int k, int n, String what) {
        if (net != null) {
            net.advance(1.0); // a second between scenes, so the timeline reads as one
        }
        out.println();
        out.println("[" + k + "/" + n + "] " + what);
    }

    static String bar(int count, int max) {
        int w = 24;
        int filled = Math.min(w, count * w / Math.max(1, max));
        return "table [" + "#".repeat(filled) + ".".repeat(w - filled) + "] " + count + "/" + max;
    }
}
