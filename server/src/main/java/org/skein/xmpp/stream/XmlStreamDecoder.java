package org.skein.xmpp.stream;

import com.fasterxml.aalto.AsyncByteBufferFeeder;
import com.fasterxml.aalto.AsyncXMLInputFactory;
import com.fasterxml.aalto.AsyncXMLStreamReader;
import com.fasterxml.aalto.stax.InputFactoryImpl;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.ByteBuffer;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import org.dom4j.DocumentFactory;
import org.dom4j.Element;
import org.dom4j.Namespace;
import org.dom4j.QName;
import org.skein.xmpp.Namespaces;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.StreamError;

/**
 * Turns the bytes of an XMPP stream into stream events, without blocking: the stream header
 * ({@link StreamHeader}), one dom4j {@link Element} per top-level element (stanzas and negotiation
 * elements), {@link StreamEnd} when the peer closes its stream, and {@link StreamFault} when the bytes
 * break the rules; after a fault nothing more is read.
 *
 * <p>Built on Aalto's asynchronous parser: a stanza may arrive split over many reads, many stanzas
 * may arrive in one read, and whitespace between stanzas (keepalives) is skipped. It enforces RFC
 * 6120's restricted XML: a DTD, an entity reference, a comment or a processing instruction is a
 * {@code restricted-xml} fault (so no XXE and no entity expansion attacks); malformed XML is a
 * {@code not-well-formed} fault, and so are bytes that are not strict UTF-8 ({@link Utf8Validator}:
 * Aalto lets overlong and out-of-range sequences through); a top-level element larger than the
 * configured maximum (counted in bytes, also while it is still incomplete), nested deeper than the
 * maximum depth, or with more attributes than allowed on one element is a {@code policy-violation}
 * fault ({@link StanzaLimits}). Stanzas that arrived before the offending bytes are passed on first.
 *
 * <p>Stream restarts: after a {@code <starttls/>}, {@code <auth/>} or {@code <response/>} element the
 * decoder pauses (bytes that arrive meanwhile are held, not parsed) until the handler that answers the
 * element calls {@link #resume()} (the stream goes on) or {@link #restart()} (TLS or SASL succeeded: a
 * new stream begins, and bytes the peer sent before the restart are dropped, so nothing can be
 * injected across it). Both must be called on the channel's event loop.
 *
 * <p>Elements before the first stream header: strictly, the first element of a connection must be the
 * stream header, and anything else is an {@code invalid-namespace} fault naming the element. A decoder
 * made with a budget for them ({@link #XmlStreamDecoder(StanzaLimits, int)}, the TCP port's) instead drops
 * complete elements that come before the connection's first header, up to that many bytes in all, as
 * Openfire does: Smack (4.4 and 4.5) writes the answers and acks it had queued while its previous
 * connection was closing at the start of its next connection, before the new stream header, when
 * {@code disconnect()} and {@code connect()} are called on the same connection object with stream
 * management on. An element named {@code stream} in another namespace, more bytes than the budget, and
 * anything before a stream header that follows a restart (STARTTLS, SASL) are still faults.
 *
 * <p>One per connection; not shareable.
 */
public final class XmlStreamDecoder extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(XmlStreamDecoder.class);
    private static final AsyncXMLInputFactory FACTORY = newFactory();
    private static final DocumentFactory DOCUMENTS = DocumentFactory.getInstance();

    private final int maxElementSize;
    private final int maxDepth;
    private final int maxAttributes;
    private final Utf8Validator utf8 = new Utf8Validator();
    private AsyncXMLStreamReader<AsyncByteBufferFeeder> reader;
    private ChannelHandlerContext ctx;
    private int depth;
    private Element current;
    private long fed;
    private long boundary;
    private int lastElementBytes;
    private boolean failed;
    private boolean paused;
    private ByteBuf feeding;
    private ByteBuf held;
    /** The most bytes of complete elements dropped before the connection's first stream header (0: none). */
    private final int maxBytesBeforeHeader;
    /** Whether the connection's first stream header was read (from then on, no element is dropped). */
    private boolean headerSeen;
    /** Above 0 while inside an element that is dropped before the first header: its nesting. */
    private int dropDepth;
    /** The name of the element being dropped, as {@code <name xmlns='ns'>}, for the log and a fault's text. */
    private String dropping;
    /** Bytes of elements dropped before the first header so far. */
    private long droppedBytes;
    /** The parser's offset of the first readable byte of {@link #feeding}. */
    private long feedStart;
    /** Where a dropped element ended (parser offset), or -1: a new parser reads on from there. */
    private long dropEnd = -1;

    /** A decoder with the default depth and attribute limits. @param maxElementSize the largest top-level element accepted, in bytes */
    public XmlStreamDecoder(int maxElementSize) {
        this(new StanzaLimits(maxElementSize, StanzaLimits.DEFAULT.maxDepth(), StanzaLimits.DEFAULT.maxAttributes()));
    }

    /** @param limits the largest top-level element in bytes, the deepest nesting, the most attributes per element */
    public XmlStreamDecoder(StanzaLimits limits) {
        this(limits, 0);
    }

    /**
     * @param limits the largest top-level element in bytes, the deepest nesting, the most attributes per element
     * @param maxBytesBeforeHeader the most bytes of complete elements before the connection's first stream
     *        header that are dropped rather than refused (0: the first element must be the header)
     */
    public XmlStreamDecoder(StanzaLimits limits, int maxBytesBeforeHeader) {
        if (maxBytesBeforeHeader < 0) {
            throw new IllegalArgumentException("maxBytesBeforeHeader is " + maxBytesBeforeHeader + ", expected 0 or more");
        }
        this.maxElementSize = limits.maxBytes();
        this.maxDepth = limits.maxDepth();
        this.maxAttributes = limits.maxAttributes();
        this.maxBytesBeforeHeader = maxBytesBeforeHeader;
    }

    private static AsyncXMLInputFactory newFactory() {
        InputFactoryImpl factory = new InputFactoryImpl();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, Boolean.FALSE);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, Boolean.FALSE);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, Boolean.FALSE);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, Boolean.TRUE);
        factory.setProperty(XMLInputFactory.IS_COALESCING, Boolean.FALSE);
        return factory;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext context) {
        releaseInput();
        closeReader();
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        if (!(msg instanceof ByteBuf)) {
            context.fireChannelRead(msg);
            return;
        }
        ByteBuf buf = (ByteBuf) msg;
        if (failed) {
            buf.release();
            return;
        }
        if (paused || feeding != null) {
            hold(buf);
            return;
        }
        feed(buf);
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        releaseInput();
        closeReader();
        context.fireChannelInactive();
    }

    /** Parses on after a pause: the stream goes on (a SASL challenge or failure was sent). */
    public void resume() {
        if (!paused || failed) {
            return;
        }
        paused = false;
        if (feeding != null) {
            drain();
        }
        if (!paused && !failed && feeding == null && held != null) {
            ByteBuf next = held;
            held = null;
            feed(next);
        }
    }

    /**
     * Starts a new stream (after STARTTLS or SASL success): a fresh parser, and whatever the peer
     * sent before the restart is dropped.
     */
    public void restart() {
        releaseInput();
        closeReader();
        depth = 0;
        current = null;
        fed = 0;
        boundary = 0;
        paused = false;
        dropDepth = 0;
        dropEnd = -1;
        utf8.reset();
    }

    /**
     * Whether the bytes parsed so far end inside a top-level element: a transport that frames every
     * element in a message of its own (WebSocket) checks after each message that none was cut.
     */
    public boolean isInsideElement() {
        return depth > 1;
    }

    /** Whether the decoder waits for {@link #resume()} or {@link #restart()}. */
    public boolean isPaused() {
        return paused;
    }

    private void hold(ByteBuf buf) {
        if (held == null) {
            held = buf;
        } else {
            CompositeByteBuf composite = held instanceof CompositeByteBuf ? (CompositeByteBuf) held
                    : ctx.alloc().compositeBuffer().addComponent(true, held);
            composite.addComponent(true, buf);
            held = composite;
        }
        if (held.readableBytes() > maxElementSize) {
            fault(StreamError.Condition.policy_violation, "the stanza is larger than " + maxElementSize + " bytes");
        }
    }

    private void feed(ByteBuf buf) {
        if (!buf.isReadable()) {
            buf.release();
            return;
        }
        int bad = utf8.firstInvalid(buf);
        if (bad < 0) {
            parse(buf);
            return;
        }
        // parse what came before the bad byte (stanzas sent before it are not lost), then fail
        if (bad > buf.readerIndex()) {
            parse(buf.readRetainedSlice(bad - buf.readerIndex()));
        }
        if (failed) {
            buf.release();
        } else if (paused || feeding != null) {
            hold(buf); // checked again when the handler lets the parser go on
        } else {
            int value = buf.getUnsignedByte(bad);
            buf.release();
            fault(StreamError.Condition.not_well_formed, String.format("not well-formed XML: invalid UTF-8 (byte 0x%02X)", value));
        }
    }

    private void parse(ByteBuf buf) {
        try {
            feedParser(buf);
        } catch (XMLStreamException e) {
            fault(StreamError.Condition.not_well_formed, "not well-formed XML: " + firstLine(e.getMessage()));
            return;
        }
        drain();
    }

    /** Hands the buffer's readable bytes to the parser; the buffer is kept (as {@link #feeding}) until they are parsed. */
    private void feedParser(ByteBuf buf) throws XMLStreamException {
        AsyncXMLStreamReader<AsyncByteBufferFeeder> parser = reader();
        ByteBuffer nio = buf.nioBufferCount() == 1 ? buf.nioBuffer() : ByteBuffer.wrap(ByteBufUtilCopy.copy(buf));
        feeding = buf;
        feedStart = fed;
        fed += nio.remaining();
        parser.getInputFeeder().feedInput(nio);
    }

    /**
     * An element before the first header was dropped: XML allows one root element per document, so a
     * new parser reads the bytes after it.
     *
     * @return whether bytes were left for the new parser
     */
    private boolean startOverAfterDropped() throws XMLStreamException {
        long end = dropEnd;
        dropEnd = -1;
        ByteBuf rest = feeding;
        feeding = null;
        closeReader();
        long used = end - feedStart;
        fed = 0;
        boundary = 0;
        if (rest == null || used < 0 || used > rest.readableBytes()) {
            if (rest != null) {
                rest.release();
            }
            throw new XMLStreamException("lost track of the input after an element before the stream header");
        }
        rest.skipBytes((int) used);
        if (!rest.isReadable()) {
            rest.release();
            return false;
        }
        feedParser(rest);
        return true;
    }

    /** Reads events until the input is used up, the decoder pauses or a fault ends the stream. */
    private void drain() {
        try {
            while (!failed && !paused) {
                int event = reader.next();
                if (event == AsyncXMLStreamReader.EVENT_INCOMPLETE) {
                    releaseFeeding();
                    if (fed - boundary > maxElementSize) {
                        fault(StreamError.Condition.policy_violation, "the stanza is larger than " + maxElementSize + " bytes");
                    }
                    return;
                }
                onEvent(event);
                if (dropEnd >= 0 && !failed && !startOverAfterDropped()) {
                    return;
                }
            }
        } catch (XMLStreamException | RuntimeException e) {
            fault(StreamError.Condition.not_well_formed, "not well-formed XML: " + firstLine(e.getMessage()));
        }
    }

    private void onEvent(int event) throws XMLStreamException {
        switch (event) {
            case XMLStreamConstants.START_DOCUMENT:
            case XMLStreamConstants.END_DOCUMENT:
                return;
            case XMLStreamConstants.START_ELEMENT:
                startElement();
                return;
            case XMLStreamConstants.END_ELEMENT:
                endElement();
                return;
            case XMLStreamConstants.CHARACTERS:
            case XMLStreamConstants.CDATA:
            case XMLStreamConstants.SPACE:
                text(event);
                return;
            case XMLStreamConstants.DTD:
                fault(StreamError.Condition.restricted_xml, "a DTD is not allowed in an XMPP stream");
                return;
            case XMLStreamConstants.ENTITY_REFERENCE:
            case XMLStreamConstants.ENTITY_DECLARATION:
                fault(StreamError.Condition.restricted_xml, "entity references are not allowed in an XMPP stream");
                return;
            case XMLStreamConstants.COMMENT:
                fault(StreamError.Condition.restricted_xml, "comments are not allowed in an XMPP stream");
                return;
            case XMLStreamConstants.PROCESSING_INSTRUCTION:
                fault(StreamError.Condition.restricted_xml, "processing instructions are not allowed in an XMPP stream");
                return;
            default:
                fault(StreamError.Condition.not_well_formed, "unexpected XML event " + event);
        }
    }

    private void startElement() throws XMLStreamException {
        if (dropDepth > 0) {
            dropDepth++;
            if (dropDepth > maxDepth) {
                fault(StreamError.Condition.policy_violation, dropping + " is nested deeper than " + maxDepth + " levels");
            }
            return;
        }
        if (depth == 0) {
            boolean streamName = "stream".equals(reader.getLocalName());
            if (!streamName || !Namespaces.STREAM.equals(reader.getNamespaceURI())) {
                String ns = nullToEmpty(reader.getNamespaceURI());
                String element = "<" + reader.getLocalName() + (ns.isEmpty() ? "" : " xmlns='" + ns + "'") + ">";
                if (!streamName && !headerSeen && maxBytesBeforeHeader > 0) {
                    dropping = element;
                    dropDepth = 1;
                    boundary = reader.getLocationInfo().getStartingByteOffset();
                    return;
                }
                depth = 1;
                fault(StreamError.Condition.invalid_namespace, "the stream must open with <stream:stream xmlns:stream='"
                        + Namespaces.STREAM + "'>, not " + element);
                return;
            }
            depth = 1;
            headerSeen = true;
            String defaultNs = reader.getNamespaceContext().getNamespaceURI(XMLConstants.DEFAULT_NS_PREFIX);
            if (reader.getAttributeCount() + reader.getNamespaceCount() > maxAttributes) {
                fault(StreamError.Condition.policy_violation, "the stream header has more than " + maxAttributes + " attributes");
                return;
            }
            StreamHeader header = new StreamHeader(attribute("", "to"), attribute("", "from"), attribute("", "version"),
                    attribute(XMLConstants.XML_NS_URI, "lang"), defaultNs == null ? "" : defaultNs);
            boundary = reader.getLocationInfo().getEndingByteOffset();
            ctx.fireChannelRead(header);
            return;
        }
        if (depth == 1) {
            boundary = reader.getLocationInfo().getStartingByteOffset();
        }
        if (depth > maxDepth) { // depth 1 is the stream: this element's level in its stanza is depth
            fault(StreamError.Condition.policy_violation, "the stanza's elements are nested deeper than " + maxDepth + " levels");
            return;
        }
        if (reader.getAttributeCount() + reader.getNamespaceCount() > maxAttributes) {
            fault(StreamError.Condition.policy_violation, "<" + reader.getLocalName() + "> has more than " + maxAttributes
                    + " attributes");
            return;
        }
        depth++;
        Element element = DOCUMENTS.createElement(qname(reader.getLocalName(), reader.getPrefix(), reader.getNamespaceURI()));
        int namespaces = reader.getNamespaceCount();
        for (int i = 0; i < namespaces; i++) {
            String prefix = reader.getNamespacePrefix(i);
            if (prefix != null && !prefix.isEmpty()) {
                element.add(Namespace.get(prefix, nullToEmpty(reader.getNamespaceURI(i))));
            }
        }
        int attributes = reader.getAttributeCount();
        for (int i = 0; i < attributes; i++) {
            String prefix = reader.getAttributePrefix(i);
            if (prefix == null || prefix.isEmpty()) {
                element.addAttribute(reader.getAttributeLocalName(i), reader.getAttributeValue(i));
            } else {
                element.addAttribute(qname(reader.getAttributeLocalName(i), prefix, reader.getAttributeNamespace(i)),
                        reader.getAttributeValue(i));
            }
        }
        if (current != null) {
            current.add(element);
        }
        current = element;
    }

    private void endElement() throws XMLStreamException {
        if (dropDepth > 0) {
            dropDepth--;
            if (dropDepth == 0) {
                dropped();
            }
            return;
        }
        depth--;
        if (depth == 0) {
            failed = true; // the peer's stream is over: nothing after </stream:stream> is read
            releaseInput();
            ctx.fireChannelRead(StreamEnd.INSTANCE);
            return;
        }
        if (depth > 1) {
            current = current.getParent();
            return;
        }
        Element stanza = current;
        current = null;
        long end = reader.getLocationInfo().getEndingByteOffset();
        if (end - boundary > maxElementSize) {
            fault(StreamError.Condition.policy_violation, "the stanza is larger than " + maxElementSize + " bytes");
            return;
        }
        lastElementBytes = (int) (end - boundary);
        boundary = end;
        if (pausesAfter(stanza)) {
            paused = true;
        }
        ctx.fireChannelRead(stanza);
    }

    /**
     * The size in bytes of the top-level element last passed on: for the next handler, while it handles
     * that element (on the event loop), to weigh what it keeps.
     */
    public int lastElementBytes() {
        return lastElementBytes;
    }

    /** An element before the first header ended: dropped while the budget lasts, else the stream's fault. */
    private void dropped() throws XMLStreamException {
        long end = reader.getLocationInfo().getEndingByteOffset();
        droppedBytes += end - boundary;
        if (droppedBytes > maxBytesBeforeHeader) {
            fault(StreamError.Condition.invalid_namespace, "the stream must open with <stream:stream xmlns:stream='"
                    + Namespaces.STREAM + "'>, not " + dropping + " (more than " + maxBytesBeforeHeader
                    + " bytes of other elements came first)");
            return;
        }
        LOG.debug("Dropped {} ({} bytes) that {} sent before its stream header (a client writing what it had queued for its previous "
                + "connection)", dropping, end - boundary, ctx.channel().remoteAddress());
        dropEnd = end;
    }

    private void text(int event) throws XMLStreamException {
        if (dropDepth > 0) {
            return;
        }
        if (depth > 1) {
            current.addText(reader.getText());
            return;
        }
        if (depth == 1 && event != XMLStreamConstants.SPACE && !reader.getText().isBlank()) {
            fault(StreamError.Condition.not_well_formed, "text is not allowed between stanzas");
            return;
        }
        boundary = reader.getLocationInfo().getEndingByteOffset();
    }

    private static boolean pausesAfter(Element element) {
        String ns = element.getNamespaceURI();
        String name = element.getName();
        return (Namespaces.TLS.equals(ns) && "starttls".equals(name))
                || (Namespaces.SASL.equals(ns) && ("auth".equals(name) || "response".equals(name)));
    }

    private void fault(StreamError.Condition condition, String text) {
        if (failed) {
            return;
        }
        failed = true;
        releaseInput();
        closeReader();
        ctx.fireChannelRead(new StreamFault(condition, text));
    }

    private String attribute(String namespace, String name) {
        for (int i = 0; i < reader.getAttributeCount(); i++) {
            if (name.equals(reader.getAttributeLocalName(i)) && namespace.equals(nullToEmpty(reader.getAttributeNamespace(i)))) {
                return reader.getAttributeValue(i);
            }
        }
        return "";
    }

    private AsyncXMLStreamReader<AsyncByteBufferFeeder> reader() {
        if (reader == null) {
            reader = FACTORY.createAsyncForByteBuffer();
        }
        return reader;
    }

    private void closeReader() {
        if (reader != null) {
            try {
                reader.close();
            } catch (XMLStreamException ignored) {
                // nothing to free beyond the reader itself
            }
            reader = null;
        }
    }

    private void releaseFeeding() {
        if (feeding != null) {
            feeding.release();
            feeding = null;
        }
    }

    private void releaseInput() {
        releaseFeeding();
        if (held != null) {
            held.release();
            held = null;
        }
    }

    private static QName qname(String localName, String prefix, String uri) {
        return new QName(localName, Namespace.get(nullToEmpty(prefix), nullToEmpty(uri)));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** Copies the readable bytes of a buffer that has no single NIO view. */
    private static final class ByteBufUtilCopy {
        static byte[] copy(ByteBuf buf) {
            byte[] bytes = new byte[buf.readableBytes()];
            buf.getBytes(buf.readerIndex(), bytes);
            return bytes;
        }
    }
}
