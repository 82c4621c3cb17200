package org.skein.plugin;

import java.util.Objects;

/**
 * One page a plugin adds to the admin console, declared in its {@code plugin.xml}:
 * {@code <adminconsole><page id="..." name="..." url="..." description="..."/></adminconsole>}.
 * {@code name} and {@code description} may be keys of the plugin's i18n bundle.
 *
 * @param id a unique id for the navigation entry
 * @param name the text of the navigation entry, or an i18n key
 * @param url the page, relative to the plugin's {@code web/} folder
 * @param description a longer text, or an i18n key; may be empty
 */
public record AdminConsoleEntry(String id, String name, String url, String description) {

    public AdminConsoleEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        description = description == null ? "" : description;
    }
}
