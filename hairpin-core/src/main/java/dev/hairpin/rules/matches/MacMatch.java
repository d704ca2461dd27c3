package dev.hairpin.rules.matches;

import dev.hairpin.host.NetDevice;
import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.Match;
import dev.hairpin.rules.XtParam;
import dev.hairpin.rules.ext.ExtParser;
import dev.hairpin.rules.ext.Opt;
import dev.hairpin.rules.ext.ParseContext;
import dev.hairpin.rules.ext.XtError;

/**
 * {@code -m mac --mac-source} (xt_mac.c): the Ethernet source address of an incoming frame.
 * Packets that did not come from an Ethernet device with its header never match, inverted or not.
 */
public final class MacMatch implements Match {
    private final byte[] mac;
    private final boolean invert;

    public MacMatch(byte[] mac, boolean invert) {
        this.mac = mac.clone();
        this.invert = invert;
    }

    @Override
    public String name() {
        return "mac";
    }

    @Override
    public int hooks() {
        return (1 << Hooks.PRE_ROUTING) | (1 << Hooks.LOCAL_IN) | (1 << Hooks.FORWARD);
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        NetDevice dev = skb.in;
        if (dev == null || dev.type != NetDevice.ARPHRD_ETHER || skb.macLen < 14) {
            return false;
        }
        boolean eq = true;
        for (int i = 0; i < 6; i++) {
            if (skb.buf[skb.mac + 6 + i] != mac[i]) {
                eq = false;
                break;
            }
        }
        return eq ^ invert;
    }

    @Override
    public void save(StringBuilder sb) {
        if (invert) {
            sb.append(" !");
        }
        sb.append(" --mac-source ");
        text(sb);
    }

    @Override
    public void print(StringBuilder sb, boolean numeric) {
        sb.append(" MAC ");
        if (invert) {
            sb.append("! ");
        }
        text(sb);
    }

    private void text(StringBuilder sb) {
        for (int i = 0; i < 6; i++) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(String.format("%02x", mac[i] & 0xff));
        }
    }

    /** XTTYPE_ETHERMAC: six hex bytes of one or two digits, colon separated */
    static byte[] parseMac(String arg) {
        byte[] out = new byte[6];
        String[] parts = arg.split(":", -1);
        if (parts.length != 6) {
            throw XtError.param("Invalid MAC address specified.");
        }
        for (int i = 0; i < 6; i++) {
            String p = parts[i];
            int digits = 0;
            while (digits < p.length() && Character.digit(p.charAt(digits), 16) >= 0) {
                digits++;
            }
            // strtoul(,16) reads the hex digits; the rest must be the separator, at most 2 chars
            if (p.length() > 2 || digits != p.length()) {
                throw XtError.param("Invalid MAC address specified.");
            }
            out[i] = (byte) (p.isEmpty() ? 0 : Integer.parseInt(p, 16));
        }
        return out;
    }

    /** libxt_mac.c */
    public static final class Parser extends ExtParser<Match> {
        private static final Opt[] OPTS = {Opt.arg("mac-source", 0, Opt.MAND | Opt.INVERT)};
        private byte[] mac = new byte[6];
        private boolean invert;

        public Parser() {
            super("mac");
        }

        @Override
        public Opt[] options() {
            return OPTS;
        }

        @Override
        protected void parse(Opt o, String arg, boolean inv, ParseContext ctx) {
            mac = parseMac(arg);
            invert |= inv;
        }

        @Override
        protected Match build(ParseContext ctx) {
            return new MacMatch(mac, invert);
        }
    }
}
