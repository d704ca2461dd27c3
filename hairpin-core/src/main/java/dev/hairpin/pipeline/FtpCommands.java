package dev.hairpin.pipeline;

import dev.hairpin.conntrack.CtExt;

/**
 * nf_conntrack_ftp.c's reading of a control connection's lines: the sequence numbers just after
 * a newline (only a segment starting at one is parsed) and the commands' patterns (PORT and
 * EPRT from the client, 227 and 229 from the server) with their numbers.
 */
final class FtpCommands {
    static final int PORT = 0;
    static final int PASV = 1;
    static final int EPRT = 2;
    static final int EPSV = 3;
    /** NUM_SEQ_TO_REMEMBER */
    private static final int NUM_SEQ = 2;

    private FtpCommands() {}

    static boolean findNlSeq(int seq, CtExt.Help h, int dir) {
        for (int i = 0; i < h.seqAftNlNum[dir]; i++) {
            if (h.seqAftNl[dir][i] == seq) {
                return true;
            }
        }
        return false;
    }

    static void updateNlSeq(int nlSeq, CtExt.Help h, int dir) {
        int[] s = h.seqAftNl[dir];
        for (int i = 0; i < h.seqAftNlNum[dir]; i++) {
            if (s[i] == nlSeq) {
                return;
            }
        }
        if (h.seqAftNlNum[dir] < NUM_SEQ) {
            s[h.seqAftNlNum[dir]++] = nlSeq;
        } else {
            int oldest = s[0] - s[1] < 0 ? 0 : 1;
            if (nlSeq - s[oldest] > 0) {
                s[oldest] = nlSeq;
            }
        }
    }

    private static final String[] PATTERN = {"PORT", "227 ", "EPRT", "229 "};
    private static final char[] SKIP = {' ', '(', ' ', '('};
    private static final char[] TERM = {'\r', ')', '\r', ')'};

    /**
     * find_pattern(): 1 found (cmd: address, port, offset and length of the numbers), 0 not
     * this command, -1 a partial or malformed one. The pattern must open the segment.
     */
    static int findPattern(byte[] b, int data, int dlen, int type, int[] cmd) {
        String pattern = PATTERN[type];
        int plen = pattern.length();
        if (dlen <= plen) {
            return regionMatches(b, data, pattern, dlen) ? -1 : 0;
        }
        if (!regionMatches(b, data, pattern, plen)) {
            return 0;
        }
        int i = plen;
        for (; b[data + i] != SKIP[type]; i++) {
            if (i == dlen - 1) {
                return -1;
            }
        }
        i++;
        int len = switch (type) {
            case PORT, PASV -> tryRfc959(b, data + i, dlen - i, cmd, TERM[type]);
            case EPRT -> tryEprt(b, data + i, dlen - i, cmd);
            default -> tryEpsv(b, data + i, dlen - i, cmd);
        };
        if (len == 0) {
            return -1;
        }
        cmd[3] = i;
        cmd[0] = len;
        return 1;
    }

    private static boolean regionMatches(byte[] b, int off, String p, int n) {
        for (int i = 0; i < n; i++) {
            if (Character.toLowerCase((char) (b[off + i] & 0xff)) != Character.toLowerCase(p.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** try_number(): {@code n} decimal numbers separated by {@code sep}, then {@code term}; the length or 0 */
    private static int tryNumber(byte[] b, int off, int dlen, int[] out, int n, char sep, char term) {
        java.util.Arrays.fill(out, 0, n, 0);
        int i = 0;
        for (int len = 0; len < dlen && i < n; len++) {
            int c = b[off + len] & 0xff;
            if (c >= '0' && c <= '9') {
                out[i] = out[i] * 10 + c - '0';
            } else if (c == sep) {
                i++;
            } else {
                return c == term && i == n - 1 ? len : 0;
            }
        }
        return 0;
    }

    private static int tryRfc959(byte[] b, int off, int dlen, int[] cmd, char term) {
        int[] a = new int[6];
        int len = tryNumber(b, off, dlen, a, 6, ',', term);
        if (len == 0) {
            return 0;
        }
        cmd[1] = a[0] << 24 | (a[1] & 0xff) << 16 | (a[2] & 0xff) << 8 | (a[3] & 0xff);
        cmd[2] = ((a[4] << 8) | a[5]) & 0xffff;
        return len;
    }

    /** get_port(): digits up to {@code delim}; the offset after it or 0 */
    private static int getPort(byte[] b, int off, int start, int dlen, int delim, int[] cmd) {
        int port = 0;
        for (int i = start; i < dlen; i++) {
            int c = b[off + i] & 0xff;
            if (c == delim) {
                if (port == 0) {
                    break;
                }
                cmd[2] = port & 0xffff;
                return i + 1;
            } else if (c >= '0' && c <= '9') {
                port = port * 10 + c - '0';
            } else {
                break;
            }
        }
        return 0;
    }

    private static boolean badDelim(int d) {
        return (d >= '0' && d <= '9') || d < 33 || d > 126;
    }

    /** try_eprt(): |1|a.b.c.d|port| */
    private static int tryEprt(byte[] b, int off, int dlen, int[] cmd) {
        if (dlen <= 3) {
            return 0;
        }
        int delim = b[off] & 0xff;
        if (badDelim(delim) || (b[off + 2] & 0xff) != delim || b[off + 1] != '1') {
            return 0;
        }
        int[] a = new int[4];
        int len = tryNumber(b, off + 3, dlen - 3, a, 4, '.', (char) delim);
        if (len == 0) {
            return 0;
        }
        cmd[1] = a[0] << 24 | (a[1] & 0xff) << 16 | (a[2] & 0xff) << 8 | (a[3] & 0xff);
        return getPort(b, off, 3 + len + 1, dlen, delim, cmd);
    }

    /** try_epsv_response(): |||port| */
    private static int tryEpsv(byte[] b, int off, int dlen, int[] cmd) {
        if (dlen <= 3) {
            return 0;
        }
        int delim = b[off] & 0xff;
        if (badDelim(delim) || (b[off + 1] & 0xff) != delim || (b[off + 2] & 0xff) != delim) {
            return 0;
        }
        return getPort(b, off, 3, dlen, delim, cmd);
    }
}
