/**
 * The iptables 1.8.9 (nf_tables backend) language over a {@link dev.hairpin.rules.Ruleset}: each
 * tool is a function of the ruleset and its arguments to (stdout, stderr, exit status), as the
 * real one prints them.
 * <ul>
 * <li>{@link dev.hairpin.rules.iptables.Iptables#run}: the {@code iptables} command (-A -I -D -R
 * -N -X -F -Z -P -E -L -S -C with their options);</li>
 * <li>{@link dev.hairpin.rules.iptables.IptablesRestore#restore} (or
 * {@link dev.hairpin.rules.iptables.IptablesRestore#command} with a command line): all tables of
 * the input replaced at once, or nothing when any line is refused;</li>
 * <li>{@link dev.hairpin.rules.iptables.IptablesSave#save} (or
 * {@link dev.hairpin.rules.iptables.IptablesSave#command}), with an injectable date.</li>
 * </ul>
 */
package dev.hairpin.rules.iptables;
