package dev.hairpin.gateway;

import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * The engine's kernel-log lines (conntrack "table full, dropping packet", LOG target) at most
 * once per interval, as net_ratelimit() limits printk: the first line of an interval is logged,
 * the rest are counted and reported as "N callbacks suppressed" with the next logged line.
 */
final class RateLimitedLog {
    private final Logger log;
    private final long intervalNs;
    private final LongSupplier clock;
    private long windowStart = Long.MIN_VALUE / 2;
    long suppressed;

    RateLimitedLog(Logger log, long intervalNs) {
        this(log, intervalNs, System::nanoTime);
    }

    RateLimitedLog(Logger log, long intervalNs, LongSupplier clock) {
        this.log = log;
        this.intervalNs = intervalNs;
        this.clock = clock;
    }

    void warn(String line) {
        long now = clock.getAsLong();
        if (now - windowStart < intervalNs) {
            suppressed++;
            return;
        }
        windowStart = now;
        if (suppressed > 0) {
            log.warn("kernel: net_ratelimit: {} callbacks suppressed", suppressed);
            suppressed = 0;
        }
        log.warn("kernel: {}", line);
    }
}
