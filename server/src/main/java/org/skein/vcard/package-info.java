/**
 * vcard-temp (XEP-0054): a user's own vCard (get and set, with no {@code to} or to the user's own bare
 * JID) and other users' vCards (a get to their bare JID, answered by the server on their behalf).
 *
 * <p>Same shape as every extension package: the {@link org.skein.vcard.VCardHandler} answers the IQs,
 * the {@link org.skein.vcard.VCardManager} reads through the clustered, near-cached
 * {@value org.skein.vcard.VCardManager#CACHE_NAME} cache over the {@link org.skein.vcard.VCardStore}
 * ({@link org.skein.vcard.JdbcVCardStore}: table {@code skein_vcard}). A change is written to the
 * database first and then to the cache, whose write invalidates every other node's near copy.
 */
package org.skein.vcard;
