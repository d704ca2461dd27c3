package dev.hairpin.tools;

/** The C library's number and address parsers as conntrack uses them (strtoul, atol, inet_aton). */
final class CtNum {
    private CtNum() {}

    /** strtoul(s, &end, 0): leading blanks and sign, 0x hex / 0 octal / decimal; 0 when none */
    static long strtoul(String s) {
        int[] end = {0};
        return strtoul(s, end);
    }

    /** the index where strtoul(s, base 0) stopped */
    static int strtoulEnd(String s) {
        int[] end = {0};
        strtoul(s, end);
        return end[0];
    }

    /** where the digits start after C's leading blanks and optional sign; negated when the sign is '-' */
    private static int digitsStart(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            return s.charAt(i) == '-' ? -(i + 1) : i + 1;
        }
        return i;
    }

    private static long strtoul(String s, int[] end) {
        int i = digitsStart(s);
        boolean neg = i < 0;
        i = Math.abs(i);
        int base = 10;
        if (i + 1 < s.length() && s.charAt(i) == '0' && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')
                && i + 2 < s.length() && Character.digit(s.charAt(i + 2), 16) >= 0) {
            base = 16;
            i += 2;
        } else if (i < s.length() && s.charAt(i) == '0') {
            base = 8;
        }
        int start = i;
        long v = 0;
        boolean overflow = false;
        while (i < s.length() && Character.digit(s.charAt(i), base) >= 0) {
            long nv = v * base + Character.digit(s.charAt(i), base);
            if (Long.compareUnsigned(nv, v) < 0 || v > Long.divideUnsigned(-1L, base)) {
                overflow = true;
            }
            v = nv;
            i++;
        }
        if (i == start) {
            end[0] = 0;
            return 0;
        }
        end[0] = i;
        if (overflow) {
            return -1L;
        }
        return neg ? -v : v;
    }

    /** atol(): decimal with sign, stops at the first non-digit */
    static long atol(String s) {
        int i = digitsStart(s);
        boolean neg = i < 0;
        i = Math.abs(i);
        long v = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            v = v * 10 + (s.charAt(i) - '0');
            i++;
        }
        return neg ? -v : v;
    }

    /** inet_aton(): a, a.b, a.b.c or a.b.c.d, each part in C notation; -1 when invalid */
    static long inetAton(String s) {
        if (s.isEmpty()) {
            return -1;
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length > 4) {
            return -1;
        }
        long[] v = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.isEmpty() || !Character.isDigit(p.charAt(0))) {
                return -1;
            }
            int[] end = {0};
            long x = strtoul(p, end);
            if (end[0] != p.length() && !(p.equals("0"))) {
                return -1;
            }
            if (x < 0) {
                return -1;
            }
            v[i] = x;
        }
        long addr;
        switch (v.length) {
            case 1 -> addr = v[0] > 0xffffffffL ? -1 : v[0];
            case 2 -> addr = v[0] > 255 || v[1] > 0xffffff ? -1 : v[0] << 24 | v[1];
            case 3 -> addr = v[0] > 255 || v[1] > 255 || v[2] > 0xffff ? -1 : v[0] << 24 | v[1] << 16 | v[2];
            default -> addr = v[0] > 255 || v[1] > 255 || v[2] > 255 || v[3] > 255 ? -1 : v[0] << 24 | v[1] << 16 | v[2] << 8 | v[3];
        }
        return addr;
    }

    /** inet_pton(AF_INET6) acceptance, without resolving anything */
    static boolean isInet6(String s) {
        if (!s.contains(":") || !s.matches("[0-9A-Fa-f:.]+") || s.contains(":::")) {
            return false;
        }
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
            return false;
        }
        String[] groups = s.split(":", -1);
        int n = 0;
        for (int i = 0; i < groups.length; i++) {
            String g = groups[i];
            if (g.isEmpty()) {
                continue;
            }
            if (g.contains(".")) {
                if (i != groups.length - 1 || !g.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                    return false;
                }
                n += 2;
            } else if (g.length() > 4 || g.contains(".")) {
                return false;
            } else {
                n++;
            }
        }
        return dbl >= 0 ? n < 8 : n == 8;
    }
}
