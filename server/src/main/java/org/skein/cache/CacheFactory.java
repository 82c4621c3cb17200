package org.skein.cache;

/** Placeholder; replaced by the real cache factory in this same change. */
public final class CacheFactory {
}
