package dev.hairpin.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hairpin.host.NetDevice;
import dev.hairpin.packet.Ipv4;
import org.junit.jupiter.api.Test;

/** The routing cache answers only for the exact (saddr, daddr, input device object, stamp) it was filled for. */
class FlowCacheTest {
    private static final int S = Ipv4.parse("10.0.0.2");
    private static final int D = Ipv4.parse("198.51.100.7");
    private static final int GW = Ipv4.parse("203.0.113.254");

    private static NetDevice dev(String name, int ifindex) {
        return new NetDevice(name, ifindex, NetDevice.ARPHRD_ETHER, new byte[6], 1500);
    }

    @Test
    void hitsOnlyForTheSameAddressesDeviceAndStamp() {
        FlowCache c = new FlowCache();
        NetDevice lan = dev("eth0", 2);
        NetDevice wan = dev("eth1", 3);
        int slot = FlowCache.slot(0, S, D, lan);
        assertThat(c.out(slot, S, D, lan, 7)).isNull(); // empty
        c.store(slot, S, D, lan, 7, wan, GW);
        assertThat(c.out(slot, S, D, lan, 7)).isSameAs(wan);
        assertThat(c.nexthop(slot)).isEqualTo(GW);
        assertThat(c.out(slot, S, D, lan, 8)).isNull(); // a route or sysctl changed since
        assertThat(c.out(slot, S, D + 1, lan, 7)).isNull();
        assertThat(c.out(slot, S + 1, D, lan, 7)).isNull();
        assertThat(c.out(slot, S, D, wan, 7)).isNull();
        // another device object with the same ifindex (deleted and re-created) is another device
        assertThat(c.out(slot, S, D, dev("eth0", 2), 7)).isNull();
        assertThat(c.hits).isEqualTo(1);
    }

    @Test
    void keepsEachSlotsOwnOutDeviceAndNexthop() {
        FlowCache c = new FlowCache();
        NetDevice lan = dev("eth0", 2);
        NetDevice[] outs = {dev("eth1", 3), dev("eth2", 4), dev("eth3", 5), dev("eth4", 6), dev("eth5", 7)};
        for (int i = 0; i < outs.length; i++) {
            c.store(i, S, D + i, lan, 1, outs[i], GW + i);
        }
        c.store(outs.length, S, D, null, 1, outs[0], 0); // a packet of no input device (locally generated)
        for (int i = 0; i < outs.length; i++) {
            assertThat(c.out(i, S, D + i, lan, 1)).isSameAs(outs[i]);
            assertThat(c.nexthop(i)).isEqualTo(GW + i);
        }
        assertThat(c.out(outs.length, S, D, null, 1)).isSameAs(outs[0]);
        assertThat(c.out(outs.length, S, D, lan, 1)).isNull();
    }
}
