/**
 * Entity capabilities (XEP-0115): what each client can do, from the hash in its presence.
 * {@link org.skein.caps.EntityCapabilities} asks a client about a hash nobody knows yet, verifies the
 * answer ({@link org.skein.caps.CapsHash}) and shares verified feature sets with the whole cluster
 * through the clustered {@code caps.features} cache; each node knows the current features of its own
 * sessions and tells {@link org.skein.caps.CapsListener}s (PEP's {@code +notify} filters) of changes.
 *
 * <pre>
 *   presence with &lt;c ver&gt; ─▶ caps.features has ver? ─ yes ─▶ session's features ─▶ CapsListener
 *                                  │ no
 *                                  ▼
 *                disco#info to the client (IqRequests) ─▶ hash matches? ─ yes ─▶ caps.features (shared)
 *                                                             │ no
 *                                                             ▼
 *                                                  features for that session only
 * </pre>
 */
package org.skein.caps;
