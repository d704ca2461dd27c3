package dev.hairpin.gateway;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What the kernel says about a named device in this network namespace (SIOCGIFINDEX,
 * SIOCGIFHWADDR, SIOCGIFMTU, SIOCGIFFLAGS on a throwaway AF_INET socket).
 */
record LinkInfo(String name, int ifindex, byte[] mac, int mtu, boolean up) {
    static final int IFF_UP = 1;

    /** @throws GatewayException naming the device when the kernel has none by that name */
    static LinkInfo of(String name) {
        if (name.isEmpty() || name.length() > 15) {
            throw new GatewayException("device name \"" + name + "\" is not a valid interface name (1-15 characters)");
        }
        try (Arena arena = Arena.ofConfined()) {
            Native.Errno errno = new Native.Errno(arena);
            int fd = (int) Native.SOCKET.invokeExact(errno.seg, Native.AF_INET, Native.SOCK_DGRAM, 0);
            if (fd < 0) {
                throw new GatewayException("socket(AF_INET): " + errno.message());
            }
            try {
                MemorySegment ifr = arena.allocate(40);
                ifr.setString(0, name);
                ioctl(errno, fd, Native.SIOCGIFINDEX, ifr, name);
                int ifindex = ifr.get(ValueLayout.JAVA_INT, 16);
                ioctl(errno, fd, Native.SIOCGIFHWADDR, ifr, name);
                byte[] mac = new byte[6];
                MemorySegment.copy(ifr, ValueLayout.JAVA_BYTE, 18, mac, 0, 6);
                ioctl(errno, fd, Native.SIOCGIFMTU, ifr, name);
                int mtu = ifr.get(ValueLayout.JAVA_INT, 16);
                ioctl(errno, fd, Native.SIOCGIFFLAGS, ifr, name);
                boolean up = (ifr.get(ValueLayout.JAVA_SHORT, 16) & IFF_UP) != 0;
                return new LinkInfo(name, ifindex, mac, mtu, up);
            } finally {
                int ignored = (int) Native.CLOSE.invokeExact(errno.seg, fd);
            }
        } catch (GatewayException e) {
            throw e;
        } catch (Throwable t) {
            throw new GatewayException("ioctl on " + name + ": " + t, t);
        }
    }

    private static void ioctl(Native.Errno errno, int fd, long req, MemorySegment ifr, String name) throws Throwable {
        int rc = (int) Native.IOCTL.invokeExact(errno.seg, fd, req, ifr);
        if (rc < 0) {
            throw new GatewayException("no kernel device \"" + name + "\" in this network namespace: " + errno.message());
        }
    }
}
