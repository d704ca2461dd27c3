package dev.hairpin.conntrack;

/**
 * {@code enum ip_conntrack_events} bits (include/net/netfilter/nf_conntrack_ecache.h): the
 * changes cached on an entry and delivered together as one NEW, UPDATE or DESTROY message.
 */
public final class CtEvent {
    private CtEvent() {}

    public static final int NEW = 1;
    public static final int RELATED = 1 << 1;
    public static final int DESTROY = 1 << 2;
    public static final int REPLY = 1 << 3;
    public static final int ASSURED = 1 << 4;
    public static final int PROTOINFO = 1 << 5;
    public static final int HELPER = 1 << 6;
    public static final int MARK = 1 << 7;
    public static final int SEQADJ = 1 << 8;
    public static final int SECMARK = 1 << 9;
    public static final int LABEL = 1 << 10;

    /** Who receives events; called synchronously while the entry can still be read. */
    public interface Listener {
        /**
         * @param ct     entry index, readable through the table during the call
         * @param events the cached IPCT bits (DESTROY for a deletion)
         * @param userspace true when a userspace request (conntrack -D/-F) caused it
         */
        void event(ConntrackTable table, int ct, int events, boolean userspace);
    }
}
