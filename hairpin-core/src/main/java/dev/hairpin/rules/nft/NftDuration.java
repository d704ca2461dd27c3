package dev.hairpin.rules.nft;

/** nft's time values: {@code 1d2h3m4s5ms} as milliseconds, and back as nft prints them */
final class NftDuration {
    private NftDuration() {}

    static long ms(String s, String where) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]+)(ms|d|h|m|s)").matcher(s);
        long total = 0;
        int at = 0;
        while (m.find() && m.start() == at) {
            long v = Long.parseLong(m.group(1));
            total += v * switch (m.group(2)) {
                case "d" -> 86_400_000L;
                case "h" -> 3_600_000L;
                case "m" -> 60_000L;
                case "s" -> 1000L;
                default -> 1L;
            };
            at = m.end();
        }
        if (at != s.length() || at == 0) {
            throw new NftRuleset.NftException(where + ": bad time value `" + s + "`");
        }
        return total;
    }

    /** time_print(): days, hours, minutes, seconds and milliseconds that are not zero */
    static String text(long ms) {
        StringBuilder sb = new StringBuilder();
        long[] units = {86_400_000L, 3_600_000L, 60_000L, 1000L, 1L};
        String[] names = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < units.length; i++) {
            long v = ms / units[i];
            ms %= units[i];
            if (v > 0) {
                sb.append(v).append(names[i]);
            }
        }
        return sb.isEmpty() ? "0s" : sb.toString();
    }
}
