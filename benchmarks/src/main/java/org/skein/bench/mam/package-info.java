/** The message archive's costs: query latency in a large archive, and the write per archived message. */
package org.skein.bench.mam;
