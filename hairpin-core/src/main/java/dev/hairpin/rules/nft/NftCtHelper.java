package dev.hairpin.rules.nft;

import dev.hairpin.packet.Skb;
import dev.hairpin.rules.XtParam;

/**
 * {@code ct helper set "NAME"} with the table's {@code ct helper NAME { type "ftp" protocol tcp }}
 * object (nft_ct_helper_obj_eval): after conntrack, the packet's entry gets the helper if it is
 * not confirmed yet, of the object's protocol and without one; the rule always goes on.
 */
final class NftCtHelper implements NftStateful {
    private final int helper;
    private final int l4proto;
    private final String text;

    @Override
    public String text() {
        return text;
    }

    NftCtHelper(int helper, int l4proto, String text) {
        this.helper = helper;
        this.l4proto = l4proto;
        this.text = text;
    }

    @Override
    public boolean needsConntrack() {
        return true;
    }

    @Override
    public boolean matches(Skb skb, XtParam par) {
        par.services.assignHelper(skb, helper, l4proto);
        return true;
    }
}
