package org.skein.pubsub;

/** The namespaces of XEP-0060 and the ones it uses. */
public final class PubSubNamespaces {

    public static final String PUBSUB = "http://jabber.org/protocol/pubsub";
    public static final String OWNER = PUBSUB + "#owner";
    public static final String EVENT = PUBSUB + "#event";
    public static final String ERRORS = PUBSUB + "#errors";
    public static final String NODE_CONFIG = PUBSUB + "#node_config";
    public static final String PUBLISH_OPTIONS = PUBSUB + "#publish-options";
    public static final String SUBSCRIBE_OPTIONS = PUBSUB + "#subscribe_options";
    public static final String META_DATA = PUBSUB + "#meta-data";
    public static final String DATA_FORMS = "jabber:x:data";
    public static final String RSM = "http://jabber.org/protocol/rsm";
    public static final String SHIM = "http://jabber.org/protocol/shim";
    public static final String DELAY = "urn:xmpp:delay";

    private PubSubNamespaces() {
    }
}
