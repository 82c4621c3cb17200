package org.skein.mam;

import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.dom4j.Element;
import org.dom4j.QName;
import org.skein.iq.IqErrors;
import org.skein.iq.IqHandler;
import org.skein.session.LocalClientSession;
import org.skein.xmpp.Namespaces;
import org.skein.xmpp.StanzaErrors;
import org.skein.xmpp.stream.StreamWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;

/**
 * {@code urn:xmpp:mam:2} (XEP-0313) on an account's own archive, from any node:
 * <ul>
 *   <li>get {@code <query/>}: the query form, with the extended fields;</li>
 *   <li>set {@code <query/>}: each archived message of the page as a {@code <result/>} message to the
 *       requesting resource, then the result with {@code <fin complete=... stable=...>} and its RSM
 *       set ({@code first}, {@code last}, and {@code count} when known);</li>
 *   <li>errors: a request for another account's archive: {@code forbidden}; a form or RSM set the server
 *       cannot answer: {@code bad-request} with a text; an id (after-id, before-id, ids, RSM after or
 *       before) that is not in the archive: {@code item-not-found};</li>
 *   <li>get {@code <metadata/>} (advertised with {@code urn:xmpp:mam:2#extended}): {@code <start/>} and {@code <end/>}
 *       with the id and time of the archive's first and last message, read after a settle; an empty
 *       {@code <metadata/>} for an empty archive;</li>
 *   <li>{@code <prefs/>} (XEP-0441): get and set the account's default and always/never lists.</li>
 * </ul>
 */
public final class MamQueryHandler implements IqHandler {

    private static final Logger LOG = LoggerFactory.getLogger(MamQueryHandler.class);
    private static final String FORWARD = "urn:xmpp:forward:0";

    private final JID serverJid;
    private final MessageArchive archive;

    public MamQueryHandler(JID serverJid, MessageArchive archive) {
        this.serverJid = Objects.requireNonNull(serverJid, "serverJid");
        this.archive = Objects.requireNonNull(archive, "archive");
    }

    @Override
    public String namespace() {
        return MessageArchive.NAMESPACE;
    }

    @Override
    public boolean answersForUsers() {
        return true;
    }

    @Override
    public IQ handle(IQ request, LocalClientSession session) {
        JID requester = request.getFrom();
        JID to = request.getTo();
        if (to != null && !(to.getNode() != null && to.toBareJID().equals(requester.toBareJID()))
                && !(to.getNode() == null && to.getDomain().equals(serverJid.getDomain()))) {
            return error(request, PacketError.Condition.forbidden, "only the account's own archive can be queried");
        }
        Element child = request.getChildElement();
        if (child.getName().equals("prefs")) {
            return prefs(request, child, requester.getNode());
        }
        return answer(archive, request, requester.getNode(), requester.asBareJID(), false, serverJid, session::deliverXml);
    }

    /**
     * Answers a query (get: the form; set: the results, then the returned reply) on an account's or a
     * room's archive. Blocks on the store and on the cluster ({@link MessageArchive#settle}).
     *
     * @param owner the archive: a username, or a room's bare JID
     * @param archiveJid the archive's address, the {@code from} of the result messages
     * @param room whether it is a room's archive
     * @param replyFrom the {@code from} of a reply to a request that had no {@code to}
     * @param send writes one result message (XML of a {@code jabber:client} message) to the requester
     * @return the reply: a result with {@code <fin/>}, the form, or an error
     */
    public static IQ answer(MessageArchive archive, IQ request, String owner, JID archiveJid, boolean room, JID replyFrom,
                            java.util.function.Consumer<String> send) {
        Element child = request.getChildElement();
        if (child.getName().equals("metadata")) {
            return metadata(archive, request, owner, room, replyFrom);
        }
        if (!child.getName().equals("query")) {
            return error(request, PacketError.Condition.feature_not_implemented, "archive " + child.getName() + " is not supported",
                    replyFrom);
        }
        if (request.getType() == IQ.Type.get) {
            IQ reply = IqErrors.result(request, replyFrom);
            form(reply.setChildElement("query", MessageArchive.NAMESPACE));
            return reply;
        }
        MamQuery query;
        try {
            query = MamQuery.parse(child);
        } catch (MamQuery.BadQuery e) {
            return error(request, e.featureNotImplemented ? PacketError.Condition.feature_not_implemented
                    : PacketError.Condition.bad_request, e.getMessage(), replyFrom);
        }
        JID requester = request.getFrom();
        ArchiveStore store = room ? archive.roomStore() : archive.store();
        try {
            List<String> named = query.namedIds();
            if (!named.isEmpty()) {
                Set<String> found = store.existing(owner, named);
                Set<String> missing = new HashSet<>(named);
                missing.removeAll(found);
                if (!missing.isEmpty()) {
                    return error(request, PacketError.Condition.item_not_found,
                            "not in the archive: " + String.join(", ", first(missing, 5)), replyFrom);
                }
            }
            ArchivePage page = room ? archive.queryRoom(query.filter(owner), query.after(), query.before(), query.max())
                    : archive.query(query.filter(owner), query.after(), query.before(), query.max());
            List<ArchivedMessage> items = page.items();
            if (query.flip()) {
                items = new java.util.ArrayList<>(items);
                java.util.Collections.reverse(items);
            }
            for (ArchivedMessage item : items) {
                String result = result(item, archiveJid, requester, query.queryId());
                if (result != null) {
                    send.accept(result);
                }
            }
            IQ reply = IqErrors.result(request, replyFrom);
            Element fin = reply.setChildElement("fin", MessageArchive.NAMESPACE);
            if (page.complete()) {
                fin.addAttribute("complete", "true");
            }
            if (!page.stable()) {
                fin.addAttribute("stable", "false");
            }
            if (query.queryId() != null) {
                fin.addAttribute("queryid", query.queryId());
            }
            Element set = fin.addElement(QName.get("set", MamQuery.RSM));
            if (!items.isEmpty()) {
                set.addElement("first").setText(items.get(0).id());
                set.addElement("last").setText(items.get(items.size() - 1).id());
            }
            if (page.count() != null) {
                set.addElement("count").setText(Long.toString(page.count()));
            }
            return reply;
        } catch (RuntimeException e) {
            LOG.warn("Archive query of {} on {} failed", requester, archiveJid, e);
            return error(request, PacketError.Condition.internal_server_error, "the archive could not be read", replyFrom);
        }
    }

    /** {@code <metadata/>} (XEP-0313 extended): the archive's first and last message, or nothing when it is empty. */
    private static IQ metadata(MessageArchive archive, IQ request, String owner, boolean room, JID replyFrom) {
        if (request.getType() != IQ.Type.get) {
            return error(request, PacketError.Condition.bad_request, "archive metadata is asked for with an iq of type get", replyFrom);
        }
        try {
            MessageArchive.ArchiveMetadata metadata = archive.metadata(owner, room);
            IQ reply = IqErrors.result(request, replyFrom);
            Element element = reply.setChildElement("metadata", MessageArchive.NAMESPACE);
            if (metadata.first() != null) {
                element.addElement("start").addAttribute("id", metadata.first().id())
                        .addAttribute("timestamp", DateTimeFormatter.ISO_INSTANT.format(metadata.first().stamp()));
                element.addElement("end").addAttribute("id", metadata.last().id())
                        .addAttribute("timestamp", DateTimeFormatter.ISO_INSTANT.format(metadata.last().stamp()));
            }
            return reply;
        } catch (RuntimeException e) {
            LOG.warn("Archive metadata of {} for {} failed", owner, request.getFrom(), e);
            return error(request, PacketError.Condition.internal_server_error, "the archive could not be read", replyFrom);
        }
    }

    /**
     * The {@code <message><result><forwarded>} of one archived message, as XML (the stored stanza is put in
     * as it is, with the {@code jabber:client} namespace it had on the stream), or {@code null} if the
     * stored text is not a message.
     */
    private static String result(ArchivedMessage item, JID owner, JID requester, String queryId) {
        String stored = item.stanza();
        if (!stored.startsWith("<message") || stored.length() < 10
                || !(stored.charAt(8) == ' ' || stored.charAt(8) == '>' || stored.charAt(8) == '/')) {
            LOG.warn("Archived message {} of {} is not a message and is left out of a query", item.id(), owner);
            return null;
        }
        int tagEnd = stored.indexOf('>');
        String startTag = stored.substring(0, tagEnd);
        boolean namespaced = startTag.contains(" xmlns=\"") || startTag.contains(" xmlns='");
        StringBuilder xml = new StringBuilder(stored.length() + 400);
        xml.append("<message to=\"").append(StreamWriter.escape(requester.toString())).append("\" from=\"")
                .append(StreamWriter.escape(owner.toString())).append("\" id=\"").append(StreamWriter.escape(item.id()))
                .append("\"><result xmlns=\"").append(MessageArchive.NAMESPACE).append('"');
        if (queryId != null) {
            xml.append(" queryid=\"").append(StreamWriter.escape(queryId)).append('"');
        }
        xml.append(" id=\"").append(StreamWriter.escape(item.id())).append("\"><forwarded xmlns=\"").append(FORWARD)
                .append("\"><delay xmlns=\"").append(Namespaces.DELAY).append("\" stamp=\"")
                .append(DateTimeFormatter.ISO_INSTANT.format(item.stamp())).append("\"/>");
        if (namespaced) {
            xml.append(stored);
        } else {
            xml.append("<message xmlns=\"jabber:client\"").append(stored, 8, stored.length());
        }
        return xml.append("</forwarded></result></message>").toString();
    }

    /** XEP-0441: get answers the account's preferences; set replaces them and answers the new ones. */
    private IQ prefs(IQ request, Element child, String username) {
        try {
            ArchivePrefs prefs;
            if (request.getType() == IQ.Type.set) {
                ArchivePrefs.Mode mode = ArchivePrefs.Mode.of(child.attributeValue("default"));
                if (mode == null) {
                    return error(request, PacketError.Condition.bad_request,
                            "default must be always, never or roster, not '" + child.attributeValue("default") + "'");
                }
                java.util.Set<String> always = new java.util.TreeSet<>();
                java.util.Set<String> never = new java.util.TreeSet<>();
                for (String list : List.of("always", "never")) {
                    Element e = child.element(list);
                    if (e == null) {
                        continue;
                    }
                    for (Element jid : e.elements("jid")) {
                        try {
                            (list.equals("always") ? always : never).add(new JID(jid.getTextTrim()).toString());
                        } catch (IllegalArgumentException bad) {
                            return error(request, PacketError.Condition.jid_malformed, "not a JID: '" + jid.getTextTrim() + "'");
                        }
                    }
                }
                if (always.size() + never.size() > ArchivePrefs.MAX_JIDS) {
                    return error(request, PacketError.Condition.not_acceptable,
                            "at most " + ArchivePrefs.MAX_JIDS + " JIDs in always and never together");
                }
                prefs = new ArchivePrefs(mode, always, never);
                archive.preferences().set(username, prefs);
            } else {
                prefs = archive.preferences().get(username);
            }
            IQ reply = IqErrors.result(request, serverJid);
            Element out = reply.setChildElement("prefs", MessageArchive.NAMESPACE).addAttribute("default", prefs.defaultMode().attribute());
            Element always = out.addElement("always");
            prefs.always().forEach(jid -> always.addElement("jid").setText(jid));
            Element never = out.addElement("never");
            prefs.never().forEach(jid -> never.addElement("jid").setText(jid));
            return reply;
        } catch (RuntimeException e) {
            LOG.warn("Archiving preferences of {} failed", username, e);
            return error(request, PacketError.Condition.internal_server_error, "the preferences could not be read or stored");
        }
    }

    private IQ error(IQ request, PacketError.Condition condition, String text) {
        return error(request, condition, text, serverJid);
    }

    /**
     * An error reply without the request's child: Smack parses an echoed {@code <query/>} as a request and
     * drops the connection when its form is the bad part.
     */
    public static IQ error(IQ request, PacketError.Condition condition, String text, JID replyFrom) {
        IQ reply = IqErrors.result(request, replyFrom);
        StanzaErrors.setError(reply, condition, condition.getDefaultType(), text);
        return reply;
    }

    private static void form(Element query) {
        Element x = query.addElement(QName.get("x", MamQuery.DATA)).addAttribute("type", "form");
        field(x, "FORM_TYPE", "hidden").addElement("value").setText(MessageArchive.NAMESPACE);
        field(x, "with", "jid-single");
        field(x, "start", "text-single");
        field(x, "end", "text-single");
        field(x, "before-id", "text-single");
        field(x, "after-id", "text-single");
        field(x, "ids", "text-multi");
    }

    private static Element field(Element x, String var, String type) {
        return x.addElement("field").addAttribute("var", var).addAttribute("type", type);
    }

    private static List<String> first(Collection<String> values, int n) {
        return values.stream().sorted().limit(n).toList();
    }
}
