package dev.hairpin.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The entries of an {@code ip -j ...} file: a JSON array of objects, each kept with the line it
 * starts on, so that a complaint about one names {@code FILE:LINE}. A file that is not JSON is
 * reported at the line and column where the parser stopped.
 */
record JsonEntries(Path file, List<Entry> entries) {
    /** one element of the array: its 1-based position, the line it starts on, its value */
    record Entry(int index, int line, JsonNode node) {}

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** {@code what} names the expected content, e.g. "`ip -j addr show` output" */
    static JsonEntries parse(Path file, String text, String what) {
        List<Entry> out = new ArrayList<>();
        try (JsonParser p = MAPPER.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_ARRAY) {
                throw new SnapshotException(file + ":" + line(p.currentTokenLocation()) + ": expected a JSON array ("
                        + what + "), got " + (t == null ? "an empty file" : describe(t)));
            }
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t == null) {
                    throw new SnapshotException(file + ": unexpected end of file inside the JSON array (" + what + ")");
                }
                int line = line(p.currentTokenLocation());
                out.add(new Entry(out.size() + 1, line, MAPPER.readTree(p)));
            }
            t = p.nextToken();
            if (t != null) {
                throw new SnapshotException(file + ":" + line(p.currentTokenLocation()) + ": unexpected "
                        + describe(t) + " after the JSON array (" + what + ")");
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new SnapshotException(file + (at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr())
                    + ": not valid JSON (expected " + what + "): "
                    + e.getOriginalMessage().replaceFirst("\\s*\\(start marker at .*$", ""), e);
        } catch (IOException e) {
            throw new SnapshotException(file + ": cannot read: " + e.getMessage(), e);
        }
        return new JsonEntries(file, out);
    }

    private static int line(JsonLocation l) {
        return l == null ? 1 : l.getLineNr();
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.toString();
        };
    }

    /** "FILE:LINE: WHAT N" for complaints about one entry */
    String at(Entry e, String kind) {
        return file + ":" + e.line() + ": " + kind + " " + e.index();
    }
}
