package org.skein.mam;

import java.time.Instant;
import java.util.Objects;

/**
 * One message in one account's archive: its archive id (a stanza id of this server), when it was
 * archived, the other party ({@code with}: a bare JID and the resource, if any), whether the account
 * sent it, and the stanza as the server accepted it (without the server's stanza ids).
 */
public record ArchivedMessage(String owner, String id, Instant stamp, String withBare, String withResource,
                              boolean outgoing, String stanza) {

    public ArchivedMessage {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(stamp, "stamp");
        Objects.requireNonNull(withBare, "withBare");
        Objects.requireNonNull(stanza, "stanza");
    }
}
