package org.skein.xmpp.stream;

/** The peer closed its stream ({@code </stream:stream>}). */
public enum StreamEnd {
    INSTANCE
}
