package org.skein.roster;

import java.util.Locale;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.dom4j.QName;
import org.skein.xmpp.Namespaces;

/** Roster items as the {@code <item/>} elements of {@code jabber:iq:roster} (RFC 6121 section 2.1.2). */
public final class RosterXml {

    private RosterXml() {
    }

    /** An empty {@code <query xmlns='jabber:iq:roster'/>}. */
    public static Element query() {
        return DocumentHelper.createElement(QName.get("query", Namespaces.ROSTER));
    }

    /** Adds the item to a query element. */
    public static void addItem(Element query, RosterItem item) {
        Element element = query.addElement("item");
        element.addAttribute("jid", item.jid());
        if (!item.name().isEmpty()) {
            element.addAttribute("name", item.name());
        }
        element.addAttribute("subscription", item.subscription().xmlValue());
        if (item.pendingOut()) {
            element.addAttribute("ask", "subscribe");
        }
        for (String group : item.groups()) {
            element.addElement("group").setText(group);
        }
    }

    /** Adds an item with {@code subscription='remove'}. */
    public static void addRemoval(Element query, String jid) {
        query.addElement("item").addAttribute("jid", jid).addAttribute("subscription", "remove");
    }

    /**
     * Whether the item is shown to the user: an item that exists only because the contact asked to
     * subscribe (RFC 6121 section 3.1.3) is not a roster item until the user adds or approves it.
     */
    public static boolean isVisible(RosterItem item) {
        return !(item.subscription() == Subscription.NONE && !item.pendingOut() && item.pendingIn()
                && item.name().isEmpty() && item.groups().isEmpty());
    }

    static Subscription parseSubscription(String value) {
        return Subscription.valueOf(value.toUpperCase(Locale.ROOT));
    }
}
