package dev.hairpin.lab;

import java.util.ArrayList;
import java.util.List;

/** A script line split into words as sh does for simple commands: blanks, '...' and "..." quoting, backslash. */
public final class Words {
    private Words() {}

    /** {@code where} names the line in the error for an unterminated quote */
    public static List<String> split(String line, String where) {
        List<String> out = new ArrayList<>();
        StringBuilder w = null;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < line.length()) {
                    w.append(line.charAt(++i));
                } else {
                    w.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                w = w == null ? new StringBuilder() : w;
            } else if (c == '\\' && i + 1 < line.length()) {
                w = w == null ? new StringBuilder() : w;
                w.append(line.charAt(++i));
            } else if (Character.isWhitespace(c)) {
                if (w != null) {
                    out.add(w.toString());
                    w = null;
                }
            } else {
                w = w == null ? new StringBuilder() : w;
                w.append(c);
            }
        }
        if (quote != 0) {
            throw new LabException(where + ": unterminated " + quote + " quote");
        }
        if (w != null) {
            out.add(w.toString());
        }
        return out;
    }
}
