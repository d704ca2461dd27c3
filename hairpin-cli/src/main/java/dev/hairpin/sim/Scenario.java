package dev.hairpin.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hairpin.host.NetDevice;
import dev.hairpin.io.Snapshot;
import dev.hairpin.io.SnapshotException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.pcap.CaptureFormatException;
import dev.hairpin.pcap.CaptureReader;
import dev.hairpin.pcap.CaptureRecord;
import dev.hairpin.pcap.LinkType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A recorded scenario directory (see the conformance README): the host snapshot, the frames the
 * gateway received and sent, the packets its own processes sent into OUTPUT, and the admin
 * commands run between frames.
 */
public final class Scenario {
    /** A frame: when, on which interface, the IPv4 datagram (link header stripped). */
    /**
     * One frame: its datagram and, for an input frame, the Ethernet header it arrived with
     * ({@code eth}, null when unknown): the mac and pkttype matches and LOG read it.
     */
    public record Frame(int n, double epoch, String iface, byte[] ip, String origin, byte[] eth) {
        public Frame(int n, double epoch, String iface, byte[] ip, String origin) {
            this(n, epoch, iface, ip, origin, null);
        }
    }

    /** An admin command run after input frame {@code afterInput}. */
    public record Action(int afterInput, double epoch, String cmd, String output, int rc) {}

    /**
     * A socket of the gateway's own processes starting or stopping to accept traffic for a local
     * port (expected/local-ops.txt): a TCP listener or a bound UDP socket; {@code service} is
     * "tcp:PORT" / "udp:PORT" as {@link dev.hairpin.host.Host#listening} keys them.
     */
    public record SocketOp(int afterInput, double epoch, String service, boolean open) {}

    public final Path dir;
    public final Snapshot snapshot;
    public final List<Frame> input = new ArrayList<>();
    public final List<Frame> output = new ArrayList<>();
    /** ARP packets that came in (a real box's capture has them): they resolve the host's neighbours */
    public final List<Arp> arps = new ArrayList<>();

    /** An incoming ARP request (op 1) or reply (op 2): sender address and MAC, target address. */
    public record Arp(double epoch, String iface, int op, int sender, byte[] mac, int target) {}
    /** local packets, each with its after_input in {@link Frame#n} */
    public final List<Frame> local = new ArrayList<>();
    public final List<Action> actions = new ArrayList<>();
    public final List<SocketOp> socketOps = new ArrayList<>();
    /** what loading had to say (a capture that lost frames) */
    public final List<String> notes = new ArrayList<>();

    private Scenario(Path dir, Snapshot snapshot) {
        this.dir = dir;
        this.snapshot = snapshot;
    }

    /** the capture's record of the packet a local packet became on a wire or on lo: when it really passed */
    public final List<Frame> looped = new ArrayList<>();

    /**
     * Loads a scenario: input and output frames from {@code capture.pcap} (SLL2: pkttype 0 on a
     * real device is input, 4 is output; lo records are neither), the gateway's own packets from
     * {@code local.pcap} (NFLOG at LOCAL_OUT), admin commands from {@code expected/actions.txt}.
     */
    public static Scenario load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new SnapshotException(dir + ": " + (Files.exists(dir) ? "not a directory" : "no such directory")
                    + " (expected a scenario directory: host/ and capture.pcap)");
        }
        Scenario s = new Scenario(dir, Snapshot.load(dir.resolve("host")));
        s.snapshot.host.netns = true; // the oracle's gateway is a network namespace
        Path capture = dir.resolve("capture.pcap");
        if (!Files.exists(capture)) {
            throw new SnapshotException(capture + ": missing (the gateway's tcpdump -i any capture, LINUX_SLL2)");
        }
        s.readCapture(capture);
        s.fillLostTail(dir);
        Path local = dir.resolve("local.pcap");
        if (Files.exists(local)) {
            s.readLocal(local);
        }
        Path ops = dir.resolve("expected/local-ops.txt");
        if (Files.exists(ops)) {
            s.loadSocketOps(ops);
        }
        Path actions = dir.resolve("expected/actions.txt");
        if (Files.exists(actions)) {
            s.loadActions(actions);
        }
        if (!Files.exists(dir.resolve("input.jsonl")) && !Files.exists(local) && !Files.exists(ops)) {
            int own = BoxTraffic.infer(s); // a box's own snapshot: its processes' traffic is in the capture only
            if (own > 0) {
                s.notes.add("capture.pcap: " + own + " outgoing frames no input became are the box's own processes'"
                        + " (replayed as local packets); ports they answered from listen: "
                        + String.join(", ", new java.util.TreeSet<>(s.snapshot.host.listening)));
            }
        }
        return s;
    }

    private static double epoch(CaptureRecord r) {
        return r.timestampNanos / 1e9;
    }

    /** the IPv4 datagram of a record, trimmed to its total length (link padding off) */
    private static byte[] datagram(CaptureRecord r, String file) {
        if (r.protocol != 0x0800 || r.networkOffset < 0 || r.networkLength < 20) {
            throw new CaptureFormatException(file, r.number, r.fileOffset,
                    "expected an IPv4 packet (protocol 0x0800, at least 20 bytes), got protocol 0x"
                            + Integer.toHexString(r.protocol) + " with " + r.networkLength + " bytes");
        }
        byte[] ip = r.networkCopy();
        int tot = Ipv4.totLen(ip, 0);
        if (Ipv4.version(ip, 0) != 4 || tot < 20 || tot > ip.length) {
            throw new CaptureFormatException(file, r.number, r.fileOffset,
                    "expected an IPv4 header with a total length within the " + ip.length + " captured bytes");
        }
        return tot == ip.length ? ip : Arrays.copyOf(ip, tot);
    }

    /**
     * The Ethernet header of an incoming cooked-capture record: the source is the record's
     * link-layer address, the destination follows its packet type (eth_type_trans's reading of
     * it): the device's own address, broadcast, the IPv4 multicast MAC, or another host's.
     */
    private static byte[] ethHeader(CaptureRecord r, NetDevice dev, byte[] ip) {
        if (r.addrLen != 6 || dev.type != NetDevice.ARPHRD_ETHER || dev.mac == null || dev.mac.length != 6) {
            return null;
        }
        byte[] h = new byte[14];
        switch (r.pkttype) {
            case CaptureRecord.PACKET_HOST -> System.arraycopy(dev.mac, 0, h, 0, 6);
            case CaptureRecord.PACKET_BROADCAST -> Arrays.fill(h, 0, 6, (byte) 0xff);
            case CaptureRecord.PACKET_MULTICAST -> {
                h[0] = 0x01;
                h[1] = 0x00;
                h[2] = 0x5e;
                h[3] = (byte) (ip[17] & 0x7f);
                h[4] = ip[18];
                h[5] = ip[19];
            }
            default -> { } // another host's address: all zero differs from ours
        }
        System.arraycopy(r.addr, 0, h, 6, 6);
        h[12] = 0x08;
        return h;
    }

    private void readCapture(Path file) {
        java.util.Map<Integer, Integer> skipped = new java.util.TreeMap<>();
        java.util.Map<String, Integer> ports = new java.util.TreeMap<>();
        int igmp = 0;
        int partials = 0;
        try (CaptureReader in = CaptureReader.open(file)) {
            CaptureRecord r = new CaptureRecord();
            while (in.next(r)) {
                if (r.ifindex < 0 || r.pkttype < 0) {
                    throw new CaptureFormatException(in.name(), r.number, r.fileOffset,
                            "expected a Linux cooked capture (SLL2: interface index and packet type), got link type "
                                    + LinkType.name(r.linkType));
                }
                if (r.protocol != ETH_P_IP) { // IPv6, ARP, LLDP...: IPv4's hooks and conntrack never see them
                    skipped.merge(r.protocol, 1, Integer::sum);
                    NetDevice d = snapshot.host.device(r.ifindex);
                    if (r.protocol == ETH_P_ARP && r.pkttype != CaptureRecord.PACKET_OUTGOING && d != null && d.master == null) {
                        arp(r);
                    }
                    continue;
                }
                NetDevice dev = snapshot.host.device(r.ifindex);
                if (dev == null) {
                    throw new CaptureFormatException(in.name(), r.number, r.fileOffset,
                            "interface index " + r.ifindex + " is not in host/ip-addr.json");
                }
                if (dev.master != null) { // a bridge port or bond slave: the capture has the frame on its master too
                    ports.merge(dev.name + " (of " + dev.master + ")", 1, Integer::sum);
                    continue;
                }
                byte[] ip = datagram(r, in.name());
                if (r.pkttype == CaptureRecord.PACKET_OUTGOING && Ipv4.protocol(ip, 0) == IPPROTO_IGMP) {
                    igmp++; // the host's own membership reports: IGMP is not modelled
                    continue;
                }
                if (dev.isLoopback()) {
                    looped.add(new Frame(0, epoch(r), dev.name, ip, null));
                } else if (r.pkttype == CaptureRecord.PACKET_OUTGOING) {
                    output.add(new Frame(output.size() + 1, epoch(r), dev.name, ip, null));
                } else {
                    if (partialChecksum(ip)) {
                        partials++;
                        partialInputs.add(input.size() + 1);
                    }
                    input.add(new Frame(input.size() + 1, epoch(r), dev.name, ip, null, ethHeader(r, dev, ip)));
                }
            }
        } catch (IOException e) {
            throw new SnapshotException(file + ": cannot read: " + e.getMessage(), e);
        } catch (CaptureFormatException e) {
            throw new SnapshotException(e.getMessage(), e);
        }
        if (!ports.isEmpty()) {
            notes.add(file.getFileName() + ": " + ports.values().stream().mapToInt(Integer::intValue).sum()
                    + " IPv4 frames on bridge ports or bond slaves left out (" + ports.entrySet().stream()
                            .map(e -> e.getKey() + ": " + e.getValue()).collect(java.util.stream.Collectors.joining(", "))
                    + "): the master device has them; frames bridged between ports (br_netfilter) are not modelled");
        }
        if (partials > 0) {
            notes.add(file.getFileName() + ": " + partials + " incoming TCP/UDP packets with a CHECKSUM_PARTIAL checksum"
                    + " (from a local veth, tap or virtio sender): unchecked, NATed in its pseudo-header part and sent"
                    + " partial, as the kernel does");
        }
        if (igmp > 0) {
            notes.add(file.getFileName() + ": " + igmp + " IGMP reports the box sent itself left out (IGMP is not modelled)");
        }
        if (!skipped.isEmpty()) {
            notes.add(file.getFileName() + ": " + skipped.values().stream().mapToInt(Integer::intValue).sum()
                    + " frames that are not IPv4 left out (" + otherProtocols(skipped)
                    + "): iptables' hooks and IPv4 conntrack never see them"
                    + (arps.isEmpty() ? "" : "; the " + arps.size() + " incoming ARP packets resolve neighbours"));
        }
    }

    static final int ETH_P_IP = 0x0800;
    static final int ETH_P_ARP = 0x0806;
    static final int IPPROTO_IGMP = 2;

    /** input frames (by number) whose TCP/UDP checksum is CHECKSUM_PARTIAL: the replay marks their skb so */
    public final java.util.Set<Integer> partialInputs = new java.util.HashSet<>();

    /**
     * A whole, unfragmented TCP/UDP datagram whose checksum does not verify but holds the
     * CHECKSUM_PARTIAL value (the pseudo-header sum a local sender leaves for the device): the
     * kernel's skb was CHECKSUM_PARTIAL, which nothing checks (nf_ip_checksum trusts it).
     */
    private static boolean partialChecksum(byte[] ip) {
        int proto = Ipv4.protocol(ip, 0);
        int ihl = Ipv4.ihlBytes(ip, 0);
        int tot = Ipv4.totLen(ip, 0);
        if ((proto != Ipv4.PROTO_TCP && proto != Ipv4.PROTO_UDP) || (Ipv4.fragOff(ip, 0) & (Ipv4.IP_MF | Ipv4.IP_OFFSET)) != 0
                || tot - ihl < (proto == Ipv4.PROTO_TCP ? 20 : 8) || tot > ip.length
                || Checksum.transportValid(ip, 0) || !Checksum.transportPartial(ip, 0)) {
            return false;
        }
        return true;
    }

    /** an Ethernet/IPv4 ARP packet (arp_process's checks); others are no neighbour's */
    private void arp(CaptureRecord r) {
        NetDevice dev = snapshot.host.device(r.ifindex);
        if (dev == null || r.networkOffset < 0 || r.networkLength < 28) {
            return;
        }
        byte[] a = r.networkCopy();
        if (Ipv4.u16(a, 0) != 1 || Ipv4.u16(a, 2) != ETH_P_IP || a[4] != 6 || a[5] != 4) {
            return;
        }
        int op = Ipv4.u16(a, 6);
        if (op == 1 || op == 2) {
            arps.add(new Arp(epoch(r), dev.name, op, Ipv4.i32(a, 14), Arrays.copyOfRange(a, 8, 14), Ipv4.i32(a, 24)));
        }
    }

    /** "IPv6 0x86dd: 2, ARP 0x0806: 1" */
    static String otherProtocols(java.util.Map<Integer, Integer> counts) {
        List<String> parts = new ArrayList<>();
        counts.forEach((proto, n) -> parts.add(switch (proto) {
            case 0x86dd -> "IPv6";
            case 0x0806 -> "ARP";
            case 0x8100 -> "802.1Q";
            case 0x88cc -> "LLDP";
            default -> "protocol";
        } + " 0x" + String.format("%04x", proto) + ": " + n));
        return String.join(", ", parts);
    }

    /**
     * tcpdump can lose the last records of a run (its buffer was not flushed when it was
     * stopped). The harness's own log of what it sent (input.jsonl) and of what the peers
     * received (output.jsonl) then holds them: where the capture is a strict prefix of the log,
     * byte for byte, the missing tail is taken from the log and the replay says so.
     */
    private void fillLostTail(Path dir) {
        fillFrom(dir.resolve("input.jsonl"), input, "input");
        fillFrom(dir.resolve("output.jsonl"), output, "output");
    }

    private void fillFrom(Path log, List<Frame> frames, String what) {
        if (!Files.exists(log)) {
            return;
        }
        List<Frame> logged = jsonFrames(log);
        if (logged.size() <= frames.size()) {
            return;
        }
        for (int i = 0; i < frames.size(); i++) {
            if (!Arrays.equals(logged.get(i).ip(), frames.get(i).ip()) || !logged.get(i).iface().equals(frames.get(i).iface())) {
                throw new SnapshotException(log + ":" + (i + 1) + ": differs from capture.pcap's " + what + " frame " + (i + 1)
                        + " while the log has more frames than the capture (" + logged.size() + " vs " + frames.size() + ")");
            }
        }
        int lost = logged.size() - frames.size();
        for (int i = frames.size(); i < logged.size(); i++) {
            Frame f = logged.get(i);
            frames.add(new Frame(i + 1, f.epoch(), f.iface(), f.ip(), null, f.eth()));
        }
        notes.add("capture.pcap lacks the last " + lost + " " + what + " frames; taken from " + log.getFileName()
                + " (the " + (logged.size() - lost) + " before them equal the capture's)");
    }

    /** frames of a harness log: one JSON object per line with a full Ethernet frame in "hex" */
    private static List<Frame> jsonFrames(Path p) {
        ObjectMapper om = new ObjectMapper();
        List<String> lines;
        try {
            lines = Files.readAllLines(p);
        } catch (IOException e) {
            throw new SnapshotException(p + ": cannot read: " + e.getMessage(), e);
        }
        List<Frame> out = new ArrayList<>();
        int ln = 0;
        for (String line : lines) {
            ln++;
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode j = om.readTree(line);
                byte[] bytes = HexFormat.of().parseHex(j.path("hex").asText());
                if (bytes.length >= 14 && Ipv4.u16(bytes, 12) != ETH_P_IP) {
                    continue; // not IPv4: left out, as readCapture leaves it out of the capture
                }
                if (bytes.length < 34) {
                    throw new SnapshotException(p + ":" + ln + ": frame shorter than Ethernet + IPv4 headers");
                }
                byte[] ip = Arrays.copyOfRange(bytes, 14, bytes.length);
                int tot = Ipv4.totLen(ip, 0);
                if (tot >= 20 && tot < ip.length) {
                    ip = Arrays.copyOf(ip, tot);
                }
                out.add(new Frame(ln, j.path("epoch").asDouble(), j.path("gw_iface").asText(), ip, null,
                        Arrays.copyOf(bytes, 14)));
            } catch (IOException | IllegalArgumentException e) {
                throw new SnapshotException(p + ":" + ln + ": expected a JSON object with \"hex\", \"epoch\", \"gw_iface\": "
                        + e.getMessage(), e);
            }
        }
        return out;
    }

    /**
     * The gateway's own packets as they entered OUTPUT (NFLOG, LOCAL_OUT): outdev is the route
     * its socket chose, the prefix says socket or kernel. A partial TCP/UDP checksum (offload)
     * is completed, as the device would. Each is placed among the input frames by when it really
     * passed: NFLOG's stamp comes late (when tcpdump read it), so the capture's record of what it
     * became (same IP id, out on a wire or back in on lo, up to 20 ms before) is used when there
     * is one.
     */
    private void readLocal(Path file) {
        try (CaptureReader in = CaptureReader.open(file)) {
            CaptureRecord r = new CaptureRecord();
            while (in.next(r)) {
                if (r.hook < 0 || r.outdev < 0) {
                    throw new CaptureFormatException(in.name(), r.number, r.fileOffset,
                            "expected an NFLOG record of hook LOCAL_OUT with an outdev attribute, got link type "
                                    + LinkType.name(r.linkType));
                }
                NetDevice dev = snapshot.host.device(r.outdev);
                if (dev == null) {
                    throw new CaptureFormatException(in.name(), r.number, r.fileOffset,
                            "outdev " + r.outdev + " is not in host/ip-addr.json");
                }
                byte[] ip = datagram(r, in.name());
                if (Checksum.transportPartial(ip, 0)) {
                    int at = Ipv4.ihlBytes(ip, 0) + Checksum.checkOffset(Ipv4.protocol(ip, 0));
                    Ipv4.put16(ip, at, Checksum.completePartial(ip, 0));
                }
                double when = passed(ip, epoch(r));
                int after = 0;
                while (after < input.size() && input.get(after).epoch() < when) {
                    after++;
                }
                local.add(new Frame(after, when, dev.name, ip, r.prefix()));
            }
        } catch (IOException e) {
            throw new SnapshotException(file + ": cannot read: " + e.getMessage(), e);
        } catch (CaptureFormatException e) {
            throw new SnapshotException(e.getMessage(), e);
        }
    }

    private double passed(byte[] ip, double logged) {
        double best = logged;
        for (List<Frame> l : List.of(output, looped)) {
            for (Frame f : l) {
                byte[] p = f.ip();
                if (f.epoch() <= logged && f.epoch() >= logged - 0.020 && f.epoch() < best
                        && Ipv4.id(p, 0) == Ipv4.id(ip, 0) && Ipv4.protocol(p, 0) == Ipv4.protocol(ip, 0)
                        && Ipv4.totLen(p, 0) == Ipv4.totLen(ip, 0)) {
                    best = f.epoch();
                }
            }
        }
        return best;
    }

    private void loadActions(Path p) {
        List<String> lines;
        try {
            lines = Files.readAllLines(p);
        } catch (IOException e) {
            throw new SnapshotException(p + ": cannot read: " + e.getMessage(), e);
        }
        int ln = 0;
        StringBuilder outText = null;
        int after = 0;
        double epoch = 0;
        String cmd = null;
        int rc = 0;
        for (String line : lines) {
            ln++;
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            if (line.startsWith("t=")) {
                if (cmd != null) {
                    actions.add(new Action(after, epoch, cmd, outText.toString(), rc));
                }
                var m = java.util.regex.Pattern.compile("epoch=(\\S+) after_input=(\\d+) rc=(-?\\d+) cmd=(.*)$").matcher(line);
                if (!m.find()) {
                    throw new SnapshotException(p + ":" + ln + ": expected `t=... epoch=... after_input=N rc=... cmd=...`");
                }
                try {
                    epoch = Double.parseDouble(m.group(1));
                    after = Integer.parseInt(m.group(2));
                    rc = Integer.parseInt(m.group(3));
                } catch (NumberFormatException e) {
                    throw new SnapshotException(p + ":" + ln + ": expected numbers in `epoch=SECONDS after_input=N rc=N`, got: " + line);
                }
                cmd = m.group(4);
                outText = new StringBuilder();
            } else if (outText != null && line.startsWith("    |")) {
                outText.append(line.replaceFirst("^    \\| ?", "")).append('\n');
            } else {
                throw new SnapshotException(p + ":" + ln + ": expected `t=... epoch=... after_input=N rc=... cmd=...`"
                        + (outText != null ? " or a line of its output (`    | ...`)" : "") + ", got: " + line);
            }
        }
        if (cmd != null) {
            actions.add(new Action(after, epoch, cmd, outText.toString(), rc));
        }
    }

    private static final java.util.regex.Pattern OP = java.util.regex.Pattern.compile(
            "epoch=(\\S+) after_input=(\\d+) sock=(\\S+) op=(.*) -> (.*)$");
    private static final java.util.regex.Pattern TCP_LISTEN = java.util.regex.Pattern.compile(
            "^socket\\(TCP\\) bind\\([0-9.]*:(\\d+)\\) listen\\(\\d+\\)$");
    private static final java.util.regex.Pattern UDP_BIND = java.util.regex.Pattern.compile(
            "^socket\\(UDP\\) bind\\(\\('[0-9.]*', (\\d+)\\)\\)$");

    /** listeners and bound UDP sockets from local-ops.txt, opened and closed in time */
    private void loadSocketOps(Path p) {
        List<String> lines;
        try {
            lines = Files.readAllLines(p);
        } catch (IOException e) {
            throw new SnapshotException(p + ": cannot read: " + e.getMessage(), e);
        }
        java.util.Map<String, String> services = new java.util.HashMap<>();
        int ln = 0;
        for (String line : lines) {
            ln++;
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            var m = OP.matcher(line);
            if (!m.find()) {
                throw new SnapshotException(p + ":" + ln + ": expected `t=... epoch=... after_input=N sock=NAME op=... -> result`");
            }
            double epoch;
            int after;
            try {
                epoch = Double.parseDouble(m.group(1));
                after = Integer.parseInt(m.group(2));
            } catch (NumberFormatException e) {
                throw new SnapshotException(p + ":" + ln + ": expected numbers in `epoch=SECONDS after_input=N`, got: " + line);
            }
            String sock = m.group(3), op = m.group(4);
            var t = TCP_LISTEN.matcher(op);
            var u = UDP_BIND.matcher(op);
            String service = t.matches() ? "tcp:" + t.group(1) : u.matches() ? "udp:" + u.group(1) : null;
            if (service != null && m.group(5).equals("ok")) {
                services.put(sock, service);
                socketOps.add(new SocketOp(after, epoch, service, true));
            } else if (op.equals("close()") && services.containsKey(sock)) {
                socketOps.add(new SocketOp(after, epoch, services.remove(sock), false));
            }
        }
    }
}
