package dev.hairpin.workload;

import dev.hairpin.host.NetDevice;
import dev.hairpin.packet.Skb;
import dev.hairpin.pcap.CaptureReader;
import dev.hairpin.pcap.CaptureRecord;
import dev.hairpin.pcap.CaptureWriter;
import dev.hairpin.pcap.LinkType;
import dev.hairpin.pcap.PcapWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Replay throughput: a capture file through a {@link Gateway}, what it transmits written to one
 * output file per device, as an offline replay does. {@link #generate} writes the input: LINUX_SLL2
 * records (the interface index says which device a packet arrived on) of UDP flows from
 * {@link UdpFlows}, each original packet followed by its answer, 1 µs apart.
 */
public final class CaptureReplay {
    private CaptureReplay() {}

    /** Writes {@code packets} packets over {@code flows} flows: packet 2j is flow (j mod flows) out, 2j+1 its reply. */
    public static void generate(Path file, int flows, long packets, boolean snat, long t0) throws IOException {
        byte[] b = new byte[UdpFlows.LEN];
        try (PcapWriter w = PcapWriter.create(file, LinkType.LINUX_SLL2, true)) {
            for (long k = 0; k < packets; k++) {
                int i = (int) ((k >>> 1) % flows);
                boolean reply = (k & 1) != 0;
                if (reply) {
                    UdpFlows.reply(i, snat, b, 0);
                } else {
                    UdpFlows.original(i, b, 0);
                }
                w.writeSll2(t0 + k * 1000, reply ? 3 : 2, CaptureRecord.PACKET_HOST, NetDevice.ARPHRD_ETHER, 0x0200_0000_0001L + (reply ? 1 : 0),
                        b, 0, UdpFlows.LEN);
            }
        }
    }

    /**
     * Replays {@code in} through {@code gw}: each IPv4 record enters on the device of its
     * interface index with the clock at its timestamp; transmitted packets go to
     * {@code outDir/<device>.pcap} (raw IPv4). Returns the records replayed.
     */
    public static long replay(Gateway gw, Path in, Path outDir) throws IOException {
        NetDevice[] byIndex = new NetDevice[16];
        PcapWriter[] outs = new PcapWriter[16];
        for (NetDevice d : new NetDevice[] {gw.lan, gw.wan}) {
            byIndex[d.ifindex] = d;
            outs[d.ifindex] = PcapWriter.create(outDir.resolve(d.name + ".pcap"), LinkType.RAW, true);
        }
        CaptureRecord r = new CaptureRecord();
        Skb skb = new Skb();
        long[] now = new long[1];
        gw.tap = (s, dev, nexthop) -> {
            try {
                outs[dev.ifindex].write(now[0], s.buf, s.l3, s.len, s.len);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        long n = 0;
        try (CaptureReader reader = CaptureReader.open(in)) {
            while (reader.nextView(r)) { // no copy: the pipeline rewrites the packet where it lies in the read window
                if (r.protocol != 0x0800 || r.ifindex < 0 || r.ifindex >= byIndex.length || byIndex[r.ifindex] == null) {
                    throw new IOException(reader.name() + ": record " + r.number + " is not IPv4 on eth0 (2) or eth1 (3)");
                }
                now[0] = r.timestampNanos;
                gw.clock(r.timestampNanos);
                skb.set(r.data, r.networkOffset, r.networkLength);
                skb.in = byIndex[r.ifindex];
                gw.stack.receive(skb);
                n++;
            }
        } finally {
            gw.tap = null;
            for (CaptureWriter w : outs) {
                if (w != null) {
                    w.close();
                }
            }
        }
        return n;
    }
}
