package dev.queryrelay.protocol;

/** Facts of the wire contract that are not a message. */
public final class Protocol {

    /** The version of docs/protocol.md (and of the JSON Schemas in docs/schemas) this code speaks. */
    public static final int SCHEMA_VERSION = 1;

    private Protocol() {
    }
}
