/**
 * Packet tracing: {@link dev.hairpin.trace.Tracer} records, for every packet the stack handles,
 * the hooks and tables it went through, every rule evaluated (with the failing part), jumps,
 * policies, the conntrack lookup, NAT bindings and rewrites, routing decisions and its
 * {@link dev.hairpin.trace.Fate}. Off by default: the stack then pays one null check per call
 * site. {@link dev.hairpin.trace.TraceText} prints a trace like {@code nft monitor trace}.
 */
package dev.hairpin.trace;
