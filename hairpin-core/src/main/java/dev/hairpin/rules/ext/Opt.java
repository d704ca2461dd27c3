package dev.hairpin.rules.ext;

/**
 * One long option of an extension ({@code struct xt_option_entry} / {@code struct option}):
 * name, id (its bit in the extension's collected flags), whether it takes an argument, and the
 * constraints libxtables checks generically.
 *
 * @param excl ids (as a bit mask) it cannot be combined with
 * @param also ids (as a bit mask) it requires
 */
public record Opt(String name, int id, boolean hasArg, int flags, int excl, int also) {
    /** XTOPT_INVERT: may be preceded by ! */
    public static final int INVERT = 1;
    /** XTOPT_MAND: must be given */
    public static final int MAND = 2;
    /** XTOPT_MULTI: may be given more than once */
    public static final int MULTI = 4;

    public static Opt arg(String name, int id) {
        return new Opt(name, id, true, 0, 0, 0);
    }

    public static Opt arg(String name, int id, int flags) {
        return new Opt(name, id, true, flags, 0, 0);
    }

    public static Opt flag(String name, int id) {
        return new Opt(name, id, false, 0, 0, 0);
    }

    public static Opt flag(String name, int id, int flags) {
        return new Opt(name, id, false, flags, 0, 0);
    }

    public Opt excl(int mask) {
        return new Opt(name, id, hasArg, flags, mask, also);
    }

    public Opt also(int mask) {
        return new Opt(name, id, hasArg, flags, excl, mask);
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }
}
