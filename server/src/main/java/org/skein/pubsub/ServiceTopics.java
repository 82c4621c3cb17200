package org.skein.pubsub;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;

/** {@link PubSubTopics} on the service at {@code pubsub.<domain>}, acting as the service. */
final class ServiceTopics implements PubSubTopics {

    private final ComponentService service;
    private final PubSubEngine engine;
    private final TemporarySubscriptions temporary;

    ServiceTopics(ComponentService service, PubSubEngine engine, TemporarySubscriptions temporary) {
        this.service = Objects.requireNonNull(service, "service");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.temporary = Objects.requireNonNull(temporary, "temporary");
    }

    @Override
    public String domain() {
        return service.id();
    }

    @Override
    public boolean addTopic(String topic) {
        try {
            engine.createNode(service, service.address(), topic, service.defaults());
            return true;
        } catch (PubSubException e) {
            if (e.condition() == PacketError.Condition.conflict) {
                return false;
            }
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public boolean deleteTopic(String topic) {
        try {
            engine.delete(service, service.address(), topic);
            return true;
        } catch (PubSubException e) {
            if (e.condition() == PacketError.Condition.item_not_found) {
                return false;
            }
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public boolean topicExists(String topic) {
        return engine.directory().node(service, topic) != null;
    }

    @Override
    public java.util.List<String> topics(int offset, int limit) {
        return engine.directory().store().nodeNames(service.id(), offset, limit);
    }

    @Override
    public int topicCount() {
        return engine.directory().store().nodeCount(service.id());
    }

    @Override
    public int itemCount(String topic) {
        return engine.directory().store().itemCount(service.id(), topic);
    }

    @Override
    public void subscribe(String topic, JID subscriber) {
        try {
            engine.subscribeJid(service, service.address(), topic, subscriber, Map.of());
        } catch (PubSubException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public boolean unsubscribe(String topic, JID subscriber) {
        try {
            engine.unsubscribe(service, service.address(), topic, subscriber, null);
            return true;
        } catch (PubSubException e) {
            if (e.condition() == PacketError.Condition.item_not_found || e.condition() == PacketError.Condition.unexpected_request) {
                return false;
            }
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public int unsubscribeEverywhere(JID subscriber) {
        int removed = 0;
        for (PubSubStore.Held held : engine.directory().store().subscriptionsOf(service.id(), subscriber.toString())) {
            if (engine.directory().store().removeSubscription(service.id(), held.node(), held.subscriber().subid())) {
                removed++;
                engine.directory().changed(service, held.node());
                if (held.subscriber().isTemporary()) {
                    temporary.removed(service, held.node(), held.subscriber());
                }
            }
        }
        return removed;
    }

    @Override
    public Set<JID> subscribers(String topic) {
        NodeState node = engine.directory().node(service, topic);
        Set<JID> subscribers = new LinkedHashSet<>();
        if (node != null) {
            for (Subscriber s : node.subscribers()) {
                if (s.isSubscribed()) {
                    subscribers.add(new JID(s.jid()));
                }
            }
        }
        return subscribers;
    }

    @Override
    public boolean isSubscribed(String topic, JID subscriber) {
        NodeState node = engine.directory().node(service, topic);
        return node != null && node.subscribers().stream().anyMatch(s -> s.isSubscribed() && s.jid().equals(subscriber.toString()));
    }

    @Override
    public String publish(String topic, Element payload) {
        Element item = DocumentHelper.createElement("item");
        item.add(payload.createCopy());
        try {
            return engine.publishItem(service, service.address(), topic, item, Map.of());
        } catch (PubSubException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
