package org.skein.mam;

import java.io.Serializable;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.xmpp.packet.JID;

/**
 * An account's archiving preferences (XEP-0441): the default ({@code always}, {@code never} or
 * {@code roster}: only contacts in the roster) and the JIDs whose messages are always or never archived
 * (a bare JID stands for all its resources; {@code never} wins over {@code always}). Immutable.
 */
public record ArchivePrefs(Mode defaultMode, Set<String> always, Set<String> never) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** What an account without preferences gets: everything is archived. */
    public static final ArchivePrefs DEFAULT = new ArchivePrefs(Mode.ALWAYS, Set.of(), Set.of());
    /** The most JIDs the two lists hold together. */
    public static final int MAX_JIDS = 1000;

    /** The default of XEP-0441. */
    public enum Mode {
        ALWAYS, NEVER, ROSTER;

        public String attribute() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The mode of an attribute value, or {@code null} if it is none of the three. */
        public static Mode of(String value) {
            for (Mode mode : values()) {
                if (mode.attribute().equals(value)) {
                    return mode;
                }
            }
            return null;
        }
    }

    public ArchivePrefs {
        java.util.Objects.requireNonNull(defaultMode, "defaultMode");
        always = java.util.Collections.unmodifiableSet(new TreeSet<>(always));
        never = java.util.Collections.unmodifiableSet(new TreeSet<>(never));
    }

    /**
     * Whether a message with {@code other} goes into the archive.
     *
     * @param inRoster whether a bare JID is in the account's roster (asked only for the {@code roster} default)
     */
    public boolean archives(JID other, Predicate<String> inRoster) {
        String bare = other.toBareJID();
        String full = other.toString();
        if (never.contains(full) || never.contains(bare)) {
            return false;
        }
        if (always.contains(full) || always.contains(bare)) {
            return true;
        }
        return switch (defaultMode) {
            case ALWAYS -> true;
            case NEVER -> false;
            case ROSTER -> inRoster.test(bare);
        };
    }
}
