package dev.hairpin.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The self-contained HTML trace report: one file with inline CSS, JavaScript and SVG, the trace
 * data embedded as JSON; nothing is fetched from a network. The page draws the netfilter flow
 * with the selected packet's path, its rules, header rewrites and conntrack entry, and for a
 * run of many packets the flows' timeline and the table occupancy.
 */
public final class HtmlReport {
    private HtmlReport() {}

    /** {@code data} as {@link TraceJson#of} makes it; {@code selected} the packet shown first */
    public static String render(String title, String subtitle, ObjectNode data, int selected) {
        ObjectNode d = data.deepCopy();
        d.put("subtitle", subtitle);
        d.put("selected", selected);
        String json;
        try {
            json = TraceJson.MAPPER.writeValueAsString(d);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        // keep the JSON inside its <script> element whatever the strings hold
        json = json.replace("</", "<\\/").replace("<!--", "\\u003c!--");
        return template().replace("@TITLE@", escape(title)).replace("@DATA@", json);
    }

    public static void write(Path file, String title, String subtitle, ObjectNode data, int selected) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, render(title, subtitle, data, selected));
    }

    private static String template() {
        try (InputStream in = HtmlReport.class.getResourceAsStream("template.html")) {
            if (in == null) {
                throw new IllegalStateException("report template missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
