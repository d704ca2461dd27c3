package dev.hairpin.tools;

import static dev.hairpin.tools.ConntrackArgs.*;

import dev.hairpin.conntrack.Conntrack;
import dev.hairpin.conntrack.ConntrackTable;
import dev.hairpin.conntrack.CtEvent;
import dev.hairpin.conntrack.CtStatus;
import dev.hairpin.conntrack.CtNetlink;
import dev.hairpin.conntrack.Tuple;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code conntrack} (conntrack-tools 1.4.7) over the engine's live table: what it prints on
 * stdout and stderr and its exit status, including the tool's quirks as recorded against the
 * kernel (a dump's {@code use=2} for a single entry, {@code -U} without an address family
 * failing with "Operation not supported", {@code -D -u UNREPLIED} matching every entry because
 * only -L passes the status filter to the kernel).
 */
public final class ConntrackCommand {
    private ConntrackCommand() {}

    static final String PREFIX = ConntrackFormat.VERSION + ": ";
    static final String TRY = "Try `conntrack -h' or 'conntrack --help' for more information.\n";

    /** exit_msg[]: the summary line of each command (printf format) */
    private static String summary(int command) {
        return switch (command) {
            case CT_LIST, CT_GET -> "%d flow entries have been shown.";
            case CT_CREATE -> "%d flow entries have been created.";
            case CT_UPDATE -> "%d flow entries have been updated.";
            case CT_DELETE -> "%d flow entries have been deleted.";
            case CT_EVENT -> "%d flow events have been shown.";
            case EXP_LIST, EXP_DELETE -> "%d expectations have been shown.";
            case CT_ADD -> "%d flow entries have been added.";
            default -> null;
        };
    }

    /** Runs one command line (without the leading "conntrack"). {@code -E} needs {@link #events}. */
    public static ToolResult run(Conntrack c, List<String> argv) {
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        ConntrackArgs a;
        try {
            a = ConntrackArgs.parse(argv);
        } catch (Refused r) {
            return refused(r, r.before);
        }
        err.append(a.warnings);
        if (a.command == CT_EVENT || a.command == EXP_EVENT) {
            return new ToolResult("", err + "hairpin: conntrack -E streams events; use the gateway's control socket "
                    + "(or `conntrack -E` in a lab state, which prints the events kept since the last -E)\n", 1);
        }
        int counter;
        try {
            counter = execute(c, a, out, err);
        } catch (Refused r) {
            return refused(r, out + "\u0000" + err);
        }
        String fmt = summary(a.command);
        int rc = 0;
        if (a.command != 0 && fmt != null) {
            err.append(PREFIX).append(String.format(fmt, counter)).append('\n');
            if (counter == 0 && (a.command & (CT_LIST | EXP_LIST | CT_ADD)) == 0) {
                rc = 1;
            }
        }
        return new ToolResult(out.toString(), err.toString(), rc);
    }

    /** exit_error(): what was printed so far ("out\0err"), then the message */
    private static ToolResult refused(Refused r, String sofar) {
        int z = sofar.indexOf('\u0000');
        String out = z < 0 ? "" : sofar.substring(0, z);
        String err = (z < 0 ? sofar : sofar.substring(z + 1)) + PREFIX + r.getMessage() + "\n" + (r.status == 2 ? TRY : "");
        return new ToolResult(out, err, r.status);
    }

    private static int execute(Conntrack c, ConntrackArgs a, StringBuilder out, StringBuilder err) {
        ConntrackTable t = c.table;
        int counter = 0;
        switch (a.command) {
            case CT_LIST -> {
                if (a.type == TABLE_DYING || a.type == TABLE_UNCONFIRMED) {
                    return 0; // nothing is dying or unconfirmed between two packets
                }
                if ((a.options & COMPARISON) != 0 && (a.options & O_ZERO) != 0) {
                    throw param("Can't use -z with filtering parameters");
                }
                if (a.statusKernelSet && a.statusKernelMask == 0) {
                    throw new Refused(1, "Operation failed: invalid parameters"); // the kernel refuses a status filter with mask 0
                }
                for (int ct : c.snapshot()) {
                    if (!CtFilter.kernel(a, t, ct, true)) {
                        continue;
                    }
                    boolean shown = CtFilter.user(a, t, ct);
                    if (shown) {
                        if (counter == 0 && (a.outputMask & (OUT_XML | OUT_SAVE)) == OUT_XML) {
                            out.append(CtOutput.XML_HEAD);
                        }
                        out.append(entry(a, t, ct, 1, 1, CtOutput.DUMP_BUF)).append('\n');
                        counter++;
                    }
                    if ((a.options & O_ZERO) != 0) {
                        t.zeroCounters(ct);
                    }
                }
                if (counter > 0 && (a.outputMask & (OUT_XML | OUT_SAVE)) == OUT_XML) {
                    out.append(CtOutput.XML_FOOT);
                }
            }
            case CT_GET -> {
                int ct = lookup(c, a);
                if (CtFilter.user(a, t, ct)) {
                    if ((a.outputMask & (OUT_XML | OUT_SAVE)) == OUT_XML) {
                        out.append(CtOutput.XML_HEAD); // -G prints the header but, unlike -L, no footer
                    }
                    out.append(entry(a, t, ct, 2, 1, CtOutput.DUMP_BUF)).append('\n');
                    counter++;
                }
            }
            case CT_DELETE -> {
                for (int ct : c.snapshot()) {
                    if (!CtFilter.kernel(a, t, ct, false) || !CtFilter.user(a, t, ct)) {
                        continue;
                    }
                    String line = entry(a, t, ct, 1, 3, CtOutput.SMALL_BUF);
                    if (c.delete(ct, true)) {
                        out.append(line).append('\n');
                        counter++;
                    }
                }
            }
            case CT_UPDATE -> counter = update(c, a, out, err);
            case CT_CREATE, CT_ADD -> counter = create(c, a);
            case CT_FLUSH -> {
                c.flush();
                err.append(PREFIX).append("connection tracking table has been emptied.\n");
            }
            case EXP_FLUSH -> {
                while (!t.ext.expects.isEmpty()) {
                    t.ext.unlink(t.ext.expects.get(0));
                }
                err.append(PREFIX).append("expectation table has been emptied.\n");
            }
            case EXP_LIST -> {
                boolean xml = (a.outputMask & (OUT_XML | OUT_SAVE)) == OUT_XML; // -o extended/id: the plain line
                for (dev.hairpin.conntrack.CtExt.Expect e : t.ext.expects) {
                    if (e.deadline > t.now()) {
                        if (xml && counter == 0) {
                            out.append(ConntrackFormat.EXPECT_XML_HEAD);
                        }
                        out.append(xml ? ConntrackFormat.expectationXml(t, e) : ConntrackFormat.expectation(t, e)).append('\n');
                        counter++;
                    }
                }
                if (xml && counter > 0) {
                    out.append("</expect>\n");
                }
            }
            case EXP_GET, EXP_DELETE -> throw new Refused(1, "Operation failed: No such file or directory");
            case EXP_CREATE -> throw new Refused(1, "Operation failed: master conntrack not found");
            case CT_COUNT -> out.append(t.count()).append('\n');
            case EXP_COUNT -> out.append(t.ext.expects.stream().filter(e -> e.deadline > t.now()).count()).append('\n');
            case CT_STATS -> out.append(ConntrackFormat.stats(c.stats)).append('\n');
            case EXP_STATS -> out.append("cpu=0   \texpect_new=").append(t.ext.expectNew).append(" expect_create=")
                    .append(t.ext.expectCreate).append(" expect_delete=").append(t.ext.expectDelete).append(" \n");
            case CT_VERSION -> out.append(ConntrackFormat.VERSION).append('\n');
            default -> out.append(ConntrackUsage.text(a.proto));
        }
        return counter;
    }

    /**
     * One entry as the command's -o asks: default, xml (a flow without the header) or save
     * ({@code saveType}: -A for dumps and -U's echo, -D for -D), cut to the tool's buffer.
     */
    private static String entry(ConntrackArgs a, ConntrackTable t, int ct, int use, int saveType, int buf) {
        String s;
        if ((a.outputMask & OUT_SAVE) != 0) {
            s = CtOutput.save(t, ct, saveType, CtOutput.Attrs.dump(t, ct, use));
        } else if ((a.outputMask & OUT_XML) != 0) {
            s = CtOutput.xml(t, ct, 0, CtOutput.Attrs.dump(t, ct, use), null);
        } else {
            s = ConntrackFormat.entry(t, ct, (a.outputMask & OUT_EXT) != 0, use, (a.outputMask & OUT_ID) != 0);
        }
        return CtOutput.fit(s, buf);
    }

    /** -G: the entry with the template's original tuple (the kernel's lookup) */
    private static int lookup(Conntrack c, ConntrackArgs a) {
        if ((a.options & O_ORIG) != O_ORIG || a.origSrc == null || a.origDst == null) {
            throw new Refused(1, "Operation failed: invalid parameters");
        }
        int node = c.findLive(Tuple.k1(a.origSrc, a.origDst), origK2(a));
        if (node < 0) {
            throw new Refused(1, "Operation failed: such conntrack doesn't exist");
        }
        return node >>> 1;
    }

    private static long origK2(ConntrackArgs a) {
        int zone = a.zone == null ? 0 : a.zone;
        if (a.protonum == 1) {
            int tc = (a.icmpType == null ? 0 : a.icmpType) << 8 | (a.icmpCode == null ? 0 : a.icmpCode);
            return Tuple.k2(a.icmpId == null ? 0 : a.icmpId, tc, 1, zone);
        }
        return Tuple.k2(a.origSport == null ? 0 : a.origSport, a.origDport == null ? 0 : a.origDport, a.protonum, zone);
    }

    /**
     * mnl_nfct_update_cb() for each entry: the update goes out with the command's address
     * family, and conntrack 1.4.7 leaves it AF_UNSPEC unless an address or -f was given; the
     * kernel then refuses with EOPNOTSUPP and the tool stops there.
     */
    private static int update(Conntrack c, ConntrackArgs a, StringBuilder out, StringBuilder err) {
        ConntrackTable t = c.table;
        int counter = 0;
        for (int ct : c.snapshot()) {
            if (!CtFilter.nat(a, t, ct) || !CtFilter.network(a, t, ct)) {
                continue;
            }
            if (a.id != null && a.id != Integer.toUnsignedLong(t.id(ct))) {
                continue;
            }
            boolean origOpts = (a.options & (O_ORIG | O_PROTO)) != 0;
            boolean replOpts = (a.options & (O_REPL | O_PROTO)) != 0;
            if (origOpts && !CtFilter.compare(a, t, ct, true, false, false)) {
                continue;
            }
            if (replOpts && !CtFilter.compare(a, t, ct, false, true, false)) {
                continue;
            }
            Integer mark = (a.options & O_MARK) == 0 ? null
                    : (int) ((t.mark(ct) & ~a.markMask) ^ a.markValue);
            Integer status = a.status;
            Long timeout = a.timeout;
            boolean changed = (mark != null && mark != t.mark(ct))
                    || (status != null && (t.status(ct) | status) != t.status(ct))
                    || (timeout != null && timeout != t.expiresSeconds(ct));
            if (!changed) {
                continue;
            }
            if (a.family == AF_UNSPEC) {
                err.append("Operation failed: Operation not supported\n");
                throw new Refused(1, "Operation failed: Operation not supported");
            }
            if (a.snatIp != null || a.dnatIp != null) {
                // the -n/-g/-j address is a meta attribute the update copies from the template:
                // ctnetlink refuses NAT changes on a live entry (EOPNOTSUPP), the tool says so,
                // fetches the entry back unchanged and counts it; the next entry's fetch then
                // reads that refusal and the tool stops (both recorded)
                if (counter > 0) {
                    throw new Refused(1, "Operation failed: Operation not supported");
                }
                err.append("Operation failed: Operation not supported\n");
                out.append(entry(a, t, ct, 2, 1, CtOutput.SMALL_BUF)).append('\n');
                counter++;
                continue;
            }
            if (t.zone(ct) != (a.zone == null ? 0 : a.zone)) {
                // the update carries the dumped original tuple but the zone only from -w, so the
                // kernel looks in another zone: ENOENT, reported, and the tool goes on (recorded).
                // After a first update the replies on the shared socket are out of step and the
                // error goes unseen (recorded too), as with the echo below.
                if (counter == 0) {
                    err.append("Operation failed: No such file or directory\n");
                }
                continue;
            }
            CtNetlink.update(c, ct, mark, status, timeout);
            if (timeout != null && timeout == 0) {
                // -t 0 ends the entry: the tool's fetch-back finds nothing and counts nothing (recorded)
                continue;
            }
            if (counter == 0) {
                // recorded: 1.4.7 prints the entry it fetched back after the first update only
                // (later fetches read the previous request's reply off the shared socket)
                out.append(entry(a, t, ct, 2, 1, CtOutput.SMALL_BUF)).append('\n');
            }
            counter++;
        }
        return counter;
    }

    /** -I / -A: ctnetlink_create_conntrack() from the template */
    private static int create(Conntrack c, ConntrackArgs a) {
        long k1;
        long k2;
        long rk1;
        long rk2;
        boolean orig = (a.options & O_ORIG) == O_ORIG;
        boolean repl = (a.options & O_REPL) == O_REPL;
        if (a.family == AF_INET6) {
            throw new Refused(1, "hairpin models IPv4 conntrack only");
        }
        if (a.protonum == 33) {
            throw new Refused(1, "hairpin does not model DCCP conntrack (no state or role to keep)");
        }
        // one nf_conntrack_zone per entry: CTA_ZONE (both directions) or a tuple's own
        // CTA_TUPLE_ZONE (one direction); the kernel refuses a second one
        int zones = (a.zone != null ? 1 : 0) + (a.origZone != null ? 1 : 0) + (a.replZone != null ? 1 : 0);
        if (zones > 1) {
            throw new Refused(1, "Operation failed: invalid parameters");
        }
        int oz = a.zone != null ? a.zone : a.origZone != null ? a.origZone : 0;
        int rz = a.zone != null ? a.zone : a.replZone != null ? a.replZone : 0;
        if (orig) {
            k1 = Tuple.k1(a.origSrc, a.origDst);
            k2 = withZone(origK2(a), oz);
        } else {
            rk1 = Tuple.k1(a.replSrc, a.replDst);
            rk2 = Tuple.k2(nz(a.replSport), nz(a.replDport), a.protonum, rz);
            k1 = Tuple.invertK1(rk1);
            k2 = withZone(Tuple.invertK2(rk2), oz);
        }
        if (repl) {
            rk1 = Tuple.k1(a.replSrc, a.replDst);
            rk2 = a.protonum == 1 ? Tuple.invertK2(k2)
                    : Tuple.k2(a.replSport == null ? Tuple.dport(k2) : a.replSport,
                            a.replDport == null ? Tuple.sport(k2) : a.replDport, a.protonum, rz);
        } else {
            rk1 = Tuple.invertK1(k1);
            rk2 = Tuple.invertK2(k2);
        }
        if (k2 == -1 || rk2 == -1) {
            throw new Refused(1, "Operation failed: invalid parameters");
        }
        rk2 = withZone(rk2, rz);
        int natStatus = 0;
        if (a.snatIp != null || a.dnatIp != null) {
            // ctnetlink_setup_nat(): the reply tuple given as well is refused; otherwise DNAT then
            // SNAT mangle the reply tuple (a manip without an address is a null binding; -n or
            // -g without one sends nothing)
            if (repl) {
                throw new Refused(1, "Operation failed: invalid parameters");
            }
            natStatus = CtStatus.SRC_NAT_DONE | CtStatus.DST_NAT_DONE;
            if (a.dnatIp != null) {
                rk1 = Tuple.k1(a.dnatIp, Tuple.dst(rk1));
                if (a.dnatPort != null && a.protonum != 1) {
                    rk2 = Tuple.k2(a.dnatPort, Tuple.dport(rk2), Tuple.proto(rk2), rz);
                }
                boolean ports = a.dnatPort != null && a.protonum != 1;
                natStatus |= a.dnatIp != Tuple.dst(k1) || ports && a.dnatPort != Tuple.dport(k2) ? CtStatus.DST_NAT : 0;
            }
            if (a.snatIp != null) {
                rk1 = Tuple.k1(Tuple.src(rk1), a.snatIp);
                boolean ports = a.snatPort != null && a.protonum != 1;
                if (ports) {
                    rk2 = Tuple.k2(Tuple.sport(rk2), a.snatPort, Tuple.proto(rk2), rz);
                }
                natStatus |= a.snatIp != Tuple.src(k1) || ports && a.snatPort != Tuple.sport(k2) ? CtStatus.SRC_NAT : 0;
            }
        }
        int mark = (a.options & O_MARK) != 0 ? (int) a.markValue : 0;
        int state = a.tcpState == null ? 0 : a.tcpState;
        int r = CtNetlink.create(c, k1, k2, rk1, rk2, a.status == null ? 0 : a.status, a.timeout == null ? 0 : a.timeout,
                mark, state, natStatus);
        if (r >= 0 && a.protonum == 132) {
            CtNetlink.sctpTags(c, r, a.origVtag, a.replVtag);
        }
        if (r == -CtNetlink.EEXIST) {
            if (a.command == CT_ADD) {
                return 0;
            }
            throw new Refused(1, "Operation failed: Such conntrack exists, try -U to update");
        }
        if (r < 0) {
            throw new Refused(1, "Operation failed: not enough memory");
        }
        return 1;
    }

    private static long withZone(long k2, int zone) {
        return k2 == -1 ? -1 : Tuple.k2(Tuple.sport(k2), Tuple.dport(k2), Tuple.proto(k2), zone);
    }

    private static int nz(Integer v) {
        return v == null ? 0 : v;
    }

    // ---------------------------------------------------------------- -E

    /** A running {@code conntrack -E}: events go to the consumer until {@link #stop()}. */
    public static final class EventStream {
        private final Conntrack c;
        private final CtEvent.Listener listener;
        private int counter;
        private final String warnings;
        /** -o xml: the header went out with the first event; the footer then ends the stream */
        private boolean xmlHead;

        private EventStream(Conntrack c, ConntrackArgs a, Consumer<String> out) {
            this.c = c;
            this.warnings = a.warnings.toString();
            int mask = (a.options & O_EVENT_MASK) != 0 ? a.eventMask : EV_NEW | EV_UPD | EV_DEL;
            boolean ext = (a.outputMask & OUT_EXT) != 0;
            boolean tms = (a.outputMask & OUT_TMS) != 0;
            boolean id = (a.outputMask & OUT_ID) != 0;
            this.listener = (table, ct, ev, user) -> {
                int kind = (ev & CtEvent.DESTROY) != 0 ? EV_DEL : (ev & (CtEvent.NEW | CtEvent.RELATED)) != 0 ? EV_NEW : EV_UPD;
                if ((mask & kind) == 0 || a.family == AF_INET6 || !CtFilter.user(a, table, ct)) {
                    return;
                }
                StringBuilder sb = new StringBuilder();
                boolean xml = (a.outputMask & OUT_XML) != 0;
                if ((a.outputMask & OUT_SAVE) != 0) {
                    sb.append(CtOutput.fit(CtOutput.save(table, ct, CtOutput.eventType(ev), CtOutput.Attrs.event(table, ct, ev)),
                            CtOutput.SMALL_BUF));
                } else if (xml) {
                    if (!xmlHead) {
                        xmlHead = true;
                        out.accept(CtOutput.XML_HEAD.substring(0, CtOutput.XML_HEAD.length() - 1));
                    }
                    Long when = tms ? table.now() / 1_000_000_000L : null;
                    sb.append(CtOutput.fit(CtOutput.xml(table, ct, CtOutput.eventType(ev), CtOutput.Attrs.event(table, ct, ev),
                            when), CtOutput.SMALL_BUF));
                } else {
                    if (tms) {
                        long now = table.now();
                        sb.append('[').append(now / 1_000_000_000L).append('.')
                                .append(String.format("%06d", now % 1_000_000_000L / 1000)).append("]\t");
                    }
                    sb.append(ConntrackFormat.event(table, ct, ev, ext));
                    if (id) {
                        sb.append(" id=").append(Integer.toUnsignedString(table.id(ct)));
                    }
                }
                if (user) {
                    sb.append(" [USERSPACE] portid=").append(Integer.toUnsignedString(table.id(ct) | 1));
                }
                counter++;
                out.accept(sb.toString());
            };
            c.addListener(listener);
        }

        /** what the tool prints on SIGINT/SIGTERM */
        public ToolResult stop() {
            c.removeListener(listener);
            return new ToolResult(xmlHead ? CtOutput.XML_FOOT : "", warnings + PREFIX + counter + " flow events have been shown.\n", 0);
        }
    }

    /** {@link #events}: a running stream, or the finished result of a refused/other command line. */
    public record Started(EventStream stream, ToolResult finished) {
        /**
         * What a shell that ran {@code conntrack -E} in the foreground while other commands ran
         * in the background printed once it was interrupted: the stream's {@code lines} and its
         * summary, or the refusal; the shell's status is wait's, the background's (0, recorded in
         * conntrack-recorded-5).
         */
        public ToolResult interrupted(List<String> lines) {
            if (finished != null) {
                return new ToolResult(finished.stdout(), finished.stderr(), 0);
            }
            ToolResult end = stream.stop();
            StringBuilder out = new StringBuilder();
            lines.forEach(l -> out.append(l).append('\n'));
            return new ToolResult(out + end.stdout(), end.stderr(), 0);
        }
    }

    /** Starts {@code conntrack -E ...} (argv without "conntrack"). */
    public static Started events(Conntrack c, List<String> argv, Consumer<String> out) {
        ConntrackArgs a;
        try {
            a = ConntrackArgs.parse(argv);
        } catch (Refused r) {
            return new Started(null, refused(r, r.before));
        }
        if (a.command == EXP_EVENT) {
            return new Started(new EventStream(c, eventsNever(a), out), null);
        }
        if (a.command != CT_EVENT) {
            return new Started(null, run(c, argv));
        }
        return new Started(new EventStream(c, a, out), null);
    }

    /** expectation events: there are no expectations, so nothing passes */
    private static ConntrackArgs eventsNever(ConntrackArgs a) {
        a.family = AF_INET6;
        return a;
    }
}
