package org.skein.bench.c2s;

/** The node under load: in a child JVM ({@link NodeProcess}) or in this one ({@link InProcessNode}). */
interface NodeHandle extends AutoCloseable {

    int port();

    /** Creates accounts bench0..bench{n-1} with password "bench". */
    void createUsers(int n) throws Exception;

    /** Used heap of the node's JVM after full GCs, in bytes. */
    long heapAfterGc() throws Exception;

    int sessions() throws Exception;
}
