package dev.hairpin.gateway;

import sun.misc.Signal;

/** SIGTERM and SIGINT stop the packet loop, so the gateway closes its sockets and exits 0. */
final class Signals {
    private Signals() {}

    @SuppressWarnings("removal")
    static void onTerminate(Runnable stop) {
        Signal.handle(new Signal("TERM"), s -> stop.run());
        Signal.handle(new Signal("INT"), s -> stop.run());
    }
}
