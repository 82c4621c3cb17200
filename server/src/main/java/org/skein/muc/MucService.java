package org.skein.muc;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One group chat service ({@code conference.example.org}) as plugins and the admin console use it:
 * create, configure and destroy rooms, set affiliations, look at rooms. Obtain it from
 * {@link MultiUserChat#service(String)} (through {@code ServerContext.multiUserChat()}).
 *
 * <h2>Where it runs</h2>
 * Every room runs on one node of the cluster, its home; a call made on another node is carried to the
 * home and runs there in the room's order with its stanzas. So the methods that change or read a room
 * return a future, completed when the room has done it (or with the error); they never block the
 * caller. Occupants see every change as if a room owner had made it (presence updates, status codes).
 *
 * <h2>Names</h2>
 * A room name is the node part of the room's JID ({@code lobby} for {@code lobby@conference.example.org});
 * it is normalised as XMPP normalises node parts. A name that cannot be one completes the future with
 * an {@link IllegalArgumentException}.
 *
 * <p>Thread-safe.
 */
public interface MucService {

    /** The service's domain, such as {@code conference.example.org}. */
    String domain();

    /**
     * Creates a room, configured and unlocked, with {@code ownerBareJid} as its owner.
     *
     * @return the room's details; fails with {@link IllegalStateException} if the room exists
     */
    CompletableFuture<RoomDetails> createRoom(String name, RoomConfig config, String ownerBareJid);

    /** Replaces a room's configuration; fails with {@link java.util.NoSuchElementException} if there is no such room. */
    CompletableFuture<RoomDetails> configureRoom(String name, RoomConfig config);

    /**
     * Sets a user's affiliation ({@link Affiliation#NONE} removes it); occupants of that user are updated,
     * or removed when banned. Fails with {@link IllegalStateException} when the change would leave the room
     * without an owner.
     */
    CompletableFuture<RoomDetails> setAffiliation(String name, String bareJid, Affiliation affiliation);

    /** Sets a room's subject, as the room itself (occupants get it from the room's JID); an empty text clears it. */
    CompletableFuture<RoomDetails> setSubject(String name, String subject);

    /**
     * Destroys a room: occupants are told (with the alternate venue, if any) and it is forgotten, also in
     * the database.
     *
     * @param alternateRoom a room JID to suggest to the occupants, or {@code null}
     * @return whether the room existed
     */
    CompletableFuture<Boolean> destroyRoom(String name, String reason, String alternateRoom);

    /** A room's details, empty if there is no such room. */
    CompletableFuture<Optional<RoomDetails>> room(String name);

    /** Every room of the service in the cluster (running ones and persistent ones at rest), sorted by JID. */
    List<RoomSummary> rooms();
}
