package org.skein.muc;

import java.io.Serializable;
import org.xmpp.packet.PacketError;

/**
 * Something the plugin API or the admin console asks a room to do, run on the room's actor on its home
 * (carried there by a cluster task when the home is another node, hence serializable).
 *
 * @param <T> the result
 */
interface RoomCall<T> extends Serializable {

    /** Runs on the room's thread. */
    T apply(Rooms rooms, Room room, RoomOutput out);

    /** Creates a configured room; fails if it exists. */
    record Create(RoomConfig config, String owner) implements RoomCall<RoomDetails> {
        @Override
        public RoomDetails apply(Rooms rooms, Room room, RoomOutput out) {
            if (room.exists()) {
                throw new IllegalStateException("the room " + room.jid + " exists already");
            }
            room.saveRecord(rooms.newRecord(room.jid, owner, false).withConfig(config));
            return rooms.details(room);
        }
    }

    /** Replaces the configuration, as an owner's form would. */
    record Configure(RoomConfig config) implements RoomCall<RoomDetails> {
        @Override
        public RoomDetails apply(Rooms rooms, Room room, RoomOutput out) {
            Rooms.requireRoom(room);
            room.administration.apply(config, null, null, null, null, out);
            return rooms.details(room);
        }
    }

    /** Sets one user's affiliation. */
    record SetAffiliation(String bareJid, Affiliation affiliation) implements RoomCall<RoomDetails> {
        @Override
        public RoomDetails apply(Rooms rooms, Room room, RoomOutput out) {
            Rooms.requireRoom(room);
            PacketError.Condition error = room.administration.setAffiliation(null, null, bareJid, affiliation, null, out);
            if (error != null) {
                throw new IllegalStateException("the affiliation of " + bareJid + " in " + room.jid + " cannot become "
                        + affiliation.xmlValue() + ": " + error.toXMPP());
            }
            return rooms.details(room);
        }
    }

    /** Sets the subject as the room itself. */
    record SetSubject(String subject) implements RoomCall<RoomDetails> {
        @Override
        public RoomDetails apply(Rooms rooms, Room room, RoomOutput out) {
            Rooms.requireRoom(room);
            RoomRecord.Subject value = subject == null || subject.isEmpty() ? null
                    : new RoomRecord.Subject(subject, "", rooms.clock().millis());
            room.saveRecord(room.record.withSubject(value));
            out.send(room.messages.subjectMessage(), room.everyone());
            return rooms.details(room);
        }
    }

    /** Destroys the room; answers whether it existed. */
    record Destroy(String reason, String alternate) implements RoomCall<Boolean> {
        @Override
        public Boolean apply(Rooms rooms, Room room, RoomOutput out) {
            if (!room.exists()) {
                return false;
            }
            room.administration.destroy(alternate, reason, null, out);
            return true;
        }
    }

    /** The room's details, or {@code null} if it does not exist. */
    record Details() implements RoomCall<RoomDetails> {
        @Override
        public RoomDetails apply(Rooms rooms, Room room, RoomOutput out) {
            return room.exists() ? rooms.details(room) : null;
        }
    }
}
