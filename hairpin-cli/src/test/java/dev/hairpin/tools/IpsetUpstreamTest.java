package dev.hairpin.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtConfig;
import dev.hairpin.host.Host;
import dev.hairpin.pipeline.Stack;
import dev.hairpin.rules.Ruleset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * ipset's own test scripts (tests/TYPE.t in the ipset sources: "EXIT-CODE command" lines and the
 * listings the real tool printed, compared by tests/diff.sh's rules: Revision and Size lines
 * ignored, timeouts and initval masked, members sorted) run against {@code ipset} here, when
 * {@code -Dhairpin.ipset.src=DIR} points at an ipset source tree. Lines needing what the model
 * lacks (IPv6, other set types, shell helpers, packet senders) are skipped and counted.
 */
class IpsetUpstreamTest {
    static final List<String> SCRIPTS = List.of("hash:ip.t", "hash:net.t", "hash:ip,port.t", "portmap.t", "iphash.t", "nethash.t",
            "ipporthash.t");
    private static final Pattern LIST = Pattern.compile("^ipset (?:-L|list) (\\S+) > \\.foo0? && \\./sort\\.sh \\.foo0$|^ipset (?:-L|list) (\\S+) > \\.foo$");
    private static final Pattern DIFF = Pattern.compile("^\\./diff\\.sh \\.foo (\\S+)$");
    private static final Pattern COUNT = Pattern.compile("^n=`ipset (save|-S|list|-L) (\\S+)\\s*\\|\\s*(?:grep '\\^([^']*)'\\s*\\|\\s*)?wc -l` && test \\$n -eq (\\d+)$");
    private static final Pattern CREATE = Pattern.compile("^ipset (?:-N|create|new|n|-R|restore|r)\\b|\\| ipset (?:-R|restore)");
    private static final Pattern SLEEP = Pattern.compile("^sleep (\\d+)s?$");

    @TestFactory
    Stream<DynamicTest> ipsetsOwnScriptsPass() {
        String src = System.getProperty("hairpin.ipset.src");
        Assumptions.assumeTrue(src != null && Files.isDirectory(Path.of(src, "tests")),
                "set -Dhairpin.ipset.src=<ipset source tree> to run ipset's own tests");
        return SCRIPTS.stream().filter(s -> Files.exists(Path.of(src, "tests", s))).map(s -> DynamicTest.dynamicTest(s, () -> run(Path.of(src, "tests"), s)));
    }

    static void run(Path dir, String script) throws Exception {
        Conntrack ct = new Conntrack(new CtConfig(), 1);
        ct.table.setNow(1_000_000_000_000L);
        EngineState st = new EngineState(new Stack(new Host(), ct, new SplittableRandom(1)), new Ruleset());
        List<String> failures = new ArrayList<>();
        int ran = 0;
        int skipped = 0;
        String listing = null;
        boolean sectionSkipped = false;
        for (String line : Files.readAllLines(dir.resolve(script))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int sp = line.indexOf(' ');
            if (!line.substring(0, sp).matches("\\d+")) {
                skipped++;
                continue;
            }
            int rc = Integer.parseInt(line.substring(0, sp));
            String cmd = line.substring(sp + 1).trim();
            boolean creates = CREATE.matcher(cmd).find();
            if (sectionSkipped && !creates && !SLEEP.matcher(cmd).matches()) {
                skipped++; // the set these lines use was made by a line the model cannot run
                continue;
            }
            Matcher m;
            if ((m = SLEEP.matcher(cmd)).matches()) {
                ct.advance(ct.now() + Long.parseLong(m.group(1)) * 1_000_000_000L);
                continue;
            }
            if ((m = LIST.matcher(cmd)).matches()) {
                listing = OperatorCommands.run(st, List.of("ipset", "list", m.group(1) != null ? m.group(1) : m.group(2))).stdout();
                continue;
            }
            if ((m = DIFF.matcher(cmd)).matches()) {
                ran++;
                String want = normalise(Files.readString(dir.resolve(m.group(1))));
                String got = normalise(listing == null ? "" : listing);
                if (!want.equals(got)) {
                    failures.add(cmd + "\n--- ipset\n" + want + "--- ours\n" + got);
                }
                continue;
            }
            if ((m = COUNT.matcher(cmd)).matches()) {
                ran++;
                String op = m.group(1).startsWith("s") || m.group(1).equals("-S") ? "save" : "list";
                String out = OperatorCommands.run(st, List.of("ipset", op, m.group(2))).stdout();
                String prefix = m.group(3);
                long n = out.lines().filter(l -> prefix == null || l.startsWith(prefix)).count();
                if (n != Long.parseLong(m.group(4))) {
                    failures.add(cmd + ": " + n + " lines");
                }
                continue;
            }
            if (!cmd.startsWith("ipset ") || cmd.contains("|") || cmd.contains(">") || cmd.contains("<") || cmd.contains(" -f ") || cmd.contains("inet6") || cmd.contains(":")
                    && !cmd.matches(".*,(tcp|udp|sctp|gre|icmp):.*") && !cmd.contains("hash:") && !cmd.contains("bitmap:")
                    || cmd.contains("comment") || cmd.contains("skb") || cmd.contains("netmask") || cmd.contains("forceadd")
                    || cmd.contains("bitmask")) {
                skipped++;
                sectionSkipped |= creates || cmd.contains("restore") || cmd.contains("-R");
                continue;
            }
            if (creates) {
                sectionSkipped = false;
            }
            ran++;
            ToolResult r = OperatorCommands.run(st, split(cmd));
            if (r.exitCode() != rc) {
                failures.add(cmd + ": exit " + r.exitCode() + ", ipset's test expects " + rc + "  " + r.stderr().strip());
            }
        }
        assertThat(ran).as(script + " ran nothing (" + skipped + " skipped)").isGreaterThan(5);
        assertThat(failures).as(script + " (" + ran + " checks, " + skipped + " lines skipped):\n" + String.join("\n", failures)).isEmpty();
    }

    static List<String> split(String s) {
        return new ArrayList<>(List.of(s.trim().split("\\s+")));
    }

    /** tests/diff.sh and tests/sort.sh */
    static String normalise(String text) {
        List<String> head = new ArrayList<>();
        List<String> members = new ArrayList<>();
        boolean inMembers = false;
        for (String l : text.split("\n")) {
            if (l.startsWith("Revision:") || l.startsWith("Size in memory")) {
                continue;
            }
            l = l.replaceAll("timeout [0-9]*", "timeout x").replaceAll("initval 0x[0-9a-fA-F]{8}", "initval 0x00000000");
            if (inMembers) {
                if (!l.isBlank()) {
                    members.add(l);
                }
            } else {
                head.add(l);
                inMembers = l.equals("Members:");
            }
        }
        members.sort(null);
        StringBuilder sb = new StringBuilder();
        for (String l : head) {
            sb.append(l).append('\n');
        }
        for (String l : members) {
            sb.append(l).append('\n');
        }
        return sb.toString();
    }

    static final Map<String, String> NOTE = Map.of();
}
