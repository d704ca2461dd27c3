/**
 * Synthetic traffic for the benchmarks ({@code hairpin-bench}'s JMH suite and {@code hairpin bench}):
 * a two-legged gateway (LAN eth0 10.0.0.1/8, WAN eth1 203.0.113.1/24, optional MASQUERADE and a
 * filter chain of N rules) and packet generators that write valid datagrams (checksums included)
 * into reused buffers, so the engine sees what a NIC ring would hand it and nothing is allocated
 * per packet. Not used by the engine itself.
 */
package dev.hairpin.workload;
