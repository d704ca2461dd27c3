package dev.hairpin.gateway;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A TUN device ({@code ip tuntap add dev NAME mode tun}) attached through /dev/net/tun with
 * TUNSETIFF, IFF_TUN | IFF_NO_PI: each read() is one IPv4 datagram the kernel routed into the
 * device, each write() one datagram the kernel receives from it. No link header and no ARP.
 * Non-blocking, so the loop reads until EAGAIN and sleeps in the same poll() as the packet
 * sockets. Owned by the packet thread.
 */
final class TunDevice implements AutoCloseable {
    /** What the data plane does with a datagram read from the device. */
    interface Handler {
        void datagram(MemorySegment buf, int len);
    }

    final String name;
    final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buf;
    private final Native.Errno errno;

    private TunDevice(String name, int fd, Native.Errno errno) {
        this.name = name;
        this.fd = fd;
        this.errno = errno;
        this.buf = arena.allocate(65536);
    }

    static TunDevice open(String name, Native.Errno errno) {
        try (Arena a = Arena.ofConfined()) {
            int fd = (int) Native.OPEN.invokeExact(errno.seg, a.allocateFrom("/dev/net/tun"), Native.O_RDWR | Native.O_NONBLOCK);
            if (fd < 0) {
                throw new GatewayException(name + ": open /dev/net/tun: " + errno.message());
            }
            MemorySegment ifr = a.allocate(40);
            ifr.setString(0, name);
            ifr.set(ValueLayout.JAVA_SHORT, 16, (short) (Native.IFF_TUN | Native.IFF_NO_PI));
            int rc = (int) Native.IOCTL.invokeExact(errno.seg, fd, Native.TUNSETIFF, ifr);
            if (rc < 0) {
                String why = errno.message();
                int ignored = (int) Native.CLOSE.invokeExact(errno.seg, fd);
                throw new GatewayException(name + ": TUNSETIFF (IFF_TUN|IFF_NO_PI): " + why
                        + " (is it a tun device, made with `ip tuntap add dev " + name + " mode tun`?)");
            }
            return new TunDevice(name, fd, errno);
        } catch (GatewayException e) {
            throw e;
        } catch (Throwable t) {
            throw new GatewayException(name + ": attaching the tun device: " + t, t);
        }
    }

    /** Reads up to {@code budget} datagrams; returns how many. */
    int drain(Handler h, int budget) {
        int n = 0;
        try {
            while (n < budget) {
                long len = (long) Native.READ.invokeExact(errno.seg, fd, buf, buf.byteSize());
                if (len <= 0) {
                    break; // EAGAIN: nothing more now
                }
                n++;
                h.datagram(buf, (int) len);
            }
        } catch (Throwable t) {
            throw new IllegalStateException(name + ": read", t);
        }
        return n;
    }

    /** Writes one datagram {@code seg[0, len)}; false when the kernel refused it. */
    boolean write(MemorySegment seg, int len) {
        try {
            return (long) Native.WRITE.invokeExact(errno.seg, fd, seg, (long) len) == len;
        } catch (Throwable t) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            int ignored = (int) Native.CLOSE.invokeExact(errno.seg, fd);
        } catch (Throwable t) {
            // closing on the way out
        }
        arena.close();
    }
}
