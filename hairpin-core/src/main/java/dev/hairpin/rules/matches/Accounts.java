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
            case "kmem" -> user ? -1 : 15;
            case "dialout" -> user ? -1 : 20;
            case "fax" -> user ? -1 : 21;
            case "voice" -> user ? -1 : 22;
            case "cdrom" -> user ? -1 : 24;
            case "floppy" -> user ? -1 : 25;
            case "tape" -> user ? -1 : 26;
            case "sudo" -> user ? -1 : 27;
            case "audio" -> user ? -1 : 29;
            case "dip" -> user ? -1 : 30;
            case "operator" -> user ? -1 : 37;
            case "src" -> user ? -1 : 40;
            case "shadow" -> user ? -1 : 42;
            case "utmp" -> user ? -1 : 43;
            case "video" -> user ? -1 : 44;
            case "sasl" -> user ? -1 : 45;
            case "plugdev" -> user ? -1 : 46;
            case "staff" -> user ? -1 : 50;
            case "games" -> user ? -1 : 60;
            case "users" -> user ? -1 : 100;
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
            case 42 -> user ? "_apt" : "shadow";
            case 15 -> user ? null : "kmem";
            case 20 -> user ? null : "dialout";
            case 21 -> user ? null : "fax";
            case 22 -> user ? null : "voice";
            case 24 -> user ? null : "cdrom";
            case 25 -> user ? null : "floppy";
            case 26 -> user ? null : "tape";
            case 27 -> user ? null : "sudo";
            case 29 -> user ? null : "audio";
            case 30 -> user ? null : "dip";
            case 37 -> user ? null : "operator";
            case 40 -> user ? null : "src";
            case 43 -> user ? null : "utmp";
            case 44 -> user ? null : "video";
            case 45 -> user ? null : "sasl";
            case 46 -> user ? null : "plugdev";
            case 50 -> user ? null : "staff";
            case 60 -> user ? null : "games";
            case 100 -> user ? null : "users";
            case 65534 -> user ? "nobody" : "nogroup";
            default -> null;
        };
    }
}
