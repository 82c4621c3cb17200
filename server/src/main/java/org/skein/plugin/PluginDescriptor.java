package org.skein.plugin;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.dom4j.Document;
import org.dom4j.DocumentException;
import org.dom4j.Element;
import org.dom4j.io.SAXReader;
import org.xml.sax.SAXException;

/**
 * A plugin's {@code plugin.xml}, parsed: an immutable value.
 *
 * <pre>{@code
 * <plugin>
 *   <class>org.example.ExamplePlugin</class>          required: implements Plugin
 *   <name>Example</name>                             required
 *   <description>What it does</description>          optional
 *   <author>Example Ltd</author>                     optional
 *   <version>1.0.0</version>                         optional
 *   <minServerVersion>0.1.0</minServerVersion>       optional: oldest server it runs on
 *   <adminconsole>                                   optional
 *     <page id="example-settings" name="Example" url="settings.html" description="Settings"/>
 *   </adminconsole>
 * </plugin>
 * }</pre>
 *
 * @param className the fully qualified name of the class that implements {@link Plugin}
 * @param name the plugin's display name
 * @param description a short text; empty if absent
 * @param author who wrote it; empty if absent
 * @param version the plugin's own version; empty if absent
 * @param minServerVersion the oldest server version the plugin runs on, compared by numeric dotted
 *     parts with qualifiers such as {@code -SNAPSHOT} ignored; {@code null} if absent
 * @param adminConsoleEntries the pages the plugin adds to the admin console, in document order
 */
public record PluginDescriptor(
        String className,
        String name,
        String description,
        String author,
        String version,
        String minServerVersion,
        List<AdminConsoleEntry> adminConsoleEntries) {

    public PluginDescriptor {
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(name, "name");
        description = Objects.requireNonNullElse(description, "");
        author = Objects.requireNonNullElse(author, "");
        version = Objects.requireNonNullElse(version, "");
        adminConsoleEntries = List.copyOf(adminConsoleEntries);
    }

    /**
     * Reads a {@code plugin.xml}. Document type declarations are refused, so a descriptor can neither
     * read local files nor reach the network through external entities. The stream is not closed.
     *
     * @param in the XML document
     * @param sourceName what to call the document in error messages, such as {@code plugin.xml} or
     *     {@code plugins/example.jar!/plugin.xml}
     * @throws PluginException if the document is not well-formed XML, has a DOCTYPE, its root is not
     *     {@code <plugin>}, {@code <class>} or {@code <name>} is missing or empty, {@code <minServerVersion>}
     *     does not start with a number, or an admin console page lacks its {@code id}, {@code name} or
     *     {@code url}; the message starts with the source name
     */
    public static PluginDescriptor parse(InputStream in, String sourceName) throws PluginException {
        Objects.requireNonNull(in, "in");
        Document document;
        try {
            document = secureReader().read(in);
        } catch (DocumentException e) {
            throw new PluginException(sourceName + ": cannot be read as XML: " + e.getMessage());
        }
        Element root = document.getRootElement();
        if (!root.getName().equals("plugin")) {
            throw new PluginException(sourceName + ": the root element is <" + root.getName() + ">, expected <plugin>");
        }
        return new PluginDescriptor(
                requiredText(root, "class", sourceName),
                requiredText(root, "name", sourceName),
                root.elementTextTrim("description"),
                root.elementTextTrim("author"),
                root.elementTextTrim("version"),
                minServerVersion(root, sourceName),
                adminConsoleEntries(root, sourceName));
    }

    private static String minServerVersion(Element root, String sourceName) throws PluginException {
        String text = root.elementTextTrim("minServerVersion");
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            DottedVersion.parse(text);
        } catch (IllegalArgumentException e) {
            throw new PluginException(sourceName + ": <minServerVersion> " + e.getMessage());
        }
        return text;
    }

    private static SAXReader secureReader() {
        SAXReader reader = new SAXReader();
        try {
            reader.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            reader.setFeature("http://xml.org/sax/features/external-general-entities", false);
            reader.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            reader.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        } catch (SAXException e) {
            throw new IllegalStateException("the XML parser cannot be made safe for plugin.xml", e);
        }
        return reader;
    }

    private static String requiredText(Element root, String element, String sourceName) throws PluginException {
        String text = root.elementTextTrim(element);
        if (text == null || text.isEmpty()) {
            throw new PluginException(sourceName + ": the required element <" + element + "> is missing or empty");
        }
        return text;
    }

    private static List<AdminConsoleEntry> adminConsoleEntries(Element root, String sourceName) throws PluginException {
        Element adminConsole = root.element("adminconsole");
        if (adminConsole == null) {
            return List.of();
        }
        List<AdminConsoleEntry> entries = new ArrayList<>();
        for (Element page : adminConsole.elements("page")) {
            int position = entries.size() + 1;
            entries.add(new AdminConsoleEntry(
                    requiredAttribute(page, "id", position, sourceName),
                    requiredAttribute(page, "name", position, sourceName),
                    requiredAttribute(page, "url", position, sourceName),
                    page.attributeValue("description")));
        }
        return entries;
    }

    private static String requiredAttribute(Element page, String attribute, int position, String sourceName)
            throws PluginException {
        String value = page.attributeValue(attribute);
        if (value == null || value.isBlank()) {
            throw new PluginException(sourceName + ": <adminconsole> page " + position + " has no '" + attribute + "' attribute");
        }
        return value.trim();
    }
}
