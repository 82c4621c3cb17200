package org.skein.cluster;

/** Placeholder; replaced by the real cluster manager in this same change. */
public final class ClusterManager {
}
