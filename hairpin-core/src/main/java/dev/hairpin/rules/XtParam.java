package dev.hairpin.rules;

import dev.hairpin.host.NetDevice;

/**
 * {@code struct xt_action_param}: the context a match or target runs in. Reused, never
 * allocated per packet. {@code hotdrop} lets a match drop the packet outright, as the kernel's
 * does for malformed headers.
 */
public final class XtParam {
    public XtServices services;
    public int hook;
    public NetDevice in;
    public NetDevice out;
    /** fragment offset != 0: transport header matches do not match */
    public boolean fragment;
    public boolean hotdrop;
    /** the processor handling the packet ({@code smp_processor_id()} for -m cpu); 0 by default */
    public int cpu;

    /** optional listener for traversals (null: none; the evaluator then pays one null check) */
    public RuleTrace trace;

    /** the jump stack {@link Table#doTable} uses, grown to a table's depth once and reused */
    int[] jumpStack = new int[16];
}
