package com.example.untrusted;

import java.io.Serializable;

/**
 * A serializable class outside the deserialization allowlist (not Skein's, not the JDK's, not a
 * plugin's): what a hostile or careless member might send.
 */
public final class Payload implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String text;

    public Payload(String text) {
        this.text = text;
    }

    @Override
    public String toString() {
        return "Payload{" + text + "}";
    }
}
