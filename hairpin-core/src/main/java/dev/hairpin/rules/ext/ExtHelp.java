package dev.hairpin.rules.ext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * What each extension's help function prints after iptables' own help ({@code iptables -p tcp -h},
 * {@code -j DNAT -h}): the texts iptables 1.8.9 printed, kept as resources (help/match-NAME.txt,
 * help/target-NAME.txt, target-standard.txt for ACCEPT, DROP, QUEUE and RETURN; written by
 * tools/iptables-oracle/extra/help_blocks.py from the recordings).
 */
public final class ExtHelp {
    private ExtHelp() {}

    /** the help block of a match ({@code "match"}) or target ({@code "target"}); null when none is known */
    public static String block(String kind, String name) {
        try (InputStream in = ExtHelp.class.getResourceAsStream("help/" + kind + "-" + name + ".txt")) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
