package dev.hairpin.nat;

/**
 * Bob Jenkins' lookup3 as the kernel's {@code jhash2()} (include/linux/jhash.h), needed
 * bit-exact because SNAT picks an address from a range by it.
 */
public final class Jhash {
    private Jhash() {}

    static final int JHASH_INITVAL = 0xdeadbeef;

    public static int jhash2(int[] k, int length, int initval) {
        int a = JHASH_INITVAL + (length << 2) + initval;
        int b = a;
        int c = a;
        int i = 0;
        while (length > 3) {
            a += k[i];
            b += k[i + 1];
            c += k[i + 2];
            // __jhash_mix
            a -= c; a ^= Integer.rotateLeft(c, 4); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 6); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 8); b += a;
            a -= c; a ^= Integer.rotateLeft(c, 16); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 19); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 4); b += a;
            length -= 3;
            i += 3;
        }
        switch (length) {
            case 3:
                c += k[i + 2];
            // fall through
            case 2:
                b += k[i + 1];
            // fall through
            case 1:
                a += k[i];
                // __jhash_final
                c = jhashFinal(a, b, c);
                break;
            default:
                break;
        }
        return c;
    }

    /** {@code jhash2(k, 4, initval)} for k = {w0, w1, w2, w3}, without an array (one mix, one final). */
    public static int jhash2Words4(int w0, int w1, int w2, int w3, int initval) {
        int a = JHASH_INITVAL + (4 << 2) + initval;
        int b = a;
        int c = a;
        a += w0;
        b += w1;
        c += w2;
        a -= c; a ^= Integer.rotateLeft(c, 4); c += b;
        b -= a; b ^= Integer.rotateLeft(a, 6); a += c;
        c -= b; c ^= Integer.rotateLeft(b, 8); b += a;
        a -= c; a ^= Integer.rotateLeft(c, 16); c += b;
        b -= a; b ^= Integer.rotateLeft(a, 19); a += c;
        c -= b; c ^= Integer.rotateLeft(b, 4); b += a;
        a += w3;
        return jhashFinal(a, b, c);
    }

    /** __jhash_final(a, b, c): the c it leaves */
    private static int jhashFinal(int a, int b, int c) {
        c ^= b; c -= Integer.rotateLeft(b, 14);
        a ^= c; a -= Integer.rotateLeft(c, 11);
        b ^= a; b -= Integer.rotateLeft(a, 25);
        c ^= b; c -= Integer.rotateLeft(b, 16);
        a ^= c; a -= Integer.rotateLeft(c, 4);
        b ^= a; b -= Integer.rotateLeft(a, 14);
        c ^= b; c -= Integer.rotateLeft(b, 24);
        return c;
    }

    /** reciprocal_scale(): maps a 32-bit value onto [0, range) */
    public static int reciprocalScale(int val, int range) {
        return (int) (((val & 0xffffffffL) * (range & 0xffffffffL)) >>> 32);
    }

    /** An IPv4 address as the kernel's u32 view of its __be32 on a little-endian CPU. */
    public static int leWord(int addr) {
        return Integer.reverseBytes(addr);
    }
}
