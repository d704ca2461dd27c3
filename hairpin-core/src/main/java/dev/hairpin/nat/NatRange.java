package dev.hairpin.nat;

/**
 * {@code struct nf_nat_range2}: what a NAT target asks for. Addresses and ports are host-order
 * ints; ports are 0..65535 (for ICMP the echo id range).
 */
public record NatRange(int flags, int minAddr, int maxAddr, int minProto, int maxProto, int baseProto) {
    public static final int MAP_IPS = 0x1;
    public static final int PROTO_SPECIFIED = 0x2;
    public static final int PROTO_RANDOM = 0x4;
    public static final int PERSISTENT = 0x8;
    public static final int PROTO_RANDOM_FULLY = 0x10;
    public static final int PROTO_OFFSET = 0x20;
    public static final int NETMAP = 0x40;
    public static final int PROTO_RANDOM_ALL = PROTO_RANDOM | PROTO_RANDOM_FULLY;

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** No address, no ports: what a null binding and a bare MASQUERADE pass. */
    public static final NatRange NONE = new NatRange(0, 0, 0, 0, 0, 0);
}
