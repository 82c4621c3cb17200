package org.skein;

/** The server's version, from the jar manifest, or from the build's resource when run from classes. */
final class ServerVersion {

    private ServerVersion() {
    }

    static String current() {
        String fromManifest = XmppServer.class.getPackage().getImplementationVersion();
        if (fromManifest != null) {
            return fromManifest;
        }
        try (java.io.InputStream in = XmppServer.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                java.util.Properties properties = new java.util.Properties();
                properties.load(in);
                return properties.getProperty("version", "unknown");
            }
        } catch (java.io.IOException e) {
            // fall through
        }
        return "unknown";
    }
}
