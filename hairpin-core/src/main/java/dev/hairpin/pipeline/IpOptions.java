package dev.hairpin.pipeline;

import dev.hairpin.packet.Checksum;
import dev.hairpin.packet.Ipv4;
import java.util.function.IntPredicate;

/**
 * IPv4 options as the receive path compiles them (ip_options_compile() from ip_rcv_options(),
 * after the route lookup), as a forwarding router fills them in (ip_forward_options()) and as the
 * host's own ICMP answers echo them (ip_options_echo(), ip_options_build()).
 *
 * <p>What the compile found is packed in an int ({@code Skb.ipOpt}, the kernel's IPCB opt): the
 * offsets of the record-route and timestamp options from the IP header, and the flags below.
 * Timestamps carry this host's clock: milliseconds since midnight UTC of the engine's time.
 * Not modelled: source routes when accept_source_route allows them (the route is not followed),
 * CIPSO.
 */
final class IpOptions {
    private IpOptions() {}

    static final int IPOPT_END = 0;
    static final int IPOPT_NOOP = 1;
    static final int IPOPT_RR = 7;
    static final int IPOPT_TIMESTAMP = 68;
    static final int IPOPT_LSRR = 131;
    static final int IPOPT_SSRR = 137;
    static final int IPOPT_RA = 148;
    static final int IPOPT_TS_TSONLY = 0;
    static final int IPOPT_TS_TSANDADDR = 1;
    static final int IPOPT_TS_PRESPEC = 3;

    static final int RR_NEEDADDR = 1 << 16;
    static final int TS_NEEDADDR = 1 << 17;
    static final int TS_NEEDTIME = 1 << 18;
    static final int SRR = 1 << 19;
    static final int CHANGED = 1 << 20;
    /** set on every compiled result, so that 0 means "no options compiled" */
    static final int COMPILED = 1 << 21;
    /** an error: the low byte is the offending byte's offset (the parameter problem's pointer) */
    static final int ERROR = 1 << 30;

    static int rr(int opt) {
        return opt & 0xff;
    }

    static int ts(int opt) {
        return opt >>> 8 & 0xff;
    }

    /**
     * ip_options_compile() for a received datagram: checks every option, fills record route and
     * timestamps (address {@code specDst}, fib_compute_spec_dst()), counts a full timestamp's
     * overflow. Leaves the header checksum alone (the forward path recomputes it when
     * {@link #CHANGED}). Returns the packed result, or {@link #ERROR} with the pointer.
     * {@code unicast}: inet_addr_type() == RTN_UNICAST, for prespecified timestamps.
     */
    static int compile(byte[] b, int l3, int specDst, IntPredicate unicast, long nowNanos) {
        int end = l3 + Ipv4.ihlBytes(b, l3);
        int res = COMPILED;
        int i = l3 + Ipv4.MIN_HEADER;
        while (i < end) {
            int type = b[i] & 0xff;
            if (type == IPOPT_END) {
                for (int j = i + 1; j < end; j++) { // the rest becomes END
                    if (b[j] != 0) {
                        b[j] = 0;
                        res |= CHANGED;
                    }
                }
                break;
            }
            if (type == IPOPT_NOOP) {
                i++;
                continue;
            }
            int l = end - i;
            if (l < 2) {
                return ERROR | i - l3;
            }
            int optlen = b[i + 1] & 0xff;
            if (optlen < 2 || optlen > l) {
                return ERROR | i - l3;
            }
            int ptr = optlen > 2 ? b[i + 2] & 0xff : 0;
            switch (type) {
                case IPOPT_SSRR, IPOPT_LSRR -> {
                    if (optlen < 3) {
                        return ERROR | i + 1 - l3;
                    }
                    if (ptr < 4) {
                        return ERROR | i + 2 - l3;
                    }
                    if ((res & SRR) != 0) { // a second source route
                        return ERROR | i - l3;
                    }
                    res |= SRR;
                }
                case IPOPT_RR -> {
                    if (optlen < 3) {
                        return ERROR | i + 1 - l3;
                    }
                    if (ptr < 4) {
                        return ERROR | i + 2 - l3;
                    }
                    if (ptr <= optlen) {
                        if (ptr + 3 > optlen) {
                            return ERROR | i + 2 - l3;
                        }
                        Ipv4.put32(b, i + ptr - 1, specDst);
                        b[i + 2] = (byte) (ptr + 4);
                        res |= RR_NEEDADDR | CHANGED;
                    }
                    res = res & ~0xff | i - l3; // a second one replaces the first
                }
                case IPOPT_TIMESTAMP -> {
                    if (optlen < 4) {
                        return ERROR | i + 1 - l3;
                    }
                    if (ptr < 5) {
                        return ERROR | i + 2 - l3;
                    }
                    int flags = b[i + 3] & 0xff;
                    if (ptr <= optlen) {
                        if (ptr + 3 > optlen) {
                            return ERROR | i + 2 - l3;
                        }
                        int time = -1;
                        switch (flags & 0xf) {
                            case IPOPT_TS_TSONLY -> {
                                time = i + ptr - 1;
                                res |= TS_NEEDTIME;
                                b[i + 2] = (byte) (ptr + 4);
                            }
                            case IPOPT_TS_TSANDADDR -> {
                                if (ptr + 7 > optlen) {
                                    return ERROR | i + 2 - l3;
                                }
                                Ipv4.put32(b, i + ptr - 1, specDst);
                                time = i + ptr + 3;
                                res |= TS_NEEDADDR | TS_NEEDTIME;
                                b[i + 2] = (byte) (ptr + 8);
                            }
                            case IPOPT_TS_PRESPEC -> {
                                if (ptr + 7 > optlen) {
                                    return ERROR | i + 2 - l3;
                                }
                                if (!unicast.test(Ipv4.i32(b, i + ptr - 1))) {
                                    time = i + ptr + 3;
                                    res |= TS_NEEDTIME;
                                    b[i + 2] = (byte) (ptr + 8);
                                }
                            }
                            default -> { }
                        }
                        if (time >= 0) {
                            Ipv4.put32(b, time, midnightMillis(nowNanos));
                            res |= CHANGED;
                        }
                    } else if ((flags & 0xf) != IPOPT_TS_PRESPEC) {
                        int overflow = flags >>> 4;
                        if (overflow == 15) {
                            return ERROR | i + 3 - l3;
                        }
                        b[i + 3] = (byte) (flags & 0xf | (overflow + 1) << 4);
                        res |= CHANGED;
                    }
                    res = res & ~0xff00 | (i - l3) << 8;
                }
                case IPOPT_RA -> {
                    if (optlen < 4) {
                        return ERROR | i + 1 - l3;
                    }
                }
                default -> { } // unknown (and security, stream id, CIPSO) options: left alone
            }
            i += optlen;
        }
        return res;
    }

    /** inet_current_timestamp(): milliseconds since midnight UTC */
    static int midnightMillis(long nowNanos) {
        return (int) Math.floorMod(nowNanos / 1_000_000L, 86_400_000L);
    }

    /**
     * ip_forward_options(): the slots the compile reserved get the router's outgoing address
     * {@code src}; the header checksum is recomputed when anything changed.
     */
    static void forward(byte[] b, int l3, int opt, int src) {
        if ((opt & RR_NEEDADDR) != 0) {
            int o = l3 + rr(opt);
            Ipv4.put32(b, o + (b[o + 2] & 0xff) - 5, src);
            opt |= CHANGED;
        }
        if ((opt & TS_NEEDADDR) != 0) {
            int o = l3 + ts(opt);
            Ipv4.put32(b, o + (b[o + 2] & 0xff) - 9, src);
            opt |= CHANGED;
        }
        if ((opt & CHANGED) != 0) {
            Checksum.setIpv4Header(b, l3);
        }
    }

    /**
     * ip_options_echo(): the options of an answer to a received datagram (ICMP error, echo
     * reply), written to {@code dst} from 0: its record route, timestamp (in that order; other
     * options are not echoed), padded with END to a multiple of 4. Returns the packed result with
     * the options' length in bits 24-29, or -1 when they cannot be echoed (no answer is sent).
     */
    static int echo(byte[] b, int l3, int sopt, byte[] dst, IntPredicate unicast) {
        int n = 0;
        int res = 0;
        if (rr(sopt) != 0) {
            int s = l3 + rr(sopt);
            int optlen = b[s + 1] & 0xff;
            int soffset = b[s + 2] & 0xff;
            System.arraycopy(b, s, dst, n, optlen);
            res |= Ipv4.MIN_HEADER + n;
            if ((sopt & RR_NEEDADDR) != 0 && soffset <= optlen) {
                if (soffset + 3 > optlen) {
                    return -1;
                }
                dst[n + 2] = (byte) (soffset + 4);
                res |= RR_NEEDADDR;
            }
            n += optlen;
        }
        if (ts(sopt) != 0) {
            int s = l3 + ts(sopt);
            int optlen = b[s + 1] & 0xff;
            int soffset = b[s + 2] & 0xff;
            System.arraycopy(b, s, dst, n, optlen);
            res |= (Ipv4.MIN_HEADER + n) << 8;
            if (soffset <= optlen) {
                if ((sopt & TS_NEEDADDR) != 0) {
                    if (soffset + 3 > optlen) {
                        return -1;
                    }
                    res |= TS_NEEDADDR;
                    soffset += 4;
                }
                if ((sopt & TS_NEEDTIME) != 0) {
                    if (soffset + 3 > optlen) {
                        return -1;
                    }
                    if ((dst[n + 3] & 0xf) != IPOPT_TS_PRESPEC) {
                        res |= TS_NEEDTIME;
                        soffset += 4;
                    } else if (soffset + 7 <= optlen && !unicast.test(Ipv4.i32(dst, n + soffset - 1))) {
                        res |= TS_NEEDTIME;
                        soffset += 8;
                    }
                }
                dst[n + 2] = (byte) soffset;
            }
            n += optlen;
        }
        while ((n & 3) != 0) {
            dst[n++] = IPOPT_END;
        }
        return res | n << 24;
    }

    static int echoLength(int dopt) {
        return dopt >>> 24 & 0x3f;
    }

    /**
     * ip_options_build(): copies the echoed options behind the answer's fixed header at {@code l3}
     * and fills their slots with the answer's source address and the time. The caller sets the
     * header length and checksum.
     */
    static void build(byte[] p, int l3, byte[] opts, int dopt, int saddr, long nowNanos) {
        System.arraycopy(opts, 0, p, l3 + Ipv4.MIN_HEADER, echoLength(dopt));
        if ((dopt & RR_NEEDADDR) != 0) {
            int o = l3 + rr(dopt);
            Ipv4.put32(p, o + (p[o + 2] & 0xff) - 5, saddr);
        }
        if ((dopt & TS_NEEDADDR) != 0) {
            int o = l3 + ts(dopt);
            Ipv4.put32(p, o + (p[o + 2] & 0xff) - 9, saddr);
        }
        if ((dopt & TS_NEEDTIME) != 0) {
            int o = l3 + ts(dopt);
            Ipv4.put32(p, o + (p[o + 2] & 0xff) - 5, midnightMillis(nowNanos));
        }
    }
}
