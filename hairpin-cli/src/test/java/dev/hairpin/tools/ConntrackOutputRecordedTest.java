package dev.hairpin.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.CtConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * conntrack-tools 1.4.7's {@code -o xml} and {@code -o save} for events, against the kernel
 * recording ops-ct-output: each {@code conntrack -E -o ...} there ran while a second shell made,
 * changed and deleted one entry with -I, -U and -D (a shell line, which the command-by-command
 * replay skips). Here the same commands run against a fresh table with the same -E started
 * first, and the stream must print what conntrack printed: the XML header, one
 * {@code <flow type=...>} per event with the attributes each netlink event carried, the
 * {@code [USERSPACE]} tail, the footer on SIGINT. The kernel's random ids, the netlink port ids,
 * the wall-clock {@code <when>} and the timer's second (the kernel counts jiffies) are masked.
 */
class ConntrackOutputRecordedTest {
    static final Path ACTIONS = Path.of("src/test/resources/conformance/ops-ct-output/expected/actions.txt");

    record Action(double epoch, int rc, String cmd, List<String> output) {}

    static List<Action> actions() throws IOException {
        List<Action> out = new ArrayList<>();
        Pattern head = Pattern.compile("^t=\\S+ epoch=(\\S+) after_input=\\d+ rc=(\\d+) cmd=(.*)$");
        Action cur = null;
        for (String l : Files.readAllLines(ACTIONS)) {
            Matcher m = head.matcher(l);
            if (m.matches()) {
                cur = new Action(Double.parseDouble(m.group(1)), Integer.parseInt(m.group(2)), m.group(3), new ArrayList<>());
                out.add(cur);
            } else if (cur != null && l.startsWith("    | ")) {
                cur.output().add(l.substring(6));
            }
        }
        return out;
    }

    static String mask(String l) {
        return l.replaceAll("<id>\\d+</id>", "<id>ID</id>")
                .replaceAll("<timeout>\\d+</timeout>", "<timeout>T</timeout>")
                .replaceAll("^(-[ADU] -t )\\d+ ", "$1T ")
                .replaceAll("<when>.*</when>", "<when/>")
                .replaceAll(" portid=\\d+( progname=\\S+)?$", " portid=P");
    }

    static final Pattern EVENTS = Pattern.compile("^\\((.*)\\) >/dev/null 2>&1 & timeout -s INT \\S+ conntrack (-E.*); wait$");

    @Test
    void eventsInXmlAndSaveAreWhatConntrackPrinted() throws IOException {
        int compared = 0;
        for (Action a : actions()) {
            Matcher m = EVENTS.matcher(a.cmd());
            if (!m.matches()) {
                continue;
            }
            CtConfig cfg = new CtConfig();
            cfg.acct = true; // the recorder's gateway: nf_conntrack_acct=1
            Conntrack c = new Conntrack(cfg, 11);
            c.table.setNow(Math.round(a.epoch() * 1e9));
            List<String> lines = new ArrayList<>();
            ConntrackCommand.Started st = ConntrackCommand.events(c, List.of(m.group(2).split(" ")), lines::add);
            assertThat(st.stream()).as(a.cmd()).isNotNull();
            for (String sub : m.group(1).split("; ")) {
                if (sub.startsWith("sleep")) {
                    continue;
                }
                List<String> argv = List.of(sub.split(" "));
                ToolResult r = ConntrackCommand.run(c, argv.subList(1, argv.size()));
                assertThat(r.exitCode()).as(sub).isZero();
            }
            ToolResult end = st.stream().stop();
            List<String> ours = new ArrayList<>();
            for (String l : lines) {
                ours.addAll(List.of(l.split("\n")));
            }
            ours.addAll(end.stdout().lines().toList());
            ours.addAll(end.stderr().lines().toList());
            assertThat(ours.stream().map(ConntrackOutputRecordedTest::mask).toList()).as(a.cmd())
                    .isEqualTo(a.output().stream().map(ConntrackOutputRecordedTest::mask).toList());
            compared++;
        }
        assertThat(compared).isEqualTo(5);
    }

    @Test
    void xmlTimestampEventsCarryTheLocalTimeAsLocaltimeGivesIt() throws IOException {
        // the recorder runs in UTC; the element is the event's wall-clock time to the second
        Action a = actions().stream().filter(x -> x.cmd().contains("-E -o xml,timestamp")).findFirst().orElseThrow();
        String recorded = a.output().get(2).replaceAll(".*(<when>.*</when>).*", "$1");
        CtConfig cfg = new CtConfig();
        cfg.acct = true;
        Conntrack c = new Conntrack(cfg, 3);
        c.table.setNow(Math.round(a.epoch() * 1e9));
        ConntrackCommand.run(c, List.of("-I", "-p", "udp", "-s", "192.0.2.1", "-d", "192.0.2.2", "--sport", "1", "--dport", "2",
                "-t", "5"));
        int ct = c.snapshot()[0];
        long second = Long.parseLong(recorded.replaceAll(".*<sec>(\\d+)</sec>.*", "$1"));
        long epoch = (long) a.epoch();
        // the event came up to a second after the shell started: find that second
        long when = epoch - epoch % 60 + second + (second < epoch % 60 ? 60 : 0);
        String xml = CtOutput.xml(c.table, ct, 1, CtOutput.Attrs.event(c.table, ct, dev.hairpin.conntrack.CtEvent.NEW), when,
                ZoneOffset.UTC);
        assertThat(xml.replaceAll(".*(<when>.*</when>).*", "$1")).isEqualTo(recorded);
    }

    @Test
    void saveLinesOfEntriesMadeWithDashIAreTheRecordedOnes() throws IOException {
        // conntrack -L -o save -s 192.0.2.0/24 after the -I of an ICMP echo, a udplite and a
        // protocol-50 entry (recorded): -u UNSET, -r/-q for an entry without NAT, -p by number
        Action a = actions().stream().filter(x -> x.cmd().equals("conntrack -L -o save -s 192.0.2.0/24")).findFirst()
                .orElseThrow();
        CtConfig cfg = new CtConfig();
        cfg.acct = true;
        Conntrack c = new Conntrack(cfg, 5);
        c.table.setNow(Math.round(a.epoch() * 1e9));
        for (String cmd : List.of("-I -p udplite -s 192.0.2.5 -d 192.0.2.6 --sport 5 --dport 6 -t 60",
                "-I -p 50 -s 192.0.2.7 -d 192.0.2.8 -t 70",
                "-I -p icmp -s 192.0.2.9 -d 192.0.2.10 --icmp-type 8 --icmp-code 0 --icmp-id 77 -t 30")) {
            assertThat(ConntrackCommand.run(c, List.of(cmd.split(" "))).exitCode()).isZero();
        }
        ToolResult r = ConntrackCommand.run(c, List.of("-L", "-o", "save", "-s", "192.0.2.0/24"));
        List<String> ours = new ArrayList<>(r.stdout().lines().map(ConntrackOutputRecordedTest::mask).sorted().toList());
        List<String> kernel = new ArrayList<>(a.output().stream().filter(l -> l.startsWith("-A"))
                .map(ConntrackOutputRecordedTest::mask).sorted().toList());
        assertThat(kernel).hasSize(3);
        assertThat(ours).isEqualTo(kernel);
        assertThat(r.stderr()).isEqualTo(a.output().getLast() + "\n");
    }
}
