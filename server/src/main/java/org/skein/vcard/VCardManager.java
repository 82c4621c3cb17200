package org.skein.vcard;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import org.dom4j.Element;
import org.skein.cache.Cache;
import org.skein.cache.CacheFactory;
import org.skein.config.ConfigException;
import org.skein.config.ServerConfig;
import org.skein.xmpp.stream.StanzaParser;

/**
 * Reads and changes vCards: reads through the clustered {@value #CACHE_NAME} cache (username → the
 * vCard's XML, or an empty string for a user without one, so that asking again for a missing vCard
 * does not reach the database) over the {@link VCardStore}. A change is made under the cache's lock
 * for the user, written to the store and then to the cache; the cache write invalidates the near
 * copies of the other nodes, so none of them keeps serving the old vCard.
 *
 * <p>Blocks on the store: call it from processing threads. Thread-safe.
 */
public final class VCardManager {

    /** Username → vCard XML ({@code ""}: none). */
    public static final String CACHE_NAME = "vcards";
    /** The largest vCard a user may store, in bytes of XML. */
    public static final String MAX_SIZE_KEY = "vcard.maxSize";
    static final long DEFAULT_MAX_SIZE = 128 * 1024;
    /** What the database column holds. */
    static final long LARGEST_MAX_SIZE = 10L * 1024 * 1024;

    /** A vCard larger than the configured limit. */
    public static final class TooLargeException extends Exception {
        private static final long serialVersionUID = 1L;

        TooLargeException(long size, long limit) {
            super("the vCard has " + size + " bytes, more than the " + limit + " this server keeps");
        }
    }

    private final VCardStore store;
    private final Cache<String, String> vcards;
    private final long maxSize;

    /** @param maxSize the largest vCard kept, in bytes of XML */
    public VCardManager(VCardStore store, CacheFactory caches, long maxSize) {
        this.store = Objects.requireNonNull(store, "store");
        this.vcards = caches.createCache(CACHE_NAME);
        if (maxSize < 1 || maxSize > LARGEST_MAX_SIZE) {
            throw new IllegalArgumentException("maxSize " + maxSize + " is not within 1.." + LARGEST_MAX_SIZE);
        }
        this.maxSize = maxSize;
    }

    /**
     * The limit {@value #MAX_SIZE_KEY} of a node's configuration (default 128KiB).
     *
     * @throws ConfigException if it is not a size from 1 byte to 10MiB
     */
    public static long maxSize(ServerConfig config) {
        return config.getByteSize(MAX_SIZE_KEY, DEFAULT_MAX_SIZE, 1, LARGEST_MAX_SIZE, "a size from 1 to 10MiB such as 128KiB");
    }

    /** The largest vCard kept, in bytes of XML. */
    public long maxSize() {
        return maxSize;
    }

    /** The user's vCard (a fresh copy the caller may change), empty if the user has none. */
    public Optional<Element> get(String username) {
        String xml = xml(username);
        return xml.isEmpty() ? Optional.empty() : Optional.of(StanzaParser.parseElement(xml));
    }

    private String xml(String username) {
        String cached = vcards.get(username);
        if (cached != null) {
            return cached;
        }
        String loaded = store.find(username).orElse("");
        String raced = vcards.putIfAbsent(username, loaded);
        return raced != null ? raced : loaded;
    }

    /**
     * Replaces the user's vCard; an empty {@code <vCard/>} removes it.
     *
     * @throws TooLargeException if its XML is larger than {@link #maxSize()}
     */
    public void set(String username, Element vcard) throws TooLargeException {
        Element copy = vcard.createCopy();
        boolean empty = copy.elements().isEmpty() && copy.getTextTrim().isEmpty();
        String xml = empty ? "" : copy.asXML();
        long size = xml.getBytes(StandardCharsets.UTF_8).length;
        if (size > maxSize) {
            throw new TooLargeException(size, maxSize);
        }
        Lock lock = vcards.getLock(username);
        lock.lock();
        try {
            if (empty) {
                store.delete(username);
            } else {
                store.put(username, xml);
            }
            vcards.put(username, xml);
        } finally {
            lock.unlock();
        }
    }

    /** Forgets the cached vCard of a user (after the account was removed; the database rows went with it). */
    public void evict(String username) {
        vcards.remove(username);
    }
}
