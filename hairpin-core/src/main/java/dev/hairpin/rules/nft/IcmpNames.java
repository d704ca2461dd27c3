package dev.hairpin.rules.nft;

import java.util.Map;

/** nft's ICMP type and code names (src/proto.c, icmp_type_tbl / icmp_code_tbl) as iptables' numbers and REJECT names. */
final class IcmpNames {
    private IcmpNames() {}

    private static final Map<String, Integer> TYPES = Map.ofEntries(
            Map.entry("echo-reply", 0), Map.entry("destination-unreachable", 3), Map.entry("source-quench", 4),
            Map.entry("redirect", 5), Map.entry("echo-request", 8), Map.entry("router-advertisement", 9),
            Map.entry("router-solicitation", 10), Map.entry("time-exceeded", 11), Map.entry("parameter-problem", 12),
            Map.entry("timestamp-request", 13), Map.entry("timestamp-reply", 14), Map.entry("info-request", 15),
            Map.entry("info-reply", 16), Map.entry("address-mask-request", 17), Map.entry("address-mask-reply", 18));

    private static final Map<String, Integer> CODES = Map.of(
            "net-unreachable", 0, "host-unreachable", 1, "prot-unreachable", 2, "port-unreachable", 3,
            "frag-needed", 4, "net-prohibited", 9, "host-prohibited", 10, "admin-prohibited", 13);

    /** `icmp type T` as --icmp-type's number */
    static String type(String name, String where) {
        Integer n = TYPES.get(name);
        if (n != null) {
            return Integer.toString(n);
        }
        if (name.matches("\\d{1,3}") && Integer.parseInt(name) < 256) {
            return name;
        }
        throw NftRule.bad(where, "icmp type " + name);
    }

    /** `icmp type T icmp code C` as --icmp-type's T/C */
    static String typeCode(String type, String code, String where) {
        Integer c = CODES.get(code);
        if (c == null && !(code.matches("\\d{1,3}") && Integer.parseInt(code) < 256)) {
            throw NftRule.bad(where, "icmp code " + code);
        }
        return type(type, where) + "/" + (c != null ? c : Integer.parseInt(code));
    }

    /** `reject with icmp X` / `icmpx X` / `tcp reset` as REJECT's --reject-with (IPv4) */
    static String rejectWith(String kind, String name, String where) {
        switch (kind) {
            case "tcp" -> {
                if (name.equals("reset")) {
                    return "tcp-reset";
                }
            }
            case "icmp" -> {
                switch (name) {
                    case "net-unreachable", "host-unreachable", "port-unreachable", "net-prohibited", "host-prohibited",
                            "admin-prohibited" -> {
                        return "icmp-" + name;
                    }
                    case "prot-unreachable" -> {
                        return "icmp-proto-unreachable";
                    }
                    default -> { }
                }
            }
            case "icmpx" -> {
                switch (name) {
                    case "port-unreachable", "admin-prohibited", "host-unreachable" -> {
                        return "icmp-" + name;
                    }
                    case "no-route" -> {
                        return "icmp-net-unreachable";
                    }
                    default -> { }
                }
            }
            default -> { }
        }
        throw NftRule.bad(where, "reject with " + kind + " " + name);
    }
}
