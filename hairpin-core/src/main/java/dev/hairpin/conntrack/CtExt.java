package dev.hairpin.conntrack;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The conntrack extensions only helped connections carry (nf_conn_help, nf_conn_seqadj,
 * ct->master) and the expectations (nf_conntrack_expect): kept beside the slab, by entry, since
 * few entries have them; {@link #active} says whether any entry or expectation exists, so the
 * packet path looks no further when none does.
 */
public final class CtExt {
    /** the helpers this stack runs */
    public static final int HELPER_FTP = 1;
    public static final int HELPER_TFTP = 2;
    public static final int HELPER_IRC = 3;
    public static final int HELPER_PPTP = 5;
    public static final int HELPER_SANE = 6;
    public static final int HELPER_AMANDA = 7;
    /**
     * every helper a kernel registers: FTP, TFTP, IRC, PPTP, SANE and Amanda parse their
     * payload; the others are attached and named (conntrack -L's helper=, -m helper through an
     * expectation's master) but read no payload, so a SIP call makes no expectation here
     */
    public static final String[] HELPER_NAMES = {"", "ftp", "tftp", "irc", "sip", "pptp", "sane", "amanda", "RAS",
            "Q.931", "netbios-ns", "snmp", "snmp_trap"};

    /** the index of a helper in {@link #HELPER_NAMES}, 0 for none */
    public static int helperId(String name) {
        for (int i = 1; i < HELPER_NAMES.length; i++) {
            if (HELPER_NAMES[i].equals(name)) {
                return i;
            }
        }
        return 0;
    }

    /** nf_conn_help + nf_ct_ftp_master + nf_conn_seqadj of one entry */
    public static final class Help {
        public int helper;
        /** nf_ct_ftp_master: the sequence numbers just after a newline, per direction (at most 2) */
        public final int[][] seqAftNl = new int[2][2];
        public final int[] seqAftNlNum = new int[2];
        /** nf_nat_seq: per direction correction_pos, offset_before, offset_after */
        public final int[][] seqAdj = new int[2][3];
        /** expectations this entry is the master of */
        public int expecting;
        /**
         * nf_ct_pptp_master: session and call state, the call ids (as the helper saw them);
         * nf_ct_sane_master's state in sstate
         */
        public int sstate;
        public int cstate;
        public int pnsCallId;
        public int pacCallId;
        /** nf_nat_pptp: the call ids before NAT rewrote them */
        public int natPnsCallId;
        public int natPacCallId;
    }

    /** nf_ct_gre_keymap: GRE packets from src to dst with key dstKey get srcKey as their tuple's source key */
    public record GreKeymap(int master, int dir, long k1, int srcKey, int dstKey) {}

    /** the keymaps of the PPTP masters, oldest first (gre_keymap_lookup takes the first that fits) */
    public final List<GreKeymap> greKeymaps = new ArrayList<>();

    /** gre_keymap_lookup(): the source key of a GRE version 1 packet from k1 with {@code dstKey}, or 0 */
    public int greSrcKey(long k1, int dstKey) {
        for (GreKeymap km : greKeymaps) {
            if (km.k1 == k1 && km.dstKey == dstKey) {
                return km.srcKey;
            }
        }
        return 0;
    }

    /** nf_ct_gre_keymap_destroy() */
    public void greKeymapDestroy(int master) {
        greKeymaps.removeIf(km -> km.master == master);
    }

    /** nf_conntrack_expect: the tuple a related connection's first packet must have */
    public static final class Expect {
        public int master;
        public int src;
        /** the source address's mask: all ones, or 0 for any address (IRC's DCC offers) */
        public int srcMask = -1;
        /** the source port (GRE: key) and its mask: 0 and 0 (any) but for PPTP's GRE keys */
        public int sport;
        public int sportMask;
        /** pptp_expectfn (PPTP's GRE) rather than nf_nat_follow_master */
        public boolean pptp;
        public int dst;
        public int dport;
        public int proto;
        public int zone;
        /** exp->saved_proto, exp->dir and whether nf_nat_follow_master is the expectfn */
        public int savedPort;
        public int dir;
        public boolean natFollow;
        public long deadline;
    }

    private final Map<Integer, Help> help = new HashMap<>();
    private final Map<Integer, Integer> master = new HashMap<>();
    private final Map<Integer, Integer> children = new HashMap<>();
    public final List<Expect> expects = new ArrayList<>();
    public long expectNew;
    public long expectCreate;
    public long expectDelete;

    /** set once a helper, a related entry or an expectation was ever made: until then nothing here is looked at */
    public boolean used;

    /** any helper state, related entry or expectation at all */
    public boolean active() {
        return used && (!help.isEmpty() || !master.isEmpty() || !expects.isEmpty());
    }

    public Help help(int ct) {
        return help.isEmpty() ? null : help.get(ct);
    }

    public Help addHelp(int ct, int helper) {
        used = true;
        Help h = help.computeIfAbsent(ct, k -> new Help());
        h.helper = helper;
        return h;
    }

    /** the helper's name, or null */
    public String helperName(int ct) {
        Help h = help(ct);
        return h == null || h.helper == 0 ? null : HELPER_NAMES[h.helper];
    }

    /**
     * nf_conntrack_ecache's ctmask of entries made through a CT template with {@code --ctevents}
     * (the others report every event); {@link #masked} once any such entry was made.
     */
    private final Map<Integer, Integer> eventMask = new HashMap<>();
    public boolean masked;

    /** the entry's event mask, or -1 when it reports every event */
    public int eventMask(int ct) {
        Integer m = eventMask.get(ct);
        return m == null ? -1 : m;
    }

    /** the new entry's mask (0: none, every event), replacing what an entry in its slot had */
    public void setEventMask(int ct, int mask) {
        if (mask != 0) {
            masked = true;
            eventMask.put(ct, mask);
        } else if (masked) {
            eventMask.remove(ct);
        }
    }

    /** ct->master, or -1 */
    public int master(int ct) {
        if (master.isEmpty()) {
            return -1;
        }
        Integer m = master.get(ct);
        return m == null ? -1 : m;
    }

    public void setMaster(int ct, int m) {
        used = true;
        master.put(ct, m);
        children.merge(m, 1, Integer::sum);
    }

    /** references the entry holds beyond its own: each related entry holds its master */
    public int extraRefs(int ct) {
        if (children.isEmpty()) {
            return 0;
        }
        return children.getOrDefault(ct, 0);
    }

    /**
     * nf_ct_seq_offset(): the offset NAT's resizing added to direction {@code dir}'s sequence
     * numbers at {@code seq}
     */
    public int seqOffset(int ct, int dir, int seq) {
        Help h = help(ct);
        if (h == null) {
            return 0;
        }
        int[] w = h.seqAdj[dir];
        return seq - w[0] > 0 ? w[2] : w[1];
    }

    /** nf_ct_remove_expectations() and the master reference, when the entry goes */
    public void free(int ct) {
        if (!used) {
            return;
        }
        help.remove(ct);
        if (!greKeymaps.isEmpty()) {
            greKeymapDestroy(ct);
        }
        Integer m = master.remove(ct);
        if (m != null) {
            children.computeIfPresent(m, (k, n) -> n > 1 ? n - 1 : null);
        }
        if (children.remove(ct) != null) {
            // the kernel's related entries keep their master alive; here its slot may be reused:
            // they forget it (no helper to ask, no reference to count)
            master.values().removeIf(v -> v == ct);
        }
        for (int i = expects.size() - 1; i >= 0; i--) {
            if (expects.get(i).master == ct) {
                expects.remove(i);
                expectDelete++;
            }
        }
    }

    /** unlinks one expectation (nf_ct_unlink_expect) */
    public void unlink(Expect e) {
        if (expects.remove(e)) {
            expectDelete++;
            Help h = help(e.master);
            if (h != null) {
                h.expecting--;
            }
        }
    }
}
