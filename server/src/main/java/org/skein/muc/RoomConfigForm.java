package org.skein.muc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dom4j.Element;

/**
 * The {@code muc#roomconfig} form (XEP-0045 section 10.2): built from a room's configuration and
 * affiliations, and read back into a new configuration. Fields a submission leaves out keep their
 * value; a value that cannot be read is an error naming the field.
 */
final class RoomConfigForm {

    static final String ROOMNAME = "muc#roomconfig_roomname";
    static final String ROOMDESC = "muc#roomconfig_roomdesc";
    static final String PERSISTENT = "muc#roomconfig_persistentroom";
    static final String PUBLIC = "muc#roomconfig_publicroom";
    static final String MEMBERSONLY = "muc#roomconfig_membersonly";
    static final String MODERATED = "muc#roomconfig_moderatedroom";
    static final String PASSWORDPROTECTED = "muc#roomconfig_passwordprotectedroom";
    static final String SECRET = "muc#roomconfig_roomsecret";
    static final String MAXUSERS = "muc#roomconfig_maxusers";
    static final String WHOIS = "muc#roomconfig_whois";
    static final String CHANGESUBJECT = "muc#roomconfig_changesubject";
    static final String ALLOWINVITES = "muc#roomconfig_allowinvites";
    static final String ALLOWPM = "muc#roomconfig_allowpm";
    static final String LOGGING = "muc#roomconfig_enablelogging";
    static final String HISTORY = "muc#maxhistoryfetch";
    static final String OWNERS = "muc#roomconfig_roomowners";
    static final String ADMINS = "muc#roomconfig_roomadmins";

    private RoomConfigForm() {
    }

    static Element build(RoomRecord record) {
        RoomConfig c = record.config();
        DataForms.Builder form = DataForms.form(MucXml.ROOMCONFIG, "Configuration of " + record.room());
        form.text(ROOMNAME, "Name of the room", c.name());
        form.text(ROOMDESC, "Description", c.description());
        form.bool(PERSISTENT, "Keep the room when the last occupant leaves", c.persistent());
        form.bool(PUBLIC, "List the room in the directory", c.publicRoom());
        form.bool(MEMBERSONLY, "Only members may enter", c.membersOnly());
        form.bool(MODERATED, "Only participants may speak (visitors listen)", c.moderated());
        form.bool(PASSWORDPROTECTED, "Entering needs a password", c.passwordProtected());
        form.secret(SECRET, "Password", c.password());
        form.text(MAXUSERS, "Most occupants at once (0 for no limit)", Integer.toString(c.maxUsers()));
        Map<String, String> whois = new LinkedHashMap<>();
        whois.put("moderators", "Moderators only");
        whois.put("anyone", "Anyone");
        form.list(WHOIS, "Who may see the real addresses of occupants", c.whois().xmlValue(), whois);
        form.bool(CHANGESUBJECT, "Participants may change the subject", c.changeSubject());
        form.bool(ALLOWINVITES, "Participants may invite others", c.allowInvites());
        Map<String, String> pm = new LinkedHashMap<>();
        pm.put("anyone", "Anyone");
        pm.put("participants", "Participants");
        pm.put("moderators", "Moderators");
        pm.put("none", "Nobody");
        form.list(ALLOWPM, "Who may send private messages", c.allowPm().xmlValue(), pm);
        form.bool(LOGGING, "Log the discussion publicly", c.logging());
        form.text(HISTORY, "Messages of history for newcomers (at most " + RoomConfig.MAX_HISTORY + ")",
                Integer.toString(c.historyLength()));
        form.jids(OWNERS, "Owners", affiliated(record, Affiliation.OWNER));
        form.jids(ADMINS, "Admins", affiliated(record, Affiliation.ADMIN));
        return form.element();
    }

    static List<String> affiliated(RoomRecord record, Affiliation affiliation) {
        return record.affiliations().entrySet().stream().filter(e -> e.getValue() == affiliation).map(Map.Entry::getKey).toList();
    }

    /**
     * Reads a submitted form over the current configuration.
     *
     * @throws IllegalArgumentException naming the field whose value cannot be read
     */
    static RoomConfig apply(RoomConfig current, Map<String, List<String>> values) {
        RoomConfig.Builder b = current.toBuilder();
        try {
            text(values, ROOMNAME).ifPresent(b::name);
            text(values, ROOMDESC).ifPresent(b::description);
            bool(values, PERSISTENT).ifPresent(b::persistent);
            bool(values, PUBLIC).ifPresent(b::publicRoom);
            bool(values, MEMBERSONLY).ifPresent(b::membersOnly);
            bool(values, MODERATED).ifPresent(b::moderated);
            java.util.Optional<Boolean> protectedRoom = bool(values, PASSWORDPROTECTED);
            java.util.Optional<String> secret = text(values, SECRET);
            if (protectedRoom.isPresent() && !protectedRoom.get()) {
                b.password("");
            } else if (secret.isPresent()) {
                b.password(secret.get());
            }
            text(values, MAXUSERS).ifPresent(v -> b.maxUsers(v.isBlank() || "none".equals(v) ? 0 : number(MAXUSERS, v)));
            text(values, WHOIS).ifPresent(v -> b.whois(RoomConfig.Whois.fromXml(v)));
            bool(values, CHANGESUBJECT).ifPresent(b::changeSubject);
            bool(values, ALLOWINVITES).ifPresent(b::allowInvites);
            text(values, ALLOWPM).ifPresent(v -> b.allowPm(RoomConfig.AllowPm.fromXml(v)));
            bool(values, LOGGING).ifPresent(b::logging);
            text(values, HISTORY).ifPresent(v -> b.historyLength(Math.min(RoomConfig.MAX_HISTORY, number(HISTORY, v))));
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static java.util.Optional<String> text(Map<String, List<String>> values, String var) {
        List<String> v = values.get(var);
        if (v == null) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(v.isEmpty() ? "" : v.get(0).trim());
    }

    private static java.util.Optional<Boolean> bool(Map<String, List<String>> values, String var) {
        return text(values, var).map(v -> {
            try {
                return DataForms.bool(v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("field " + var + ": " + e.getMessage());
            }
        });
    }

    private static int number(String var, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field " + var + ": not a number of 0 or more: '" + value + "'");
        }
    }
}
