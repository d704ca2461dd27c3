package dev.hairpin.rules.matches;

import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.XtError;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code -m sctp} (xt_sctp.c, libxt_sctp.c): port ranges and the chunk types present (any of,
 * all of, or only the listed ones). Chunk flag conditions are parsed and printed; evaluation
 * looks at the types.
 */
public final class SctpMatch implements Match {
    public static final int SRC_PORTS = 1;
    public static final int DEST_PORTS = 2;
    public static final int CHUNK_TYPES = 4;
    public static final int MATCH_ANY = 1;
    public static final int MATCH_ALL = 2;
    public static final int MATCH_ONLY = 4;

    /** name, type, valid flags */
    static final Object[][] CHUNKS = {
        {"DATA", 0, "----IUBE"}, {"INIT", 1, "--------"}, {"INIT_ACK", 2, "--------"}, {"SACK", 3, "--------"},
        {"HEARTBEAT", 4, "--------"}, {"HEARTBEAT_ACK", 5, "--------"}, {"ABORT", 6, "-------T"},
        {"SHUTDOWN", 7, "--------"}, {"SHUTDOWN_ACK", 8, "--------"}, {"ERROR", 9, "--------"},
        {"COOKIE_ECHO", 10, "--------"}, {"COOKIE_ACK", 11, "--------"}, {"ECN_ECNE", 12, "--------"},
        {"ECN_CWR", 13, "--------"}, {"SHUTDOWN_COMPLETE", 14, "-------T"}, {"I_DATA", 64, "----IUBE"},
        {"RE_CONFIG", 130, "--------"}, {"PAD", 132, "--------"}, {"ASCONF", 193, "--------"},
        {"ASCONF_ACK", 128, "--------"}, {"FORWARD_TSN", 192, "--------"}, {"I_FORWARD_TSN", 194, "--------"},
    };

    /** chunk flag condition: index into CHUNKS (as libxt_sctp stores it), flag bits, mask */
    public record FlagInfo(int chunk, int flag, int mask) {}

    private final int[] spts;
    private final int[] dpts;
    private final boolean[] chunkmap;
    private final int matchType;
    private final List<FlagInfo> flagInfo;
    private final int flags;
    private final int invflags;

    public SctpMatch(int[] spts, int[] dpts, boolean[] chunkmap, int matchType, List<FlagInfo> flagInfo, int flags,
                     int invflags) {
        this.spts = spts.clone();
        this.dpts = dpts.clone();
        this.chunkmap = chunkmap.clone();
        this.matchType = matchType;
        this.flagInfo = List.copyOf(flagInfo);
        this.flags = flags;
        this.invflags = invflags;
    }

    @Override
    public String name() {
        return "sctp";
    }

    @Override
    public int proto() {
        return 132;
    }

    private boolean check(boolean cond, int option) {
        return (flags & option) == 0 || (((invflags & option) != 0) ^ cond);
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        if (par.fragment) {
            return false;
        }
        if (!L4.has(skb, 12)) {
            par.hotdrop = true;
            return false;
        }
        int sp = L4.sport(skb);
        int dp = L4.dport(skb);
        return check(sp >= spts[0] && sp <= spts[1], SRC_PORTS) && check(dp >= dpts[0] && dp <= dpts[1], DEST_PORTS)
                && ((flags & CHUNK_TYPES) == 0 || check(chunks(skb, par), CHUNK_TYPES));
    }

    private boolean chunks(Skb skb, XtParam par) {
        boolean[] seen = new boolean[256];
        int off = 12;
        int avail = L4.avail(skb);
        while (off + 4 <= avail) {
            int type = L4.u8(skb, off);
            int len = L4.u8(skb, off + 2) << 8 | L4.u8(skb, off + 3);
            if (matchType == MATCH_ANY && chunkmap[type]) {
                return true;
            }
            if (matchType == MATCH_ONLY && !chunkmap[type]) {
                return false;
            }
            seen[type] = true;
            if (len < 4) {
                par.hotdrop = true;
                return false;
            }
            off += (len + 3) & ~3;
        }
        if (matchType == MATCH_ALL) {
            for (int i = 0; i < 256; i++) {
                if (chunkmap[i] && !seen[i]) {
                    return false;
                }
            }
            return true;
        }
        return matchType == MATCH_ONLY;
    }

    private void chunkText(StringBuilder sb, boolean numeric) {
        sb.append(matchType == MATCH_ANY ? " any" : matchType == MATCH_ALL ? " all" : " only");
        boolean all = true;
        boolean none = true;
        for (boolean b : chunkmap) {
            all &= b;
            none &= !b;
        }
        if (none) {
            sb.append(" NONE");
            return;
        }
        if (all) {
            sb.append(" ALL");
            return;
        }
        boolean first = true;
        for (int i = 0; i < 256; i++) {
            if (!chunkmap[i]) {
                continue;
            }
            sb.append(first ? ' ' : ',');
            first = false;
            if (numeric) {
                sb.append(String.format("0x%04X", i));
            } else {
                for (Object[] c : CHUNKS) {
                    if ((int) c[1] == i) {
                        sb.append(c[0]);
                    }
                }
            }
            for (FlagInfo f : flagInfo) {
                if (f.chunk() == i) {
                    if (f.mask() != 0) {
                        sb.append(':');
                    }
                    String valid = i < CHUNKS.length ? (String) CHUNKS[i][2] : "--------";
                    for (int bit = 7; bit >= 0; bit--) {
                        if ((f.mask() & (1 << bit)) != 0) {
                            char ch = valid.charAt(7 - bit);
                            sb.append((f.flag() & (1 << bit)) != 0 ? ch : Character.toLowerCase(ch));
                        }
                    }
                }
            }
        }
    }

    @Override
    public void save(StringBuilder sb) {
        if ((flags & SRC_PORTS) != 0) {
            sb.append((invflags & SRC_PORTS) != 0 ? " !" : "").append(" --sport ").append(spts[0]);
            if (spts[0] != spts[1]) {
                sb.append(':').append(spts[1]);
            }
        }
        if ((flags & DEST_PORTS) != 0) {
            sb.append((invflags & DEST_PORTS) != 0 ? " !" : "").append(" --dport ").append(dpts[0]);
            if (dpts[0] != dpts[1]) {
                sb.append(':').append(dpts[1]);
            }
        }
        if ((flags & CHUNK_TYPES) != 0) {
            sb.append((invflags & CHUNK_TYPES) != 0 ? " !" : "").append(" --chunk-types");
            chunkText(sb, false);
        }
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" sctp");
        if ((flags & SRC_PORTS) != 0) {
            Ports.print(sb, "spt", spts[0], spts[1], (invflags & SRC_PORTS) != 0, numeric, "sctp");
        }
        if ((flags & DEST_PORTS) != 0) {
            Ports.print(sb, "dpt", dpts[0], dpts[1], (invflags & DEST_PORTS) != 0, numeric, "sctp");
        }
        if ((flags & CHUNK_TYPES) != 0) {
            if ((invflags & CHUNK_TYPES) != 0) {
                sb.append(" !");
            }
            chunkText(sb, numeric);
        }
    }

    /** libxt_sctp.c (old option API) */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {
            Opt.arg("source-port", 1), Opt.arg("sport", 1), Opt.arg("destination-port", 2), Opt.arg("dport", 2),
            Opt.arg("chunk-types", 3),
        };
        private int[] spts = {0, 0xffff};
        private int[] dpts = {0, 0xffff};
        private final boolean[] map = new boolean[256];
        private int matchType;
        private final List<FlagInfo> flagInfo = new ArrayList<>();
        private int flags;
        private int inv;

        public Parser() {
            super("sctp");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected boolean x6() {
            return false;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            switch (o.id()) {
                case 1 -> {
                    if (seen(1)) {
                        throw XtError.param("Only one `--source-port' allowed");
                    }
                    flags |= SRC_PORTS;
                    spts = TcpMatch.Parser.ports(arg);
                    if (invert) {
                        inv |= SRC_PORTS;
                    }
                }
                case 2 -> {
                    if (seen(2)) {
                        throw XtError.param("Only one `--destination-port' allowed");
                    }
                    flags |= DEST_PORTS;
                    dpts = TcpMatch.Parser.ports(arg);
                    if (invert) {
                        inv |= DEST_PORTS;
                    }
                }
                default -> {
                    if (seen(3)) {
                        throw XtError.param("Only one `--chunk-types' allowed");
                    }
                    String chunks = ctx.peekArg();
                    if (chunks == null || chunks.startsWith("-") || chunks.startsWith("!")) {
                        throw XtError.param("--chunk-types requires two args");
                    }
                    flags |= CHUNK_TYPES;
                    chunks(arg, chunks);
                    if (invert) {
                        inv |= CHUNK_TYPES;
                    }
                    ctx.skipArg();
                }
            }
        }

        private void chunks(String type, String chunks) {
            if (type.equalsIgnoreCase("ANY")) {
                matchType = MATCH_ANY;
            } else if (type.equalsIgnoreCase("ALL")) {
                matchType = MATCH_ALL;
            } else if (type.equalsIgnoreCase("ONLY")) {
                matchType = MATCH_ONLY;
            } else {
                throw XtError.param("Match type has to be one of \"ALL\", \"ANY\" or \"ONLY\"");
            }
            if (chunks.equalsIgnoreCase("ALL")) {
                java.util.Arrays.fill(map, true);
                return;
            }
            if (chunks.equalsIgnoreCase("NONE")) {
                return;
            }
            for (String tok : chunks.split(",")) {
                if (tok.isEmpty()) {
                    continue;
                }
                int colon = tok.indexOf(':');
                String nm = colon < 0 ? tok : tok.substring(0, colon);
                int idx = -1;
                for (int i = 0; i < CHUNKS.length; i++) {
                    if (((String) CHUNKS[i][0]).equalsIgnoreCase(nm)) {
                        idx = i;
                        break;
                    }
                }
                if (idx < 0) {
                    throw XtError.param("Unknown sctp chunk `" + nm + "'");
                }
                map[(int) CHUNKS[idx][1]] = true;
                if (colon >= 0) {
                    String valid = (String) CHUNKS[idx][2];
                    for (char f : tok.substring(colon + 1).toCharArray()) {
                        int p = valid.indexOf(Character.toUpperCase(f));
                        if (p < 0) {
                            throw XtError.param("Invalid flags for chunk type " + idx);
                        }
                        addFlag(idx, 7 - p, Character.isUpperCase(f));
                    }
                }
            }
        }

        private void addFlag(int chunk, int bit, boolean set) {
            for (int i = 0; i < flagInfo.size(); i++) {
                FlagInfo f = flagInfo.get(i);
                if (f.chunk() == chunk) {
                    flagInfo.set(i, new FlagInfo(chunk, f.flag() | (set ? 1 << bit : 0), f.mask() | 1 << bit));
                    return;
                }
            }
            if (flagInfo.size() == 4) {
                throw XtError.param("Number of chunk types with flags exceeds currently allowed limit. Increasing "
                        + "this limit involves changing IPT_NUM_SCTP_FLAGS and recompiling both the kernel space and "
                        + "user space modules");
            }
            flagInfo.add(new FlagInfo(chunk, set ? 1 << bit : 0, 1 << bit));
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new SctpMatch(spts, dpts, map, matchType, flagInfo, flags, inv);
        }
    }
}
