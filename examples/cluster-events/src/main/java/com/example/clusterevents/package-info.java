/**
 * An example of a third-party plugin that works in a cluster without knowing how the cluster is
 * made: it listens to cluster events, keeps a clustered cache whose values are its own class, and
 * runs a cluster task of its own class on the other nodes, which reaches the plugin there through the
 * node's services for tasks. Everything goes through the server's API, and every registration is
 * undone when the plugin stops.
 */
package com.example.clusterevents;
