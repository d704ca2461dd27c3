package dev.hairpin.sim;

import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Ipv4;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Compares a replay with what the kernel did, after the normalisation of
 * shared/oracle/normalize.py: countdown timers, ids and netlink port ids dropped, conntrack -L
 * lines and runs of DESTROY events sorted (hash order), per-CPU stats summed, iptables-save date
 * lines dropped. Frames compare byte for byte, except that a TCP/UDP checksum the kernel left
 * partial (checksum offload) may be complete in ours.
 */
public final class Check {
    /** Differences per file; empty when everything matches. */
    public final Map<String, List<String>> diffs = new TreeMap<>();
    /** what was left out of the comparison, and why */
    public final List<String> notes = new ArrayList<>();
    /** what was compared: "output frames", then each expected file that was there */
    public final List<String> compared = new ArrayList<>();

    public boolean matches() {
        return diffs.isEmpty();
    }

    public static Check of(Replay r) {
        Check c = new Check();
        Path exp = r.scenario.dir.resolve("expected");
        c.compare("output frames", frames(r.scenario.output), sentFrames(r), r);
        // a box's own snapshot may come without some of what the recorder saves: only what is there is compared
        if (c.present(exp, "conntrack.txt")) {
            c.compare("conntrack.txt", c.ipv4Only("conntrack.txt", ctList(read(exp.resolve("conntrack.txt")))),
                    ctList(String.join("\n", r.table())), r);
        }
        if (c.present(exp, "events.txt")) {
            c.compare("events.txt", c.ipv4Only("events.txt", events(read(exp.resolve("events.txt")))),
                    events(String.join("\n", r.events)), r);
        }
        if (c.present(exp, "stats.txt")) {
            c.compare("stats.txt", stats(read(exp.resolve("stats.txt"))), stats(r.stats()), r);
        }
        if (c.present(exp, "iptables-save-c.txt")) {
            c.compare("iptables-save-c.txt", iptables(read(exp.resolve("iptables-save-c.txt"))),
                    iptables(r.iptablesSaveCounters()), r);
        }
        Path nftEnd = exp.resolve("nft-ruleset-end.txt");
        if (Files.exists(nftEnd)) { // `nft list ruleset` at the end: every native and iptables-nft counter
            List<String> got;
            try {
                got = lines(r.nftListing());
            } catch (IllegalStateException e) {
                got = List.of("(not modelled: " + e.getMessage() + ")");
            }
            c.compare("nft-ruleset-end.txt", lines(read(nftEnd)), got, r);
        }
        return c;
    }

    /** whether the kernel's {@code name} is there to compare; says so when it is not */
    private boolean present(Path exp, String name) {
        if (Files.exists(exp.resolve(name))) {
            return true;
        }
        notes.add("expected/" + name + " missing: not compared");
        return false;
    }

    private static final Pattern IPV6 = Pattern.compile("\\bsrc=[0-9a-fA-F.]*:");

    /**
     * The kernel's lines of IPv4 entries: a box's IPv6 entries (its own link-local and
     * multicast chatter, IPv6 flows) come from frames the replay leaves out (not IPv4).
     */
    private List<String> ipv4Only(String name, List<String> lines) {
        List<String> v4 = lines.stream().filter(l -> !IPV6.matcher(l).find()).toList();
        if (v4.size() != lines.size()) {
            int n = lines.size() - v4.size();
            notes.add(name + ": " + n + (n == 1 ? " line" : " lines") + " of IPv6 entries not compared (IPv6 is not modelled)");
        }
        return v4;
    }

    private void compare(String name, List<String> want, List<String> got, Replay r) {
        compared.add(name);
        if (want.equals(got)) {
            return;
        }
        List<String> d = new ArrayList<>();
        int n = Math.max(want.size(), got.size());
        for (int i = 0; i < n; i++) {
            String w = i < want.size() ? want.get(i) : null;
            String g = i < got.size() ? got.get(i) : null;
            if (w == null || !w.equals(g)) {
                if (w != null) {
                    d.add("- " + w);
                }
                if (g != null) {
                    d.add("+ " + g);
                }
            }
        }
        diffs.put(name, d);
    }

    private static List<String> lines(String text) {
        return text.lines().filter(l -> !l.isBlank()).toList();
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final Pattern TIMER = Pattern.compile("^((?:ipv4\\s+\\d+\\s+)?\\w+\\s+\\d+)\\s+\\d+\\s");

    static String ws(String s) {
        return String.join(" ", s.trim().split("\\s+"));
    }

    static List<String> ctList(String text) {
        List<String> out = new ArrayList<>();
        for (String l : text.split("\n")) {
            if (l.isBlank() || l.startsWith("conntrack v")) {
                continue;
            }
            out.add(TIMER.matcher(ws(l)).replaceFirst("$1 "));
        }
        out.sort(null);
        return out;
    }

    private static final Pattern EVENT = Pattern.compile("^(?:\\[\\d+\\.\\d+\\]\\s+)?\\s*\\[(NEW|UPDATE|DESTROY)\\]\\s+(.*)$");

    static List<String> events(String text) {
        List<String> out = new ArrayList<>();
        List<String> run = new ArrayList<>();
        for (String l : text.split("\n")) {
            var m = EVENT.matcher(l.trim());
            if (!m.matches()) {
                continue;
            }
            String rest = TIMER.matcher(ws(m.group(2))).replaceFirst("$1 ");
            rest = rest.replaceAll(" portid=\\d+( progname=\\S+)?", "");
            String line = "[" + m.group(1) + "] " + rest;
            if (m.group(1).equals("DESTROY")) {
                run.add(line);
            } else {
                run.sort(null);
                out.addAll(run);
                run.clear();
                out.add(line);
            }
        }
        run.sort(null);
        out.addAll(run);
        return out;
    }

    static List<String> stats(String text) {
        Map<String, Long> sums = new java.util.LinkedHashMap<>();
        List<String> other = new ArrayList<>();
        for (String l : text.split("\n")) {
            if (l.startsWith("cpu=")) {
                var m = Pattern.compile("(\\w+)=(\\d+)").matcher(l);
                while (m.find()) {
                    if (!m.group(1).equals("cpu")) {
                        sums.merge(m.group(1), Long.parseLong(m.group(2)), Long::sum);
                    }
                }
            } else if (l.startsWith("#") || l.startsWith("entries") || l.matches("^[0-9a-f]{8}\\s.*")) {
                continue;
            } else if (!l.isBlank()) {
                other.add("count=" + l.trim());
            }
        }
        List<String> out = new ArrayList<>();
        sums.forEach((k, v) -> out.add(k + "=" + v));
        out.addAll(other);
        return out;
    }

    static List<String> iptables(String text) {
        List<String> out = new ArrayList<>();
        for (String l : text.split("\n")) {
            if (!l.isBlank() && !l.startsWith("# ")) {
                out.add(ws(l));
            }
        }
        return out;
    }

    static List<String> frames(List<Scenario.Frame> fs) {
        List<String> out = new ArrayList<>();
        for (Scenario.Frame f : fs) {
            out.add(f.iface() + " " + HexFormat.of().formatHex(f.ip()));
        }
        return out;
    }

    /** Ours, with the L4 checksum made partial where the kernel's was (offload left it so). */
    static List<String> sentFrames(Replay r) {
        List<String> out = new ArrayList<>();
        List<Scenario.Frame> want = r.scenario.output;
        for (int i = 0; i < r.sent.size(); i++) {
            Replay.Sent s = r.sent.get(i);
            byte[] ip = s.ip();
            if (i < want.size()) {
                ip = adoptPartial(ip, want.get(i).ip());
            }
            out.add(s.iface() + " " + HexFormat.of().formatHex(ip));
        }
        return out;
    }

    /** When the kernel's frame equals ours but for a partial L4 checksum, show ours as the kernel's. */
    static byte[] adoptPartial(byte[] ours, byte[] kernel) {
        if (ours.length != kernel.length || ours.length < 20) {
            return ours;
        }
        int proto = Ipv4.protocol(ours, 0);
        int rel = proto == 6 ? 16 : proto == 17 ? 6 : -1;
        if (rel < 0) {
            return ours;
        }
        int off = Ipv4.ihlBytes(ours, 0) + rel;
        if (off + 2 > ours.length) {
            return ours;
        }
        byte[] k = kernel.clone();
        k[off] = ours[off];
        k[off + 1] = ours[off + 1];
        if (!java.util.Arrays.equals(k, ours) || !Checksum.transportPartial(kernel, 0)) {
            return ours;
        }
        return kernel;
    }

    public String report() {
        StringBuilder sb = new StringBuilder();
        diffs.forEach((f, d) -> {
            sb.append("--- ").append(f).append('\n');
            d.stream().limit(40).forEach(l -> sb.append(l).append('\n'));
            if (d.size() > 40) {
                sb.append("... ").append(d.size() - 40).append(" more\n");
            }
        });
        return sb.toString();
    }
}
