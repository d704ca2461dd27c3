package dev.hairpin.pipeline;

/**
 * The IRC helper's reading of a client's segment (nf_conntrack_irc.c help() and parse_dcc(), as
 * tightened in 2022): optional leading blanks, {@code PRIVMSG } (any case) when more than 10
 * bytes follow, then at the first {@code " :"} exactly {@code "\1DCC "} and one of SEND, CHAT,
 * MOVE, TSEND, SCHAT (exact case); a word, a newline somewhere after it, and the decimal address
 * and port, each read like simple_strtoul (digits only, wrapping). Only the first 4095 bytes of
 * the payload are looked at. Once a type matched, arguments that do not parse or name neither
 * of the client's addresses or port 0 end the search (a second DCC in the message is not looked
 * at); no type matching lets the search for {@code " :"} go on after {@code "\1DCC "}.
 */
final class IrcDcc {
    /** MAX_SEARCH_SIZE */
    static final int MAX_SEARCH = 4095;
    private static final byte[][] TYPES = {bytes("SEND "), bytes("CHAT "), bytes("MOVE "), bytes("TSEND "),
            bytes("SCHAT ")};
    private static final byte[] DCC = bytes("\1DCC ");
    private static final byte[] PRIVMSG = bytes("PRIVMSG ");

    /** the offer found: address (host order), port, and the offsets of the "ADDR PORT" text */
    int addr;
    int port;
    int begin;
    int end;

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * Looks for an offer in {@code b[data, pktEnd)} naming {@code src} or {@code natSrc} (the
     * client's address before and after NAT) and a port other than 0; true when one is found.
     */
    boolean find(byte[] b, int data, int pktEnd, int src, int natSrc) {
        int limit = data + Math.min(pktEnd - data, MAX_SEARCH);
        int p = data;
        while (p < limit - 10 && (b[p] == ' ' || b[p] == '\r' || b[p] == '\n')) {
            p++;
        }
        if (p < limit - 10) {
            if (!caseEquals(b, p, PRIVMSG)) {
                return false;
            }
            p += PRIVMSG.length;
        }
        while (p < limit - 26) { // strlen(" :\1DCC SENT t AAAAAAAA P\1\n")
            if (b[p] != ' ' || b[p + 1] != ':') {
                p++;
                continue;
            }
            p += 2;
            if (!equals(b, p, pktEnd, DCC)) {
                return false; // only the message's first " :" is looked at
            }
            p += DCC.length;
            for (byte[] type : TYPES) {
                if (!equals(b, p, pktEnd, type)) {
                    continue;
                }
                // a type matched: its arguments decide (2026's "fix possible out-of-bounds read",
                // in 6.18 stable, ends the search here instead of trying the next type)
                return parse(b, p + type.length, limit, pktEnd) && (addr == src || addr == natSrc) && port != 0;
            }
        }
        return false;
    }

    /** parse_dcc(): a word, then the address and port; a newline must follow the word somewhere */
    private boolean parse(byte[] b, int p, int limit, int pktEnd) {
        for (;;) {
            byte c = b[p++];
            if (c == ' ') {
                break;
            }
            if (p > limit - 12) {
                return false;
            }
        }
        // the kernel's scan includes the byte at the limit: real payload only when it was capped
        int last = Math.min(limit, pktEnd - 1);
        int nl = p;
        while (nl <= last && b[nl] != '\n') {
            nl++;
        }
        if (nl > last) {
            return false;
        }
        begin = p;
        int v = 0;
        for (; b[p] >= '0' && b[p] <= '9'; p++) {
            v = v * 10 + b[p] - '0';
        }
        addr = v;
        while (b[p] == ' ') {
            if (p >= limit) {
                return false;
            }
            p++;
        }
        v = 0;
        for (; b[p] >= '0' && b[p] <= '9'; p++) {
            v = v * 10 + b[p] - '0';
        }
        port = v & 0xffff;
        end = p;
        return true;
    }

    /** memcmp; past the packet's end (where the kernel would read leftovers) no match */
    private static boolean equals(byte[] b, int off, int pktEnd, byte[] s) {
        if (off + s.length > pktEnd) {
            return false;
        }
        for (int i = 0; i < s.length; i++) {
            if (b[off + i] != s[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean caseEquals(byte[] b, int off, byte[] s) {
        for (int i = 0; i < s.length; i++) {
            int c = b[off + i] & 0xff;
            if (c >= 'a' && c <= 'z') {
                c -= 32;
            }
            if (c != s[i]) {
                return false;
            }
        }
        return true;
    }
}
