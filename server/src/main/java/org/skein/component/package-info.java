/**
 * Services that live on a domain of their own next to the server's, such as a group chat service
 * at {@code conference.example.org} or a publish-subscribe service at {@code pubsub.example.org}.
 *
 * <p>A {@link org.skein.component.LocalComponent} is registered with the node's
 * {@link org.skein.component.ComponentRegistry} (built-in services at start, plugins from their
 * {@code initializePlugin}). Every node registers the same components, so a client's stanza to a
 * component is handed to the instance on the node the client is connected to; a component that keeps
 * shared state decides itself where that state is written (one writer per thing, see the big rules).
 * The server's {@code disco#items} lists the registered components.
 *
 * <pre>
 *   client ─▶ message / presence / IQ router ─▶ to a component's domain? ─▶ LocalComponent.process
 *                                                   │ no
 *                                                   ▼
 *                                           users, sessions, the server
 * </pre>
 */
package org.skein.component;
