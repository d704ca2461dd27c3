package dev.hairpin.rules.iptables;

import dev.hairpin.rules.Ruleset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * iptables-restore and iptables-save as command lines, in the spirit of iptables' own shell
 * tests (tests/shell/testcases/ipt-restore): rule ordering with -I/-D/-R inside a dump, which
 * tables get flushed, counters, --test, -v output, option handling.
 */
class RestoreScenariosTest {
    private final Ruleset rs = new Ruleset();

    private Iptables.Result restore(String input, String... args) {
        return IptablesRestore.command(rs, List.of(args), input);
    }

    private void restoreOk(String input, String... args) {
        Iptables.Result r = restore(input, args);
        assertThat(r.stderr()).isEmpty();
        assertThat(r.exitCode()).isZero();
    }

    /** iptables -S without the policies */
    private String rules() {
        return Iptables.run(rs, "-S").stdout().lines().filter(l -> !l.startsWith("-P"))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    private String save(String... args) {
        return IptablesSave.command(rs, List.of(args), () -> "X").stdout().lines()
                .filter(l -> !l.startsWith("#")).collect(Collectors.joining("\n", "", "\n"));
    }

    @Test
    void insertsAndDeletesByPositionInsideADump() {
        restoreOk("""
                *filter
                -A FORWARD -m comment --comment "rule 4" -j ACCEPT
                -I FORWARD 1 -m comment --comment "rule 1" -j ACCEPT
                -I FORWARD 2 -m comment --comment "rule 2" -j ACCEPT
                -I FORWARD 3 -m comment --comment "rule 3" -j ACCEPT
                COMMIT
                """);
        assertThat(rules()).isEqualTo("""
                -A FORWARD -m comment --comment "rule 1" -j ACCEPT
                -A FORWARD -m comment --comment "rule 2" -j ACCEPT
                -A FORWARD -m comment --comment "rule 3" -j ACCEPT
                -A FORWARD -m comment --comment "rule 4" -j ACCEPT
                """);
        restoreOk("""
                *filter
                -A FORWARD -m comment --comment "rule 5" -j ACCEPT
                -I FORWARD 1 -m comment --comment "rule 0.5" -j ACCEPT
                -I FORWARD 3 -m comment --comment "rule 1.5" -j ACCEPT
                -I FORWARD 5 -m comment --comment "rule 2.5" -j ACCEPT
                -I FORWARD 7 -m comment --comment "rule 3.5" -j ACCEPT
                -I FORWARD 9 -m comment --comment "rule 4.5" -j ACCEPT
                -I FORWARD 11 -m comment --comment "rule 5.5" -j ACCEPT
                -A FORWARD -m comment --comment "rule 6" -j ACCEPT
                COMMIT
                """, "--noflush");
        assertThat(rules()).isEqualTo("""
                -A FORWARD -m comment --comment "rule 0.5" -j ACCEPT
                -A FORWARD -m comment --comment "rule 1" -j ACCEPT
                -A FORWARD -m comment --comment "rule 1.5" -j ACCEPT
                -A FORWARD -m comment --comment "rule 2" -j ACCEPT
                -A FORWARD -m comment --comment "rule 2.5" -j ACCEPT
                -A FORWARD -m comment --comment "rule 3" -j ACCEPT
                -A FORWARD -m comment --comment "rule 3.5" -j ACCEPT
                -A FORWARD -m comment --comment "rule 4" -j ACCEPT
                -A FORWARD -m comment --comment "rule 4.5" -j ACCEPT
                -A FORWARD -m comment --comment "rule 5" -j ACCEPT
                -A FORWARD -m comment --comment "rule 5.5" -j ACCEPT
                -A FORWARD -m comment --comment "rule 6" -j ACCEPT
                """);
        restoreOk("""
                *filter
                -A FORWARD -m comment --comment "appended rule 1" -j ACCEPT
                -A FORWARD -m comment --comment "appended rule 2" -j ACCEPT
                -A FORWARD -m comment --comment "appended rule 3" -j ACCEPT
                -I FORWARD 1 -m comment --comment "rule 1" -j ACCEPT
                -I FORWARD 3 -m comment --comment "rule 2" -j ACCEPT
                -I FORWARD 5 -m comment --comment "rule 3" -j ACCEPT
                COMMIT
                """);
        restoreOk("""
                *filter
                -A FORWARD -m comment --comment "appended rule 4" -j ACCEPT
                -D FORWARD 7
                -D FORWARD -m comment --comment "appended rule 1" -j ACCEPT
                -D FORWARD 3
                -I FORWARD 3 -m comment --comment "manually replaced rule 2" -j ACCEPT
                COMMIT
                """, "--noflush");
        assertThat(rules()).isEqualTo("""
                -A FORWARD -m comment --comment "rule 1" -j ACCEPT
                -A FORWARD -m comment --comment "rule 2" -j ACCEPT
                -A FORWARD -m comment --comment "manually replaced rule 2" -j ACCEPT
                -A FORWARD -m comment --comment "rule 3" -j ACCEPT
                -A FORWARD -m comment --comment "appended rule 3" -j ACCEPT
                """);
        restoreOk("""
                *filter
                -A FORWARD -m comment --comment "rule 1" -j ACCEPT
                -A FORWARD -m comment --comment "rule to be replaced" -j ACCEPT
                -A FORWARD -m comment --comment "rule 3" -j ACCEPT
                COMMIT
                """);
        restoreOk("""
                *filter
                -R FORWARD 2 -m comment --comment "replacement" -j ACCEPT
                -I FORWARD 2 -m comment --comment "insert referencing replaced rule" -j ACCEPT
                COMMIT
                """, "--noflush");
        assertThat(rules()).isEqualTo("""
                -A FORWARD -m comment --comment "rule 1" -j ACCEPT
                -A FORWARD -m comment --comment "insert referencing replaced rule" -j ACCEPT
                -A FORWARD -m comment --comment replacement -j ACCEPT
                -A FORWARD -m comment --comment "rule 3" -j ACCEPT
                """);
    }

    @Test
    void onlyTheTablesInTheDumpAreFlushed() {
        restoreOk("*nat\n-A POSTROUTING -j ACCEPT\nCOMMIT\n");
        assertThat(save()).isEqualTo("""
                *nat
                :PREROUTING ACCEPT [0:0]
                :INPUT ACCEPT [0:0]
                :OUTPUT ACCEPT [0:0]
                :POSTROUTING ACCEPT [0:0]
                -A POSTROUTING -j ACCEPT
                COMMIT
                """);
        restoreOk("*filter\n-A FORWARD -j ACCEPT\nCOMMIT\n");
        assertThat(save()).isEqualTo("""
                *filter
                :INPUT ACCEPT [0:0]
                :FORWARD ACCEPT [0:0]
                :OUTPUT ACCEPT [0:0]
                -A FORWARD -j ACCEPT
                COMMIT
                *nat
                :PREROUTING ACCEPT [0:0]
                :INPUT ACCEPT [0:0]
                :OUTPUT ACCEPT [0:0]
                :POSTROUTING ACCEPT [0:0]
                -A POSTROUTING -j ACCEPT
                COMMIT
                """);
    }

    @Test
    void countersOnlyWithDashCAndNeverForUserChains() {
        String dump = "*filter\n:foo - [23:42]\n[13:37] -A foo -j ACCEPT\nCOMMIT\n";
        restoreOk(dump);
        assertThat(save("--counters").lines().filter(l -> l.contains("foo")))
                .containsExactly(":foo - [0:0]", "[0:0] -A foo -j ACCEPT");
        restoreOk(dump, "--counters");
        assertThat(save("--counters").lines().filter(l -> l.contains("foo")))
                .containsExactly(":foo - [0:0]", "[13:37] -A foo -j ACCEPT");
    }

    @Test
    void aRuleMayNotNameATable() {
        assertThat(restore("*filter\n-t nat -A FORWARD -j ACCEPT\nCOMMIT\n").exitCode()).isNotZero();
        restoreOk("*filter\n-A FORWARD -j ACCEPT\nCOMMIT\n");
    }

    @Test
    void noflushOddities() {
        restoreOk("*filter\n:foobar - [0:0]\n-A foobar -j ACCEPT\nCOMMIT\n", "--noflush");
        restoreOk("# just a comment followed by innocent empty line\n\n*filter\n-A FORWARD -j ACCEPT\nCOMMIT\n",
                "--noflush");
        assertThat(Iptables.run(rs, "-n", "-L", "FORWARD").stdout()).isEqualTo("""
                Chain FORWARD (policy ACCEPT)
                target     prot opt source               destination         \n\
                ACCEPT     0    --  0.0.0.0/0            0.0.0.0/0           \n""");
        String dashF = "*nat\n-F PREROUTING\n-A PREROUTING -j ACCEPT\n-F PREROUTING\nCOMMIT\n";
        restoreOk(dashF);
        restoreOk(dashF, "-n");
        restoreOk("*nat\nCOMMIT\n*raw\nCOMMIT\n*filter\nCOMMIT\n", "--test");
    }

    @Test
    void verboseRestoreEchoesFlushesDeletesAndRules() {
        String dump = """
                *filter
                :foo - [0:0]
                :bar - [0:0]
                -A foo -j ACCEPT
                COMMIT
                *nat
                :natfoo - [0:0]
                :natbar - [0:0]
                -A natfoo -j ACCEPT
                COMMIT
                *raw
                :rawfoo - [0:0]
                COMMIT
                *mangle
                :manglefoo - [0:0]
                COMMIT
                *security
                :secfoo - [0:0]
                COMMIT
                """;
        restoreOk(dump);
        Iptables.Result r = restore(dump, "-v");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("""
                Flushing chain `INPUT'
                Flushing chain `FORWARD'
                Flushing chain `OUTPUT'
                Flushing chain `bar'
                Flushing chain `foo'
                Deleting chain `bar'
                Deleting chain `foo'
                ACCEPT  all opt -- in * out *  0.0.0.0/0  -> 0.0.0.0/0  \n\
                Flushing chain `PREROUTING'
                Flushing chain `INPUT'
                Flushing chain `OUTPUT'
                Flushing chain `POSTROUTING'
                Flushing chain `natbar'
                Flushing chain `natfoo'
                Deleting chain `natbar'
                Deleting chain `natfoo'
                ACCEPT  all opt -- in * out *  0.0.0.0/0  -> 0.0.0.0/0  \n\
                Flushing chain `PREROUTING'
                Flushing chain `OUTPUT'
                Flushing chain `rawfoo'
                Deleting chain `rawfoo'
                Flushing chain `PREROUTING'
                Flushing chain `INPUT'
                Flushing chain `FORWARD'
                Flushing chain `OUTPUT'
                Flushing chain `POSTROUTING'
                Flushing chain `manglefoo'
                Deleting chain `manglefoo'
                Flushing chain `INPUT'
                Flushing chain `FORWARD'
                Flushing chain `OUTPUT'
                Flushing chain `secfoo'
                Deleting chain `secfoo'
                """);
        Iptables.Result quiet = restore("*filter\n:baz - [0:0]\n-F foo\n-X bar\n-A foo -j ACCEPT\nCOMMIT\n",
                "-v", "--noflush");
        assertThat(quiet.exitCode()).isZero();
        assertThat(quiet.stdout()).isEmpty();
    }

    @Test
    void commandLineOptions(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rules");
        restoreOk("*filter\n:INPUT DROP [0:0]\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n");
        Iptables.Result s = IptablesSave.command(rs, List.of("-f", file.toString()), () -> "X");
        assertThat(s.exitCode()).isZero();
        assertThat(s.stdout()).isEmpty();
        assertThat(Files.readString(file)).contains("-A INPUT -i lo -j ACCEPT");
        restoreOk(null, file.toString());
        restoreOk(null, "-w", "5", file.toString());
        restoreOk(null, "--table=filter", file.toString());
        assertThat(restore(null, dir.resolve("missing").toString()).stderr())
                .isEqualTo("Can't open " + dir.resolve("missing") + ": No such file or directory\n");
        assertThat(restore("", "a", "b")).isEqualTo(
                new Iptables.Result("", "Unknown arguments found on commandline\n", 1));
        assertThat(restore("", "--bogus")).isEqualTo(new Iptables.Result("",
                "iptables-restore: unrecognized option '--bogus'\nTry `iptables-restore -h' for more information.\n", 1));
        assertThat(restore("", "-V").stdout()).isEqualTo("iptables-restore v1.8.9 (nf_tables)\n");
        assertThat(IptablesSave.command(rs, List.of("-t", "foo"), () -> "X"))
                .isEqualTo(new Iptables.Result("", "Table `foo' does not exist\n", 1));
        assertThat(IptablesSave.command(rs, List.of("-x"), () -> "X")).isEqualTo(new Iptables.Result("",
                "iptables-save: invalid option -- 'x'\nLook at manual page `iptables-save.8' for more information.\n", 1));
        assertThat(IptablesSave.command(rs, List.of("-t", "raw"), () -> "X").stdout())
                .isEqualTo("# Generated by iptables-save v1.8.9 (nf_tables) on X\n*raw\n:PREROUTING ACCEPT [0:0]\n"
                        + ":OUTPUT ACCEPT [0:0]\nCOMMIT\n# Completed on X\n");
    }

    /** Real iptables-restore 1.8.9 (netns, 13:22 UTC session 10) reads a file's bytes as they are: a line of
     *  bytes that are not UTF-8 fails as that line ("line 1 failed", exit 1), a stray byte inside a quoted
     *  comment is accepted; neither is "Can't open FILE". */
    @Test
    void fileWithBytesThatAreNotUtf8(@TempDir Path dir) throws Exception {
        Path garbage = dir.resolve("garbage");
        Files.write(garbage, new byte[] {'a', 'b', 'c', (byte) 0xff, (byte) 0xfe, '\n', '*', 'f', 'i', 'l', 't', 'e', 'r',
                '\n', 'C', 'O', 'M', 'M', 'I', 'T', '\n'});
        assertThat(restore(null, garbage.toString()))
                .isEqualTo(new Iptables.Result("", "iptables-restore: line 1 failed\n", 1));
        Path comment = dir.resolve("comment");
        Files.write(comment, ("*filter\n-A INPUT -m comment --comment \"x\u0001\" -j ACCEPT\nCOMMIT\n")
                .replace('\u0001', '?').getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        byte[] b = Files.readAllBytes(comment);
        for (int k = 0; k < b.length; k++) {
            if (b[k] == '?') {
                b[k] = (byte) 0xff;
            }
        }
        Files.write(comment, b);
        Iptables.Result r = restore(null, comment.toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.stderr()).isEmpty();
    }
}
