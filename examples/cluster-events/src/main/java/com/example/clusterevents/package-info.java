/**
 * An example of a third-party plugin that works in a cluster without knowing how the cluster is
 * made: it listens to cluster events, keeps a clustered cache whose values are its own class, and
 * runs a cluster task of its own class on the other nodes, all through the server's API.
 */
package com.example.clusterevents;
