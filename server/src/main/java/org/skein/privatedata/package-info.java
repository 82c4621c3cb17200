/**
 * Private XML storage (XEP-0049, {@code jabber:iq:private}): a user keeps XML fragments on the server,
 * one slot per namespace (legacy bookmarks of XEP-0048, client preferences), that only the user's own
 * resources may read or change.
 *
 * <p>Same shape as every extension package: the {@link org.skein.privatedata.PrivateXmlHandler}
 * answers the IQs over the {@link org.skein.privatedata.PrivateXmlStore}
 * ({@link org.skein.privatedata.JdbcPrivateXmlStore}: table {@code skein_private_xml}). There is no
 * cache in front: a client reads its private XML once per login, so every node reads the database,
 * which also means no node ever serves a stale copy.
 */
package org.skein.privatedata;
