package org.skein.mam;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.dom4j.Element;
import org.skein.stanzaid.StanzaIdGenerator;
import org.xmpp.packet.JID;

/**
 * A query of XEP-0313 as a client wrote it: the form's fields ({@code with}, {@code start}, {@code end}
 * and the extended {@code before-id}, {@code after-id}, {@code ids}), the result set management of
 * XEP-0059 ({@code max}, {@code after}, {@code before}) and {@code flip-page}. {@link #parse} refuses what
 * it cannot answer with a {@link BadQuery} naming the field.
 */
record MamQuery(String queryId, JID with, Instant start, Instant end, String beforeId, String afterId, List<String> ids,
                int max, String after, String before, boolean flip) {

    static final String DATA = "jabber:x:data";
    static final String RSM = "http://jabber.org/protocol/rsm";
    static final int DEFAULT_MAX = 50;
    static final int LARGEST_MAX = 250;

    /** A query the server cannot answer: {@code notFound} for ids that are not in the archive, else bad-request. */
    static final class BadQuery extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean featureNotImplemented;

        BadQuery(String message) {
            this(message, false);
        }

        BadQuery(String message, boolean featureNotImplemented) {
            super(message);
            this.featureNotImplemented = featureNotImplemented;
        }
    }

    static MamQuery parse(Element query) throws BadQuery {
        String queryId = query.attributeValue("queryid");
        if (queryId != null && queryId.length() > 256) {
            throw new BadQuery("the queryid is longer than 256 characters");
        }
        JID with = null;
        Instant start = null;
        Instant end = null;
        String beforeId = null;
        String afterId = null;
        List<String> ids = new ArrayList<>();
        Element form = query.element(org.dom4j.QName.get("x", DATA));
        if (form != null) {
            String type = form.attributeValue("type");
            if (type != null && !type.equals("submit")) {
                throw new BadQuery("the form's type must be 'submit', not '" + type + "'");
            }
            for (Element field : form.elements(org.dom4j.QName.get("field", DATA))) {
                String var = field.attributeValue("var");
                List<String> values = new ArrayList<>();
                for (Element value : field.elements(org.dom4j.QName.get("value", DATA))) {
                    values.add(value.getTextTrim());
                }
                if (var == null) {
                    throw new BadQuery("a form field has no 'var'");
                }
                if (!var.equals("ids") && values.size() > 1) {
                    throw new BadQuery("field '" + var + "' has more than one value");
                }
                String value = values.isEmpty() ? null : values.get(0);
                if (value == null || value.isEmpty()) {
                    if (var.equals("FORM_TYPE")) {
                        throw new BadQuery("FORM_TYPE has no value");
                    }
                    continue; // an empty field filters nothing
                }
                switch (var) {
                    case "FORM_TYPE" -> {
                        if (!value.equals(MessageArchive.NAMESPACE)) {
                            throw new BadQuery("FORM_TYPE is '" + value + "', expected " + MessageArchive.NAMESPACE);
                        }
                    }
                    case "with" -> with = jid(value);
                    case "start" -> start = date("start", value);
                    case "end" -> end = date("end", value);
                    case "before-id" -> beforeId = value;
                    case "after-id" -> afterId = value;
                    case "ids" -> {
                        for (String id : values) {
                            if (!id.isEmpty()) {
                                ids.add(id);
                            }
                        }
                        if (ids.size() > LARGEST_MAX) {
                            throw new BadQuery("at most " + LARGEST_MAX + " ids can be asked for at once");
                        }
                    }
                    default -> throw new BadQuery("field '" + var + "' is not one this archive knows"
                            + " (with, start, end, before-id, after-id, ids)");
                }
            }
        }
        int max = DEFAULT_MAX;
        String after = null;
        String before = null;
        Element set = query.element(org.dom4j.QName.get("set", RSM));
        if (set != null) {
            Element maxElement = set.element("max");
            if (maxElement != null) {
                try {
                    max = Integer.parseInt(maxElement.getTextTrim());
                } catch (NumberFormatException e) {
                    throw new BadQuery("RSM max '" + maxElement.getTextTrim() + "' is not a number");
                }
                if (max < 0) {
                    throw new BadQuery("RSM max is negative");
                }
                max = Math.min(max, LARGEST_MAX);
            }
            Element afterElement = set.element("after");
            if (afterElement != null) {
                after = afterElement.getTextTrim();
                if (after.isEmpty()) {
                    throw new BadQuery("RSM after is empty");
                }
            }
            Element beforeElement = set.element("before");
            if (beforeElement != null) {
                before = beforeElement.getTextTrim();
            }
            if (after != null && before != null) {
                throw new BadQuery("RSM after and before together");
            }
            if (set.element("index") != null) {
                throw new BadQuery("RSM index is not supported: page with after and before", true);
            }
        }
        boolean flip = query.element(org.dom4j.QName.get("flip-page", MessageArchive.NAMESPACE)) != null;
        if (start != null && end != null && end.isBefore(start)) {
            throw new BadQuery("end is before start");
        }
        return new MamQuery(queryId, with, start, end, beforeId, afterId, List.copyOf(ids), max, after, before, flip);
    }

    /** Every id the query names, which must all be in the archive (XEP-0313: item-not-found otherwise). */
    List<String> namedIds() {
        List<String> named = new ArrayList<>(ids);
        for (String id : new String[] {beforeId, afterId, after, before}) {
            if (id != null && !id.isEmpty()) {
                named.add(id);
            }
        }
        return named;
    }

    /** The query's filter on the archive of {@code owner}. */
    ArchiveFilter filter(String owner) {
        String lower = afterId;
        if (start != null) {
            // every id at or after start is larger than this bound: see StanzaIdGenerator.lowestIdAt
            lower = max(lower, StanzaIdGenerator.lowestIdAt(start));
        }
        String upper = beforeId;
        if (end != null) {
            upper = min(upper, StanzaIdGenerator.lowestIdAt(end.plusNanos(1_000)));
        }
        return new ArchiveFilter(owner, with == null ? null : with.toBareJID(), with == null ? null : with.getResource(),
                lower, upper, ids);
    }

    private static String max(String a, String b) {
        return a == null ? b : a.compareTo(b) >= 0 ? a : b;
    }

    private static String min(String a, String b) {
        return a == null ? b : a.compareTo(b) <= 0 ? a : b;
    }

    private static JID jid(String value) throws BadQuery {
        try {
            return new JID(value);
        } catch (IllegalArgumentException e) {
            throw new BadQuery("'with' is not a JID: '" + value + "'");
        }
    }

    private static Instant date(String field, String value) throws BadQuery {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadQuery("'" + field + "' is not an XEP-0082 date and time such as 2026-12-03T14:00:00Z: '" + value + "'");
        }
    }
}
