package dev.hairpin.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class RateLimitedLogTest {
    @Test
    void oneLinePerIntervalAndTheSuppressedCountWithTheNext() {
        List<String> lines = new ArrayList<>();
        Logger logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class}, (p, m, a) -> {
            if (m.getName().equals("warn") && a != null && a.length == 2) {
                lines.add(((String) a[0]).replace("{}", String.valueOf(a[1])));
            }
            return m.getReturnType() == boolean.class ? false : null;
        });
        long[] now = {0};
        RateLimitedLog r = new RateLimitedLog(logger, 1000, () -> now[0]);
        r.warn("nf_conntrack: table full, dropping packet");
        for (int i = 0; i < 5; i++) {
            now[0] += 100;
            r.warn("nf_conntrack: table full, dropping packet");
        }
        now[0] = 1000;
        r.warn("nf_conntrack: table full, dropping packet");
        assertThat(lines).containsExactly("kernel: nf_conntrack: table full, dropping packet",
                "kernel: net_ratelimit: 5 callbacks suppressed", "kernel: nf_conntrack: table full, dropping packet");
    }
}
