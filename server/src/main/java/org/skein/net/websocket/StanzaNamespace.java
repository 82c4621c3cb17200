package org.skein.net.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * Gives a stanza on its way to a WebSocket client its namespace. On TCP a stanza inherits
 * {@code jabber:client} from the stream's start tag; RFC 7395 has no enclosing element, so each message
 * must declare it (section 3.3.3). Stanzas built by the server carry no namespace of their own: a
 * {@code <message>}, {@code <presence>} or {@code <iq>} whose start tag has no {@code xmlns} attribute
 * gets {@code xmlns='jabber:client'} right after its name. Anything else is left as it is.
 */
final class StanzaNamespace {

    private static final byte[] DECLARATION = " xmlns='jabber:client'".getBytes(StandardCharsets.US_ASCII);
    private static final String[] STANZAS = {"<message", "<presence", "<iq"};

    private StanzaNamespace() {
    }

    /**
     * The element as a client must see it: {@code xml} itself (its reference passed on) or, for a stanza
     * without a namespace, a new buffer (and {@code xml} released).
     *
     * @param xml one well-formed element, as the server serialized it
     */
    static ByteBuf qualify(ByteBufAllocator allocator, ByteBuf xml) {
        int nameEnd = stanzaNameEnd(xml);
        if (nameEnd < 0 || declaresNamespace(xml, nameEnd)) {
            return xml;
        }
        int start = xml.readerIndex();
        ByteBuf qualified = allocator.buffer(xml.readableBytes() + DECLARATION.length);
        qualified.writeBytes(xml, start, nameEnd - start).writeBytes(DECLARATION).writeBytes(xml, nameEnd, xml.writerIndex() - nameEnd);
        xml.release();
        return qualified;
    }

    /** The index just after a stanza element's name, or -1 if the buffer does not start with a stanza's start tag. */
    private static int stanzaNameEnd(ByteBuf xml) {
        int start = xml.readerIndex();
        for (String name : STANZAS) {
            int end = start + name.length();
            if (xml.writerIndex() <= end) {
                continue;
            }
            boolean same = true;
            for (int i = 0; i < name.length() && same; i++) {
                same = xml.getByte(start + i) == name.charAt(i);
            }
            byte after = xml.getByte(end);
            if (same && (isSpace(after) || after == '>' || after == '/')) {
                return end;
            }
        }
        return -1;
    }

    /** Whether the start tag that goes on from {@code index} has an {@code xmlns} attribute (quoted values are skipped). */
    private static boolean declaresNamespace(ByteBuf xml, int index) {
        int i = index;
        int end = xml.writerIndex();
        while (i < end) {
            byte b = xml.getByte(i);
            if (isSpace(b)) {
                i++;
                continue;
            }
            if (b == '>' || b == '/') {
                return false;
            }
            int nameStart = i;
            while (i < end && xml.getByte(i) != '=' && !isSpace(xml.getByte(i))) {
                i++;
            }
            boolean isXmlns = i - nameStart == 5 && xml.toString(nameStart, 5, StandardCharsets.US_ASCII).equals("xmlns");
            while (i < end && xml.getByte(i) != '\'' && xml.getByte(i) != '"') {
                i++; // '=' and spaces around it
            }
            if (i >= end) {
                return false;
            }
            byte quote = xml.getByte(i);
            int close = xml.indexOf(i + 1, end, quote);
            if (close < 0) {
                return false;
            }
            if (isXmlns) {
                return true;
            }
            i = close + 1;
        }
        return false;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }
}
