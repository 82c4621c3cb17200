/**
 * Message delivery (RFC 6121 section 8.5): to full JIDs, to bare JIDs by priority, headline and
 * groupchat rules, offline storage when the user has no available resource, and error bounces.
 * Messages between users pass the {@link org.skein.blocking.BlockingPolicy} first (XEP-0191).
 */
package org.skein.message;
