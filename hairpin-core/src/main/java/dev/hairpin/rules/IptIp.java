package dev.hairpin.rules;

import dev.hairpin.host.NetDevice;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;

/**
 * The fixed IP part of a rule ({@code struct ipt_ip}): source and destination address with mask,
 * input and output interface, protocol and the fragment flag, each with its own inversion bit.
 * Addresses are held already masked (the kernel stores {@code src & smsk}).
 *
 * <p>An interface name ending in {@code +} matches every device whose name starts with what is
 * before the {@code +} (the kernel compares names under a byte mask that stops there); without it
 * the whole name must be equal. An empty name matches any device, and also no device.
 */
public record IptIp(int src, int smsk, int dst, int dmsk,
                    String iniface, String outiface,
                    int proto, int flags, int invflags) {

    /** IPT_F_FRAG: {@code -f}, match second and further fragments */
    public static final int F_FRAG = 0x01;
    /** IPT_F_GOTO: the rule's chain target is a goto, not a jump */
    public static final int F_GOTO = 0x02;

    public static final int INV_VIA_IN = 0x01;
    public static final int INV_VIA_OUT = 0x02;
    public static final int INV_TOS = 0x04;
    public static final int INV_SRCIP = 0x08;
    public static final int INV_DSTIP = 0x10;
    public static final int INV_FRAG = 0x20;
    /** XT_INV_PROTO */
    public static final int INV_PROTO = 0x40;

    /** Matches every packet: what a rule without -s/-d/-i/-o/-p/-f has. */
    public static final IptIp ANY = new IptIp(0, 0, 0, 0, "", "", 0, 0, 0);

    public IptIp {
        src &= smsk;
        dst &= dmsk;
        if (iniface == null) {
            iniface = "";
        }
        if (outiface == null) {
            outiface = "";
        }
    }

    public boolean inverted(int bit) {
        return (invflags & bit) != 0;
    }

    public boolean isGoto() {
        return (flags & F_GOTO) != 0;
    }

    public IptIp withFlags(int newFlags) {
        return new IptIp(src, smsk, dst, dmsk, iniface, outiface, proto, newFlags, invflags);
    }

    /** True when this IP part matches every packet, so evaluation can skip it. */
    public boolean matchesAll() {
        return smsk == 0 && dmsk == 0 && iniface.isEmpty() && outiface.isEmpty() && proto == 0
                && (flags & F_FRAG) == 0 && invflags == 0;
    }

    /**
     * {@code ip_packet_match()}: every field XORed with its inversion bit. {@code fragment} is
     * true when the fragment offset is not zero.
     */
    public boolean matches(Skb skb, NetDevice in, NetDevice out, boolean fragment) {
        byte[] b = skb.buf;
        int l3 = skb.l3;
        if (((Ipv4.saddr(b, l3) & smsk) != src) ^ ((invflags & INV_SRCIP) != 0)) {
            return false;
        }
        if (((Ipv4.daddr(b, l3) & dmsk) != dst) ^ ((invflags & INV_DSTIP) != 0)) {
            return false;
        }
        if (proto != 0 && (Ipv4.protocol(b, l3) != proto) ^ ((invflags & INV_PROTO) != 0)) {
            return false;
        }
        return devicesMatch(in, out, fragment);
    }

    /**
     * The interface and fragment parts of {@link #matches} alone, for a rule walk that has
     * tested addresses and protocol already (each part is a pure test, so the order is free).
     */
    public boolean devicesMatch(NetDevice in, NetDevice out, boolean fragment) {
        if (!iniface.isEmpty() && !ifaceMatches(iniface, in) ^ ((invflags & INV_VIA_IN) != 0)) {
            return false;
        }
        if (!outiface.isEmpty() && !ifaceMatches(outiface, out) ^ ((invflags & INV_VIA_OUT) != 0)) {
            return false;
        }
        return fragMatches(fragment);
    }

    /** the -f part of ip_packet_match(): the kernel's NF_INVF(FRAG, (flags & F_FRAG) && !isfrag) */
    public boolean fragMatches(boolean fragment) {
        return !((((flags & F_FRAG) != 0) && !fragment) ^ ((invflags & INV_FRAG) != 0));
    }

    /** ifname_compare_aligned(): a missing device has the empty name */
    static boolean ifaceMatches(String pattern, NetDevice dev) {
        String name = dev == null ? "" : dev.name;
        int n = pattern.length();
        if (pattern.charAt(n - 1) == '+') {
            return name.regionMatches(0, pattern, 0, n - 1);
        }
        return name.equals(pattern);
    }
}
