/**
 * Capture files: classic pcap and pcapng readers ({@link dev.hairpin.pcap.CaptureReader#open})
 * that fill a reusable {@link dev.hairpin.pcap.CaptureRecord} with the packet and its decoded
 * link header (Ethernet, Linux cooked v1/v2, NFLOG, raw IP), and writers
 * ({@link dev.hairpin.pcap.PcapWriter}, {@link dev.hairpin.pcap.PcapngWriter}). A malformed
 * file raises {@link dev.hairpin.pcap.CaptureFormatException} and nothing else. No dependencies.
 */
package dev.hairpin.pcap;
