package dev.hairpin.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** ip_options_compile / ip_options_echo on the option bytes of the ip-options-edges recording. */
class IpOptionsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final int GW = 0x0a000001; // 10.0.0.1

    /** a 20-byte header followed by {@code opts}, IHL set */
    private static byte[] header(String opts) {
        byte[] o = HEX.parseHex(opts);
        byte[] b = new byte[20 + o.length];
        b[0] = (byte) (0x40 | b.length >>> 2);
        System.arraycopy(o, 0, b, 20, o.length);
        return b;
    }

    private static String opts(byte[] b) {
        return HEX.formatHex(b, 20, b.length);
    }

    private static int compile(byte[] b) {
        return IpOptions.compile(b, 0, GW, a -> a != GW, 0);
    }

    @Test
    void fullTimestampsCountOverflowAndKeepPrespec() {
        byte[] ts = header("4408090000000000");
        compile(ts);
        assertEquals("4408091000000000", opts(ts));
        byte[] ta = header("440c0d21" + "00".repeat(8));
        compile(ta);
        assertEquals("440c0d31" + "00".repeat(8), opts(ta));
        byte[] pre = header("440c0503c633646300000000");
        compile(pre);
        assertEquals("440c0503c633646300000000", opts(pre));
    }

    @Test
    void malformedOptionsPointAtTheOffendingByte() {
        assertEquals(IpOptions.ERROR | 23, compile(header("440809f000000000")));
        assertEquals(IpOptions.ERROR | 22, compile(header("0707030000000001")));
        assertEquals(IpOptions.ERROR | 21, compile(header("01070c0400000000")));
    }

    @Test
    void recordRouteIsFilledAtReceiveAndEchoedWithTheNextSlot() {
        byte[] b = header("070b04000000000000000001");
        int opt = compile(b);
        assertEquals("070b080a0000010000000001", opts(b));
        byte[] into = new byte[40];
        int dopt = IpOptions.echo(b, 0, opt, into, a -> a != GW);
        assertEquals(12, IpOptions.echoLength(dopt));
        byte[] reply = new byte[32];
        IpOptions.build(reply, 0, into, dopt, GW, 0);
        assertArrayEquals(HEX.parseHex("070b0c0a0000010a00000100"), java.util.Arrays.copyOfRange(reply, 20, 32));
    }
}
