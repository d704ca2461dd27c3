package dev.hairpin.pcap;

/** LINKTYPE_ values (https://www.tcpdump.org/linktypes.html) for what Hairpin reads and writes. */
public final class LinkType {
    private LinkType() {}

    /** Ethernet II frames */
    public static final int EN10MB = 1;
    /** raw IPv4 or IPv6, no link header */
    public static final int RAW = 101;
    /** Linux cooked capture v1 ({@link Sll}) */
    public static final int LINUX_SLL = 113;
    /** netfilter NFLOG messages ({@link Nflog}) */
    public static final int NFLOG = 239;
    /** raw IPv4 */
    public static final int IPV4 = 228;
    /** raw IPv6 */
    public static final int IPV6 = 229;
    /** Linux cooked capture v2 ({@link Sll2}): what {@code tcpdump -i any} writes */
    public static final int LINUX_SLL2 = 276;

    public static String name(int linkType) {
        return switch (linkType) {
            case EN10MB -> "EN10MB";
            case RAW -> "RAW";
            case LINUX_SLL -> "LINUX_SLL";
            case NFLOG -> "NFLOG";
            case IPV4 -> "IPV4";
            case IPV6 -> "IPV6";
            case LINUX_SLL2 -> "LINUX_SLL2";
            default -> "LINKTYPE_" + linkType;
        };
    }
}
