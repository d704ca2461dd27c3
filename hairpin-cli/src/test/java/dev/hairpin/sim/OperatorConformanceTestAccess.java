package dev.hairpin.sim;

/** The operator conformance test's normalisation, for tests in other packages. */
public final class OperatorConformanceTestAccess {
    private OperatorConformanceTestAccess() {}

    /** null when equal after normalisation with timers within {@code slack} seconds, else why */
    public static String differs(String kernel, String ours, int slack) {
        return OperatorConformanceTest.differs(kernel, ours, slack);
    }
}
