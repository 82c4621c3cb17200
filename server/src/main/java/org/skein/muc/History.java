package org.skein.muc;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import org.dom4j.Element;

/**
 * The last messages of a room, replayed to a new occupant (XEP-0045 section 7.2.15): a ring of at most
 * the room's history length. Each entry is the message as the room broadcast it (without {@code to}),
 * with its sequence number, time, and the sender's full JID and stanza id (to recognise a message that is
 * sent again after its home crashed). Not thread-safe: a room's thread owns it.
 */
final class History {

    /** One message of the history. */
    record Entry(long seq, long stamp, String xml, String senderJid, String senderId, int chars) implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
    }

    private final Deque<Entry> entries = new ArrayDeque<>();
    private int capacity;

    History(int capacity) {
        this.capacity = capacity;
    }

    void setCapacity(int newCapacity) {
        capacity = newCapacity;
        trim();
    }

    void add(Entry entry) {
        entries.addLast(entry);
        trim();
    }

    private void trim() {
        while (entries.size() > capacity) {
            entries.removeFirst();
        }
    }

    /** Replaces the content (the history a new home takes over from a replica). */
    void replace(List<Entry> newEntries) {
        entries.clear();
        entries.addAll(newEntries);
        trim();
    }

    void clear() {
        entries.clear();
    }

    List<Entry> all() {
        return new ArrayList<>(entries);
    }

    long lastSeq() {
        return entries.isEmpty() ? 0 : entries.getLast().seq();
    }

    /** Whether a message from this session with this id is in the history (a resend). */
    boolean contains(String senderJid, String senderId) {
        if (senderId == null) {
            return false;
        }
        for (Iterator<Entry> it = entries.descendingIterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (senderId.equals(e.senderId()) && senderJid.equals(e.senderJid())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The entries a joining occupant asked for with {@code <history/>} (or all of them for no element):
     * the newest ones within {@code maxstanzas}, {@code maxchars}, {@code seconds} and after {@code since},
     * oldest first. Unreadable limits are ignored.
     */
    List<Entry> select(Element request, long now) {
        int maxStanzas = Integer.MAX_VALUE;
        long maxChars = Long.MAX_VALUE;
        long notBefore = Long.MIN_VALUE;
        if (request != null) {
            maxStanzas = intAttribute(request, "maxstanzas", maxStanzas);
            maxChars = intAttribute(request, "maxchars", Integer.MAX_VALUE);
            int seconds = intAttribute(request, "seconds", -1);
            if (seconds >= 0) {
                notBefore = now - seconds * 1000L;
            }
            String since = request.attributeValue("since");
            if (since != null) {
                try {
                    notBefore = Math.max(notBefore, Instant.parse(since.trim()).toEpochMilli());
                } catch (DateTimeParseException e) {
                    // an unreadable date limits nothing
                }
            }
        }
        List<Entry> chosen = new ArrayList<>();
        long chars = 0;
        for (Iterator<Entry> it = entries.descendingIterator(); it.hasNext() && chosen.size() < maxStanzas; ) {
            Entry e = it.next();
            if (e.stamp() < notBefore) {
                break;
            }
            chars += e.chars();
            if (chars > maxChars) {
                break;
            }
            chosen.add(0, e);
        }
        return chosen;
    }

    private static int intAttribute(Element element, String name, int defaultValue) {
        String value = element.attributeValue(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Math.max(0, Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            return defaultValue;
        }
    }
}
