package dev.hairpin.gateway;

/** A configuration or start-up fault the gateway reports and exits on (non-zero status). */
public final class GatewayException extends RuntimeException {
    public GatewayException(String message) {
        super(message);
    }

    public GatewayException(String message, Throwable cause) {
        super(message, cause);
    }
}
