package dev.hairpin.gateway;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The control socket's framing. Request: argc (int), each argument (UTF), stdin length (int)
 * and bytes. Answer: frames of a type byte and a payload: {@link #STDOUT} or {@link #STDERR}
 * with a length-prefixed UTF-8 text, then {@link #EXIT} with the exit status (int). A streaming
 * command ({@code conntrack -E}) sends STDOUT frames until either side closes.
 */
final class ControlProtocol {
    private ControlProtocol() {}

    static final int STDOUT = 1;
    static final int STDERR = 2;
    static final int EXIT = 3;
    static final int MAX_ARGS = 4096;
    static final int MAX_STDIN = 64 << 20;

    record Request(List<String> argv, String stdin) {}

    static void writeRequest(DataOutputStream out, List<String> argv, byte[] stdin) throws IOException {
        out.writeInt(argv.size());
        for (String a : argv) {
            out.writeUTF(a);
        }
        out.writeInt(stdin.length);
        out.write(stdin);
        out.flush();
    }

    static Request readRequest(DataInputStream in) throws IOException {
        int argc = in.readInt();
        if (argc < 1 || argc > MAX_ARGS) {
            throw new IOException("bad request: " + argc + " arguments");
        }
        List<String> argv = new ArrayList<>(argc);
        for (int i = 0; i < argc; i++) {
            argv.add(in.readUTF());
        }
        int n = in.readInt();
        if (n < 0 || n > MAX_STDIN) {
            throw new IOException("bad request: stdin of " + n + " bytes");
        }
        byte[] stdin = in.readNBytes(n);
        if (stdin.length != n) {
            throw new IOException("bad request: stdin cut short");
        }
        return new Request(argv, new String(stdin, StandardCharsets.UTF_8));
    }

    static void text(DataOutputStream out, int type, String s) throws IOException {
        if (s.isEmpty()) {
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeByte(type);
        out.writeInt(b.length);
        out.write(b);
    }

    static void exit(DataOutputStream out, int code) throws IOException {
        out.writeByte(EXIT);
        out.writeInt(code);
        out.flush();
    }
}
