package dev.hairpin.gateway;

import dev.hairpin.host.NetDevice;

/** One attached device: the engine's view of it, its packet socket, and its counters. */
final class Port {
    final int id;
    final NetDevice dev;
    /** the AF_PACKET socket of an Ethernet device, or null for a tun device */
    final PacketSocket sock;
    /** the tun device (IPv4 datagrams, no link header, no ARP), or null */
    final TunDevice tun;
    final long mac;
    /** frames waiting for the round's sendmmsg(); set up by the data plane */
    TxBatch tx;
    // written by the packet thread only; metrics read them between batches
    long rxPackets;
    long rxBytes;
    long txPackets;
    long txBytes;
    /** malformed, truncated (GSO super-frames), VLAN-tagged: dropped before the stack */
    long rxErrors;
    /** not for us: other protocols, other hosts' frames */
    long rxIgnored;
    /** the kernel refused the frame (ring full, EMSGSIZE) */
    long txErrors;
    long arpRequestsIn;
    long arpRepliesOut;
    long arpRequestsOut;

    Port(int id, NetDevice dev, PacketSocket sock) {
        this(id, dev, sock, null);
    }

    Port(int id, NetDevice dev, PacketSocket sock, TunDevice tun) {
        this.id = id;
        this.dev = dev;
        this.sock = sock;
        this.tun = tun;
        this.mac = dev.mac == null || dev.mac.length < 6 ? 0 : Neighbours.macOf(dev.mac, 0);
    }

    int fd() {
        return sock != null ? sock.fd : tun.fd;
    }

    void close() {
        if (sock != null) {
            sock.close();
        } else {
            tun.close();
        }
    }
}
