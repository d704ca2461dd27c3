/**
 * The rule model: what iptables (and later other front ends) compile into, and the evaluator the
 * netfilter hooks call.
 *
 * <h2>Model</h2>
 * A {@link dev.hairpin.rules.Ruleset} holds one immutable compiled {@link dev.hairpin.rules.Table}
 * per {@link dev.hairpin.rules.TableDef} (raw, mangle, filter, nat, security; null while a table
 * does not exist). A table has its built-in {@link dev.hairpin.rules.Chain}s (with policy and
 * policy counter) and user chains; a chain is a list of {@link dev.hairpin.rules.Rule}s: the IP
 * part ({@link dev.hairpin.rules.IptIp}, {@code struct ipt_ip}), {@link dev.hairpin.rules.Match}es
 * in order, and a verdict (ACCEPT, DROP, QUEUE, RETURN, jump, goto, an extension
 * {@link dev.hairpin.rules.Target}, or none) with its {@link dev.hairpin.rules.Counter}.
 * Changes are made on a {@link dev.hairpin.rules.TableEdit} working copy and swapped in whole
 * ({@link dev.hairpin.rules.Ruleset#update}); a table the kernel would refuse (loops, targets in
 * the wrong hook or table, a REJECT tcp-reset without -p tcp ...) throws
 * {@link dev.hairpin.rules.RuleCheckException} and nothing changes.
 *
 * <h2>Evaluation</h2>
 * At a hook, for each table that {@link dev.hairpin.rules.Table#hasHook has} it, in priority order
 * ({@link dev.hairpin.rules.TableDef#priority}): {@code int v = table.doTable(hook, skb, par)}.
 * The result is NF_ACCEPT, NF_DROP, NF_STOLEN, or NF_QUEUE with the queue number in its upper 16
 * bits (NFQUEUE). One {@link dev.hairpin.rules.XtParam} per thread is reused; it carries the
 * {@link dev.hairpin.rules.XtServices} through which targets reach conntrack, NAT, REJECT, LOG and
 * the clock, and an optional {@link dev.hairpin.rules.RuleTrace}. Evaluation allocates nothing.
 */
package dev.hairpin.rules;
