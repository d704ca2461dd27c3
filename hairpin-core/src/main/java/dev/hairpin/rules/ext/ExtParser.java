package dev.hairpin.rules.ext;

/**
 * Parses one extension's options into a match or target: the libxtables side of an extension.
 * The framework calls {@link #parseOption} per option (in command-line order), then
 * {@link #finish}. Extensions using libxtables' "x6" option API get its generic checks (used
 * twice, inverted, missing argument, mandatory, exclusions) with its exact messages; extensions
 * on the old API ({@link #x6()} false) do their own.
 *
 * @param <T> Match or Target
 */
public abstract class ExtParser<T> {
    /** the name in messages (cb->ext_name) */
    protected final String extName;
    /** bit (1 &lt;&lt; id) of every option seen (mflags/tflags) */
    protected int xflags;

    protected ExtParser(String extName) {
        this.extName = extName;
    }

    public String extName() {
        return extName;
    }

    /** the long options this extension adds to the command line */
    public abstract Opt[] options();

    /** true for x6 extensions: libxtables checks once/invert/argument itself */
    protected boolean x6() {
        return true;
    }

    /** whether option {@code id} was given */
    protected final boolean seen(int id) {
        return (xflags & (1 << id)) != 0;
    }

    public final void parseOption(Opt o, String arg, boolean invert, ParseContext ctx) {
        if (x6()) {
            int bit = 1 << o.id();
            if ((!o.has(Opt.MULTI) || (o.excl() & bit) != 0) && (xflags & bit) != 0) {
                throw XtError.param(extName + ": option \"--" + o.name() + "\" can only be used once.\n");
            }
            if (invert && !o.has(Opt.INVERT)) {
                throw XtError.param(extName + ": option \"--" + o.name() + "\" cannot be inverted.\n");
            }
            if (o.hasArg() && arg == null) {
                throw XtError.param(extName + ": option \"--" + o.name() + "\" requires an argument.\n");
            }
        }
        parse(o, arg, invert, ctx);
        xflags |= 1 << o.id();
    }

    /** one option; {@code arg} is null for flag options */
    protected abstract void parse(Opt o, String arg, boolean invert, ParseContext ctx);

    /** x6_fcheck / final_check: cross-option checks after all options */
    protected void finalCheck(ParseContext ctx) {}

    public final T finish(ParseContext ctx) {
        finalCheck(ctx);
        if (x6()) {
            for (Opt e : options()) {
                int ef = 1 << e.id();
                if (e.has(Opt.MAND) && (xflags & ef) == 0) {
                    throw XtError.param(extName + ": option \"--" + e.name() + "\" must be specified\n");
                }
                if ((xflags & ef) == 0) {
                    continue;
                }
                for (int i = 0; i < 32; i++) {
                    Opt other = byId(i);
                    if (other == null || other.id() == e.id()) {
                        continue;
                    }
                    int of = 1 << other.id();
                    if ((e.also() & of) != 0 && (xflags & of) == 0) {
                        throw XtError.param(extName + ": option \"--" + e.name() + "\" also requires \"--"
                                + other.name() + "\".\n");
                    }
                    if ((e.excl() & of) != 0 && (xflags & (ef | of)) == (ef | of)) {
                        throw XtError.param(extName + ": option \"--" + e.name()
                                + "\" cannot be used together with \"--" + other.name() + "\".\n");
                    }
                }
            }
        }
        return build(ctx);
    }

    private Opt byId(int id) {
        for (Opt o : options()) {
            if (o.id() == id) {
                return o;
            }
        }
        return null;
    }

    /** the finished extension object */
    protected abstract T build(ParseContext ctx);
}
