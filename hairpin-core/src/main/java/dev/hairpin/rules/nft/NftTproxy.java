package dev.hairpin.rules.nft;

import dev.hairpin.packet.Hooks;
import dev.hairpin.packet.Ipv4;
import dev.hairpin.packet.Skb;
import dev.hairpin.rules.XtParam;

/**
 * nft's {@code tproxy [ip] to [ADDR][:PORT]} (nft_tproxy_eval_v4): the socket lookup TPROXY makes
 * (the connected socket of the packet's addresses, else the listener on PORT, the packet's own
 * port when none), but as a statement that goes on: with a transparent socket the packet is
 * assigned to it and the rule's next statement runs; without one the rule breaks. It sets no
 * mark (the rule's {@code meta mark set} does) and accepts nothing. Kept as a match evaluated
 * after the rule's matches (nothing may follow it but statements); prerouting only.
 */
final class NftTproxy implements NftStateful {
    private final int lport;
    private final String text;

    @Override
    public String text() {
        return text;
    }

    NftTproxy(int lport, String text) {
        this.lport = lport;
        this.text = text;
    }

    @Override
    public int hooks() {
        return 1 << Hooks.PRE_ROUTING;
    }

    @Override
    public boolean needsDefrag() {
        return true; // nf_defrag_ipv4_enable() in its init
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        int proto = Ipv4.protocol(skb.buf, skb.l3);
        if (proto != Ipv4.PROTO_TCP && proto != Ipv4.PROTO_UDP) {
            return false;
        }
        int port = lport != 0 ? lport : Ipv4.u16(skb.buf, skb.l4 + 2);
        if (!par.services.tproxySocket(skb, port)) {
            return false;
        }
        skb.sk = true;
        return true;
    }

    /** {@code tproxy [ip] to [ADDR][:PORT]} at {@code t[i]}; the next token at {@code end[0]} */
    static NftTproxy parse(String[] t, int i, int[] end, String where) {
        int k = i + 1;
        if (k < t.length && t[k].equals("ip")) {
            k++;
        }
        if (k >= t.length || !t[k].equals("to")) {
            throw NftRule.bad(where, "tproxy without `to`");
        }
        String v = NftRule.arg(t, k + 1, where);
        int colon = v.lastIndexOf(':');
        String addr = colon < 0 ? v : v.substring(0, colon);
        String port = colon < 0 ? "0" : v.substring(colon + 1);
        if (!addr.isEmpty() && !addr.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") || !port.matches("[0-9]{1,5}")
                || Integer.parseInt(port) > 65535 || addr.isEmpty() && port.equals("0")) {
            throw NftRule.bad(where, "tproxy to " + v);
        }
        end[0] = k + 2;
        return new NftTproxy(Integer.parseInt(port), String.join(" ", java.util.List.of(t).subList(i, k + 2)));
    }
}
