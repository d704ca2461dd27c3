package dev.hairpin.rules.matches;

/** The users and groups of a Debian base system's /etc/passwd and /etc/group, for names in owner. */
final class Accounts {
    private Accounts() {}

    private static final String[] USERS = {"root", "daemon", "bin", "sys", "sync", "games", "man", "lp", "mail", "news",
        "uucp", null, null, "proxy"};
    private static final String[] GROUPS = {"root", "daemon", "bin", "sys", "adm", "tty", "disk", "lp", "mail", "news",
        "uucp", null, "man", "proxy"};

    static long userId(String name) {
        return id(USERS, name, true);
    }

    static long groupId(String name) {
        return id(GROUPS, name, false);
    }

    private static long id(String[] table, String name, boolean user) {
        for (int i = 0; i < table.length; i++) {
            if (name.equals(table[i])) {
                return i;
            }
        }
        return switch (name) {
            case "www-data" -> 33;
            case "backup" -> 34;
            case "list" -> 38;
            case "irc" -> 39;
            case "_apt" -> user ? 42 : -1;
            case "nogroup" -> user ? -1 : 65534;
            case "nobody" -> user ? 65534 : -1;
            default -> -1;
        };
    }

    static String userName(long id) {
        return name(USERS, id, true);
    }

    static String groupName(long id) {
        return name(GROUPS, id, false);
    }

    private static String name(String[] table, long id, boolean user) {
        if (id >= 0 && id < table.length) {
            return table[(int) id];
        }
        return switch ((int) id) {
            case 33 -> "www-data";
            case 34 -> "backup";
            case 38 -> "list";
            case 39 -> "irc";
            case 42 -> user ? "_apt" : null;
            case 65534 -> user ? "nobody" : "nogroup";
            default -> null;
        };
    }
}
