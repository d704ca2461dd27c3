package dev.hairpin.rules.matches;

import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.XtError;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * {@code -m time} (xt_time.c): the packet's arrival time against a date window, a daytime window
 * (wrapping past midnight when start &gt; stop), weekdays and days of the month, in UTC
 * ({@code --kerneltz} uses the kernel's timezone, UTC here). The clock is
 * {@link dev.hairpin.rules.XtServices#wallNanos}, nanoseconds since the Unix epoch.
 */
public final class TimeMatch implements Match {
    public static final int LOCAL_TZ = 1;
    public static final int CONTIGUOUS = 2;
    static final int ALL_WEEKDAYS = 0xfe;
    static final int ALL_MONTHDAYS = 0xfffffffe;
    static final int MAX_DAYTIME = 24 * 60 * 60 - 1;
    static final long DATE_MAX = Integer.MAX_VALUE;
    private static final String[] WEEK_DAYS = {null, "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

    private final long dateStart;
    private final long dateStop;
    private final int daytimeStart;
    private final int daytimeStop;
    private final int monthdays;
    private final int weekdays;
    private final int flags;

    public TimeMatch(long dateStart, long dateStop, int daytimeStart, int daytimeStop, int monthdays, int weekdays,
                     int flags) {
        this.dateStart = dateStart;
        this.dateStop = dateStop;
        this.daytimeStart = daytimeStart;
        this.daytimeStop = daytimeStop;
        this.monthdays = monthdays;
        this.weekdays = weekdays;
        this.flags = flags;
    }

    @Override
    public String name() {
        return "time";
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        long stamp = Math.floorDiv(par.services.wallNanos(), 1_000_000_000L);
        if (stamp < dateStart || stamp > dateStop) {
            return false;
        }
        int packetTime = (int) Math.floorMod(stamp, 86400L);
        if (daytimeStart < daytimeStop) {
            if (packetTime < daytimeStart || packetTime > daytimeStop) {
                return false;
            }
        } else {
            if (packetTime < daytimeStart && packetTime > daytimeStop) {
                return false;
            }
            if ((flags & CONTIGUOUS) != 0 && packetTime <= daytimeStop) {
                stamp -= 86400;
            }
        }
        long days = Math.floorDiv(stamp, 86400L);
        // 1970-01-01 was a Thursday (4); Monday is 1
        int weekday = (int) Math.floorMod(days + 3, 7L) + 1;
        if ((weekdays & (1 << weekday)) == 0) {
            return false;
        }
        return monthdays == ALL_MONTHDAYS || (monthdays & (1 << dayOfMonth(days))) != 0;
    }

    /** the day of the month of a day count since 1970-01-01 (civil calendar, no allocation) */
    static int dayOfMonth(long days) {
        long z = days + 719468;
        long era = Math.floorDiv(z, 146097L);
        long doe = z - era * 146097;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        return (int) (doy - (153 * mp + 2) / 5 + 1);
    }

    private static String hms(int t) {
        return String.format("%02d:%02d:%02d", t / 3600, t / 60 % 60, t % 60);
    }

    private static void date(StringBuilder sb, long date, String command) {
        if (date == 0 || date == Long.MAX_VALUE) {
            return;
        }
        LocalDateTime t = LocalDateTime.ofEpochSecond(date, 0, ZoneOffset.UTC);
        String d = String.format("%04d-%02d-%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth());
        String h = String.format("%02d:%02d:%02d", t.getHour(), t.getMinute(), t.getSecond());
        if (command != null) {
            sb.append(' ').append(command).append(' ').append(d).append('T').append(h);
        } else {
            sb.append(' ').append(d).append(' ').append(h);
        }
    }

    private static void monthdays(StringBuilder sb, int mask, boolean human) {
        sb.append(' ');
        int n = 0;
        for (int i = 1; i <= 31; i++) {
            if ((mask & (1 << i)) != 0) {
                if (n++ > 0) {
                    sb.append(',');
                }
                sb.append(i);
                if (human) {
                    sb.append(switch (i % 10) {
                        case 1 -> "st";
                        case 2 -> "nd";
                        case 3 -> "rd";
                        default -> "th";
                    });
                }
            }
        }
    }

    private static void weekdays(StringBuilder sb, int mask) {
        sb.append(' ');
        int n = 0;
        for (int i = 1; i <= 7; i++) {
            if ((mask & (1 << i)) != 0) {
                if (n++ > 0) {
                    sb.append(',');
                }
                sb.append(WEEK_DAYS[i]);
            }
        }
    }

    @Override
    public void save(StringBuilder sb) {
        if (daytimeStart != 0 || daytimeStop != MAX_DAYTIME) {
            sb.append(" --timestart ").append(hms(daytimeStart)).append(" --timestop ").append(hms(daytimeStop));
        }
        if (monthdays != ALL_MONTHDAYS) {
            sb.append(" --monthdays");
            monthdays(sb, monthdays, false);
        }
        if (weekdays != ALL_WEEKDAYS) {
            sb.append(" --weekdays");
            weekdays(sb, weekdays);
        }
        date(sb, dateStart, "--datestart");
        date(sb, dateStop, "--datestop");
        if ((flags & LOCAL_TZ) != 0) {
            sb.append(" --kerneltz");
        }
        if ((flags & CONTIGUOUS) != 0) {
            sb.append(" --contiguous");
        }
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" TIME");
        if (daytimeStart != 0 || daytimeStop != MAX_DAYTIME) {
            sb.append(" from ").append(hms(daytimeStart)).append(" to ").append(hms(daytimeStop));
        }
        if (weekdays != ALL_WEEKDAYS) {
            sb.append(" on");
            weekdays(sb, weekdays);
        }
        if (monthdays != ALL_MONTHDAYS) {
            sb.append(" on");
            monthdays(sb, monthdays, true);
        }
        if (dateStart != 0) {
            sb.append(" starting from");
            date(sb, dateStart, null);
        }
        if (dateStop != DATE_MAX) {
            sb.append(" until date");
            date(sb, dateStop, null);
        }
        if ((flags & LOCAL_TZ) == 0) {
            sb.append(" UTC");
        }
        if ((flags & CONTIGUOUS) != 0) {
            sb.append(" contiguous");
        }
    }

    /** libxt_time.c */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {
            Opt.arg("datestart", 0), Opt.arg("datestop", 1), Opt.arg("timestart", 2), Opt.arg("timestop", 3),
            Opt.flag("contiguous", 4), Opt.arg("weekdays", 5, Opt.INVERT), Opt.arg("monthdays", 6, Opt.INVERT),
            Opt.flag("localtz", 7).excl(1 << 8), Opt.flag("utc", 8).excl(1 << 7 | 1 << 9),
            Opt.flag("kerneltz", 9).excl(1 << 8),
        };
        private long dateStart;
        private long dateStop = DATE_MAX;
        private int daytimeStart;
        private int daytimeStop = MAX_DAYTIME;
        private int monthdays = ALL_MONTHDAYS;
        private int weekdays = ALL_WEEKDAYS;
        private int flags;

        public Parser() {
            super("time");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean invert, ParseContext ctx) {
            switch (o.id()) {
                case 0 -> dateStart = parseDate(arg);
                case 1 -> dateStop = parseDate(arg);
                case 2 -> daytimeStart = parseMinutes(arg);
                case 3 -> daytimeStop = parseMinutes(arg);
                case 4 -> flags |= CONTIGUOUS;
                case 5 -> {
                    weekdays = parseWeekdays(arg);
                    if (invert) {
                        weekdays ^= ALL_WEEKDAYS;
                    }
                }
                case 6 -> {
                    monthdays = parseMonthdays(arg);
                    if (invert) {
                        monthdays ^= ALL_MONTHDAYS;
                    }
                }
                case 7, 9 -> flags |= LOCAL_TZ;
                default -> {
                }
            }
        }

        /** strtoul(s, &e, 10) from {@code pos}: {value, end} */
        private static long[] num(String s, int pos) {
            int i = pos;
            long v = 0;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                v = Math.min(v * 10 + (s.charAt(i) - '0'), 1L << 40);
                i++;
            }
            return new long[] {v, i};
        }

        private static char at(String s, long i) {
            return i < s.length() ? s.charAt((int) i) : '\0';
        }

        /** time_parse_date(): YYYY[-MM[-DD[Thh[:mm[:ss]]]]] in UTC */
        static long parseDate(String s) {
            long[] f = {1970, 1, 1, 0, 0, 0};
            char[] seps = {'-', '-', 'T', ':', ':', '\0'};
            long[] limits = {2038, 12, 31, 23, 59, 59};
            int pos = 0;
            for (int k = 0; k < 6; k++) {
                long[] r = num(s, pos);
                f[k] = r[0];
                char e = at(s, r[1]);
                boolean bad = (e != seps[k] && e != '\0') || f[k] > limits[k] || (k == 0 && f[k] < 1970);
                if (bad) {
                    throw XtError.param("Invalid date \"" + s + "\" specified. Should be YYYY[-MM[-DD[Thh[:mm[:ss]]]]]");
                }
                if (e == '\0') {
                    break;
                }
                pos = (int) r[1] + 1;
            }
            // mktime() normalises out-of-range days (Feb 31 -> Mar 3) like this
            LocalDateTime t = LocalDate.of((int) f[0], 1, 1).plusMonths(Math.max(0, f[1] - 1))
                    .plusDays(f[2] - 1).atStartOfDay().plusHours(f[3]).plusMinutes(f[4]).plusSeconds(f[5]);
            return t.toEpochSecond(ZoneOffset.UTC);
        }

        /** time_parse_minutes(): hh:mm[:ss] */
        static int parseMinutes(String s) {
            long[] h = num(s, 0);
            String bad = "invalid time \"%s\" specified, should be hh:mm[:ss] format and within the boundaries";
            if (at(s, h[1]) != ':' || h[0] > 23) {
                throw XtError.param(String.format(bad, s));
            }
            String rest = s.substring((int) h[1] + 1);
            long[] m = num(rest, 0);
            char e = at(rest, m[1]);
            if ((e != ':' && e != '\0') || m[0] > 59) {
                throw XtError.param(String.format(bad, rest));
            }
            long sec = 0;
            if (e == ':') {
                String r2 = rest.substring((int) m[1] + 1);
                long[] sv = num(r2, 0);
                if (at(r2, sv[1]) != '\0' || sv[0] > 59) {
                    throw XtError.param(String.format(bad, r2));
                }
                sec = sv[0];
            }
            return (int) (3600 * h[0] + 60 * m[0] + sec);
        }

        static int parseWeekdays(String arg) {
            int ret = 0;
            for (String day : arg.split(",")) {
                String d = day.length() > 3 ? day.substring(0, 3) : day;
                if (!d.isEmpty() && d.chars().allMatch(Character::isDigit)) {
                    int i = Integer.parseInt(d);
                    if (i == 0) {
                        throw XtError.param("No, the week does NOT begin with Sunday.");
                    }
                    ret |= 1 << i;
                    continue;
                }
                boolean valid = false;
                for (int i = 1; i < WEEK_DAYS.length; i++) {
                    if (d.length() >= 2 && d.startsWith(WEEK_DAYS[i].substring(0, 2))) {
                        ret |= 1 << i;
                        valid = true;
                    }
                }
                if (!valid) {
                    throw XtError.param(d + " is not a valid day specifier");
                }
            }
            return ret;
        }

        static int parseMonthdays(String arg) {
            int ret = 0;
            for (String day : arg.split(",")) {
                String d = day.length() > 2 ? day.substring(0, 2) : day;
                int i;
                try {
                    i = Integer.parseInt(d);
                } catch (NumberFormatException e) {
                    throw XtError.param(d + " is not a valid day for --monthdays");
                }
                if (i > 31 || i < 0) {
                    throw XtError.param(d + " is not a valid day for --monthdays");
                }
                ret |= 1 << i;
            }
            return ret;
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new TimeMatch(dateStart, dateStop, daytimeStart, daytimeStop, monthdays, weekdays, flags);
        }
    }
}
