/** Service discovery (XEP-0030): disco#info and disco#items for the server and for users' accounts. */
package org.skein.disco;
