import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Load generator for scripts/gateway-vs-kernel.sh, run as a single source file
 * ({@code java scripts/LabLoad.java MODE ...}; no build step):
 * <pre>
 *   udp-blast HOST PORT FLOWS SECS   18-byte datagrams round robin over FLOWS source ports; prints "sent N"
 *   tcp-seq HOST PORT SECS           connect + close (RST) one after another; prints "connections N"
 *   tcp-burst HOST PORT N            N non-blocking connects at once; prints "connections N seconds T"
 *   tcp-accept BIND PORT             accepts, holds each connection until the peer closes it
 * </pre>
 */
public class LabLoad {
    public static void main(String[] a) throws Exception {
        switch (a[0]) {
            case "udp-blast" -> udpBlast(new InetSocketAddress(a[1], Integer.parseInt(a[2])), Integer.parseInt(a[3]), Double.parseDouble(a[4]));
            case "tcp-seq" -> tcpSeq(new InetSocketAddress(a[1], Integer.parseInt(a[2])), Double.parseDouble(a[3]));
            case "tcp-burst" -> tcpBurst(new InetSocketAddress(a[1], Integer.parseInt(a[2])), Integer.parseInt(a[3]));
            case "tcp-accept" -> tcpAccept(new InetSocketAddress(a[1], Integer.parseInt(a[2])));
            default -> throw new IllegalArgumentException(a[0]);
        }
    }

    static void udpBlast(InetSocketAddress dst, int flows, double secs) throws Exception {
        DatagramChannel[] ch = new DatagramChannel[flows];
        for (int i = 0; i < flows; i++) {
            ch[i] = DatagramChannel.open();
            ch[i].configureBlocking(false);
            ch[i].connect(dst);
        }
        ByteBuffer msg = ByteBuffer.allocateDirect(18);
        long n = 0;
        long end = System.nanoTime() + (long) (secs * 1e9);
        outer:
        while (true) {
            for (int i = 0; i < flows; i++) {
                msg.clear();
                try {
                    n += ch[i].write(msg) > 0 ? 1 : 0;
                } catch (java.io.IOException e) {
                    // ICMP errors reported on a connected socket: keep sending
                }
                if ((i & 63) == 0 && System.nanoTime() > end) {
                    break outer;
                }
            }
        }
        System.out.println("sent " + n);
    }

    static void tcpSeq(InetSocketAddress dst, double secs) throws Exception {
        long n = 0;
        long end = System.nanoTime() + (long) (secs * 1e9);
        while (System.nanoTime() < end) {
            try (SocketChannel c = SocketChannel.open()) {
                c.setOption(StandardSocketOptions.SO_LINGER, 0); // RST: no TIME_WAIT pile-up on the client
                c.connect(dst);
                n++;
            }
        }
        System.out.println("connections " + n);
    }

    static void tcpBurst(InetSocketAddress dst, int n) throws Exception {
        Selector sel = Selector.open();
        List<SocketChannel> all = new ArrayList<>(n);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            SocketChannel c = SocketChannel.open();
            c.configureBlocking(false);
            c.setOption(StandardSocketOptions.SO_LINGER, 0);
            all.add(c);
            if (c.connect(dst)) {
                continue;
            }
            c.register(sel, SelectionKey.OP_CONNECT);
        }
        int done = n - sel.keys().size();
        int failed = 0;
        long deadline = t0 + 30_000_000_000L;
        while (done + failed < n && System.nanoTime() < deadline) {
            sel.select(200);
            for (SelectionKey k : sel.selectedKeys()) {
                try {
                    if (((SocketChannel) k.channel()).finishConnect()) {
                        done++;
                        k.cancel();
                    }
                } catch (java.io.IOException e) {
                    failed++;
                    k.cancel();
                }
            }
            sel.selectedKeys().clear();
        }
        double t = (System.nanoTime() - t0) / 1e9;
        System.out.printf("connections %d seconds %.3f%n", done, t);
        for (SocketChannel c : all) {
            c.close();
        }
    }

    static void tcpAccept(InetSocketAddress bind) throws Exception {
        Selector sel = Selector.open();
        ServerSocketChannel s = ServerSocketChannel.open();
        s.bind(bind, 16384);
        s.configureBlocking(false);
        s.register(sel, SelectionKey.OP_ACCEPT);
        System.out.println("ready");
        ByteBuffer buf = ByteBuffer.allocate(512);
        while (true) {
            sel.select();
            for (SelectionKey k : sel.selectedKeys()) {
                if (k.isAcceptable()) {
                    SocketChannel c;
                    while ((c = s.accept()) != null) {
                        c.configureBlocking(false);
                        c.register(sel, SelectionKey.OP_READ);
                    }
                } else if (k.isReadable()) {
                    buf.clear();
                    int r;
                    try {
                        r = ((SocketChannel) k.channel()).read(buf);
                    } catch (java.io.IOException e) {
                        r = -1;
                    }
                    if (r < 0) {
                        k.cancel();
                        k.channel().close();
                    }
                }
            }
            sel.selectedKeys().clear();
        }
    }
}
